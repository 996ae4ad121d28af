"""Fault: the broker (Redis) stops while people use the portal.

Real processes: the web application under gunicorn, a private redis-server on its own port (stopped and started
again by the test; the machine's shared Redis is never touched), a `celery worker`, and an SMTP server on loopback.
While Redis is down, pages, report submission, extension requests and the committee's decision keep working;
the decision's e-mails wait in the outbox; once Redis is back, the worker drains the outbox and each e-mail goes
out once. After that, new decisions reach the worker directly again.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Membership
from tests.factories import MissionFactory, UserFactory, make_assignment, member
from tests.process_support import Browser, RedisServer, WebServer, Worker, fire, wait_until
from tests.reminders_support import SmtpServer
from tracker import services
from tracker.models import ExtensionRequest, Report
from tracker.outbox.models import OutboxMessage

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server(tmp_path):
    import shutil

    from tests.conftest import _missing

    if not shutil.which("redis-server"):
        _missing("redis-server is not installed (Debian package 'redis-server')")
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


def build_world():
    today = timezone.localdate()
    mission = MissionFactory(code="EMB-FT", timezone="Asia/Tokyo")
    head = member(mission, Membership.Role.HEAD, username="ft-head", language="en")
    deputy = member(mission, Membership.Role.DEPUTY, username="ft-deputy", language="vi")
    chair = UserFactory(username="ft-chair", is_staff=True, is_superuser=True, email="chair@mofa.example")
    first = make_assignment(mission=mission, deadline=today + datetime.timedelta(days=20))
    second = make_assignment(mission=mission, deadline=today + datetime.timedelta(days=20))
    waiting = services.extension_request_create(
        assignment_id=first.pk,
        requested_by=head,
        requested_deadline=today + datetime.timedelta(days=50),
        reason="The partner's elections.",
    )
    return {"head": head, "deputy": deputy, "chair": chair, "first": first, "second": second, "waiting": waiting}


def test_redis_down_pages_reports_and_decisions_work_and_the_mail_goes_out_once_it_is_back(
    tmp_path, artifacts_dir, redis_server, smtp_server
):
    w = build_world()
    processes = []
    smtp = f"smtp://127.0.0.1:{smtp_server.port}"
    try:
        web = WebServer(log_path=tmp_path / "web.log", CELERY_BROKER_URL=redis_server.url, EMAIL_URL=smtp)
        processes.append(web)
        head, chair = Browser(web.url, user=w["head"]), Browser(web.url, user=w["chair"])
        assert head.get("/healthz")[0] == 200

        redis_server.stop()  # ---------------------------------------------------------------- Redis is down
        status, _headers, body = head.get("/healthz")
        assert status == 503 and '"broker"' in body  # the load balancer is told, and the pages still answer:

        first, second = w["first"], w["second"]
        assert head.get(reverse("portal:home"))[0] == 200
        assert head.get(reverse("portal:assignment_detail", args=[first.pk]))[0] == 200
        status, headers, _ = head.post(
            reverse("portal:report_create", args=[first.pk]),
            {"status": "in_progress", "percent": 40, "results": "Met the trade ministry.", "version": first.version},
        )
        assert status == 302 and "#report-" in headers["Location"]
        status, headers, _ = head.post(
            reverse("portal:extension_create", args=[second.pk]),
            {
                "requested_deadline": (second.deadline + datetime.timedelta(days=30)).strftime("%d/%m/%Y"),
                "reason": "Visit",
            },
        )
        assert status == 302
        assert chair.get(reverse("admin:index"))[0] == 200
        change = reverse("admin:tracker_extensionrequest_change", args=[w["waiting"].pk])
        status, _headers, _ = chair.post(change, {"decision_note": "Approved.", "_approve": "1"})
        assert status == 302

        assert Report.objects.filter(assignment=first, results="Met the trade ministry.").count() == 1
        assert ExtensionRequest.objects.get(pk=w["waiting"].pk).state == "approved"
        waiting_mail = OutboxMessage.objects.filter(reference=f"extension-request:{w['waiting'].pk}")
        assert sorted(waiting_mail.values_list("recipient", "state")) == sorted(
            [(w["head"].email, "pending"), (w["deputy"].email, "pending")]
        )
        assert smtp_server.inbox.recipients() == []  # the web server never sends mail itself

        redis_server.start()  # --------------------------------------------- Redis is back, a worker starts
        worker = Worker(log_path=tmp_path / "worker.log", CELERY_BROKER_URL=redis_server.url, EMAIL_URL=smtp)
        processes.append(worker)
        wait_until(worker.ready, "the worker to start", worker)
        # Beat's drain, a minute or two later (the outbox leaves a fresh message to its after-commit task first).
        fire(redis_server.url, "tracker.outbox.drain", now=(timezone.now() + datetime.timedelta(minutes=2)).isoformat())
        wait_until(lambda: len(smtp_server.inbox.recipients()) >= 2, "the decision's two e-mails", worker)
        assert smtp_server.inbox.recipients() == sorted([w["head"].email, w["deputy"].email])
        assert set(waiting_mail.values_list("state", "attempts")) == {("sent", 1)}
        subjects = {m["To"]: m["Subject"] for m in smtp_server.inbox.messages()}
        assert subjects[w["head"].email].startswith("Extension approved: ")

        # With the broker back, the web server hands a new decision to the worker at once (no drain needed).
        later_request = ExtensionRequest.objects.get(assignment=second, state="pending")
        change = reverse("admin:tracker_extensionrequest_change", args=[later_request.pk])
        assert chair.post(change, {"decision_note": "No.", "_reject": "1"})[0] == 302
        wait_until(lambda: len(smtp_server.inbox.recipients()) >= 4, "the second decision's e-mails", worker)

        # The next drains find nothing left: every e-mail went out once.
        drains = worker.succeeded("tracker.outbox.drain")
        fire(redis_server.url, "tracker.outbox.drain", now=(timezone.now() + datetime.timedelta(hours=2)).isoformat())
        wait_until(lambda: worker.succeeded("tracker.outbox.drain") > drains, "the last drain", worker)
        assert sorted(smtp_server.inbox.recipients()) == sorted([w["head"].email, w["deputy"].email] * 2)
        assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    finally:
        for process in processes:
            process.stop()
            (artifacts_dir / f"faults-redis-{process.name.replace(' ', '-')}.log").write_text(process.output())
