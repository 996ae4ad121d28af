"""`/healthz`: database and broker status as JSON, 200 when both answer, 503 otherwise."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure means "not healthy", reported, not raised
        return False, exc.__class__.__name__


def _broker() -> tuple[bool, str]:
    from config.celery_app import app

    try:
        with app.connection_for_write(app.conf.broker_url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:
        return False, exc.__class__.__name__


@never_cache
@require_GET
def healthz(request):
    db_ok, db_detail = _database()
    broker_ok, broker_detail = _broker()
    ok = db_ok and broker_ok
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "database": db_detail, "broker": broker_detail},
        status=200 if ok else 503,
    )
