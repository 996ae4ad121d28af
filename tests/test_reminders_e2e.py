"""End to end with real parts: a real `celery worker` process, a real broker (Redis, or the filesystem broker of
the zero-service path) and a real SMTP server on loopback. The test fires the beat task by its name, as beat
does, and reads what the SMTP server received."""

import datetime

import pytest
from celery import Celery
from django.conf import settings

from tests.factories import UserFactory
from tests.process_support import Worker, wait_until
from tests.reminders_support import SmtpServer, assign, bodies, mission_with_people
from tracker.reminders.models import ReminderDelivery

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WED = datetime.date(2025, 3, 12)
NOW = "2025-03-12T10:00:00+07:00"  # after 08:00 in Tokyo and Seoul, and the committee's morning in Ha Noi


def wait_for(condition, worker: Worker, what: str) -> None:
    wait_until(condition, what, worker, timeout=120)


def build_world():
    tokyo, tokyo_people = mission_with_people("EMB-JP", "Asia/Tokyo")
    seoul, seoul_people = mission_with_people("EMB-KR", "Asia/Seoul")
    work = {
        "jp_soon": assign(tokyo, WED + datetime.timedelta(days=7), "Lobby for market-economy recognition"),
        "jp_today": assign(tokyo, WED, "Report on the Halal market"),
        "jp_late": assign(tokyo, WED - datetime.timedelta(days=1), "Follow up the state-visit agreements"),
        "kr_late": assign(seoul, WED - datetime.timedelta(days=15), "Promote the international financial centre"),
        "kr_quiet": assign(seoul, WED + datetime.timedelta(days=3), "Nothing to say today"),
    }
    chair = UserFactory(username="chair", is_staff=True, email="chair@mofa.example", language="en")
    return {"tokyo": tokyo_people, "seoul": seoul_people, "chair": chair}, work


def fire(client: Celery, url: str) -> None:
    """Sends the beat task by name, as beat does (to `url` explicitly: Celery lets CELERY_BROKER_URL win otherwise)."""
    with client.connection_for_write(url) as conn:
        client.send_task("tracker.reminders.sweep", kwargs={"now": NOW}, connection=conn)


def fire_and_read(client: Celery, broker_url: str, worker: Worker, server: SmtpServer, people, work):
    fire(client, broker_url)
    wait_for(lambda: len(server.inbox.recipients()) >= 9, worker, "9 digests at the SMTP server")
    wait_for(lambda: worker.succeeded("tracker.reminders.send_batch") >= 1, worker, "the send task to finish")

    received = server.inbox.messages()
    recipients = server.inbox.recipients()
    expected = sorted(
        [p.email for p in (*people["tokyo"].values(), *people["seoul"].values())]
        + ["emb-jp@missions.example", "emb-kr@missions.example", "chair@mofa.example"]
    )
    assert recipients == expected
    assert len(server.inbox.sessions()) == 1  # one SMTP connection for the batch

    head = next(m for m in received if m["To"] == people["tokyo"]["head"].email)
    assert head["Subject"].startswith("[EMB-JP]")
    assert head["Message-ID"].startswith("<reminder.") and head["References"] == "<reminders.emb-jp@localhost>"
    assert head["List-Unsubscribe"] == "<http://testserver/portal/preferences/>"
    text, html = bodies(head)
    for key in ("jp_soon", "jp_today", "jp_late"):
        link = f"http://testserver/portal/assignments/{work[key].pk}/"
        assert work[key].task.title in text and link in text
        assert f'href="{link}"' in html and work[key].task.title in html
    assert work["kr_late"].task.title not in text

    chair = next(m for m in received if m["To"] == "chair@mofa.example")
    text, html = bodies(chair)
    admin_url = f"http://testserver/admin/tracker/assignment/{work['kr_late'].pk}/change/"
    assert work["kr_late"].task.title in text and admin_url in text and f'href="{admin_url}"' in html
    assert "more than 14 days" in chair["Subject"]

    assert ReminderDelivery.objects.count() == 9
    assert set(ReminderDelivery.objects.values_list("state", "attempts")) == {(ReminderDelivery.State.SENT, 1)}

    # Beat fires again (a second beat, a redelivered task): nothing more is sent.
    fire(client, broker_url)
    wait_for(lambda: worker.succeeded("tracker.reminders.sweep") >= 2, worker, "the second sweep")
    assert len(server.inbox.recipients()) == 9


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


def run_end_to_end(tmp_path, artifacts_dir, smtp_server, broker_env: dict, client: Celery, name: str):
    people, work = build_world()
    worker = Worker(log_path=tmp_path / "worker.log", EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}", **broker_env)
    try:
        fire_and_read(client, broker_env["CELERY_BROKER_URL"], worker, smtp_server, people, work)
    finally:
        worker.stop()
        (artifacts_dir / f"reminders-e2e-{name}-worker.log").write_text(worker.output())


def test_beat_task_through_the_filesystem_broker_a_real_worker_and_smtp(tmp_path, artifacts_dir, smtp_server):
    """The zero-service path: kombu's filesystem broker in a folder of this test."""
    broker = tmp_path / "broker"
    for sub in ("queue", "processed", "control"):
        (broker / sub).mkdir(parents=True)
    options = {
        "data_folder_in": str(broker / "queue"),
        "data_folder_out": str(broker / "queue"),
        "processed_folder": str(broker / "processed"),
        "control_folder": str(broker / "control"),
        "store_processed": False,
    }
    client = Celery("e2e-client", broker="filesystem://", broker_transport_options=options)
    env = {"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_DIR": str(broker)}
    run_end_to_end(tmp_path, artifacts_dir, smtp_server, env, client, "filesystem")


@pytest.mark.redis
def test_beat_task_through_redis_a_real_worker_and_smtp(tmp_path, artifacts_dir, smtp_server):
    """CI's path: the Redis broker of CELERY_BROKER_URL."""
    url = settings.CELERY_BROKER_URL
    client = Celery("e2e-client", broker=url, broker_transport_options={"visibility_timeout": 3600})
    with client.connection_for_write(url) as conn:
        client.control.purge(connection=conn)  # nothing left over from an earlier run
    run_end_to_end(tmp_path, artifacts_dir, smtp_server, {"CELERY_BROKER_URL": url}, client, "redis")
