"""`seed_demo`: the demo data set, made through the services, the same after a second run."""

import datetime
import io
import zoneinfo

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from missions.models import Membership, Mission, User
from missions.services import mission_set_active
from tracker import demo, demo_data, permissions, timeliness
from tracker.models import Assignment, Commitment, Directive, ExtensionRequest, Status, Task, Timeliness

PASSWORD = "test-demo-pass-1"


def seed(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", password=PASSWORD, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def assignment_state() -> list[tuple]:
    return list(
        Assignment.objects.order_by("pk").values_list(
            "pk", "task_id", "mission_id", "role", "deadline", "status", "percent", "completed_on", "version"
        )
    )


@pytest.mark.django_db
def test_second_run_changes_nothing():
    assert not Mission.objects.exists()  # a fresh database: the command loads the fixtures itself
    first, _ = seed()
    before, state = row_counts(), assignment_state()
    second, _ = seed()

    assert row_counts() == before
    assert assignment_state() == state
    assert "nothing was changed" in second and "nothing was changed" not in first
    assert before["missions.Mission"] == 94
    assert before["tracker.Theme"] == 16
    assert before["tracker.Directive"] == len(demo_data.DIRECTIVES)
    assert before["tracker.Commitment"] == len(demo_data.COMMITMENTS)
    assert before["tracker.Task"] == len(demo_data.TASKS)
    assert before["missions.User"] == len(demo_data.USERS)
    assert before["tracker.Report"] > 30
    assert before["tracker.ExtensionRequest"] == 2


@pytest.mark.django_db
def test_a_run_on_a_later_day_changes_nothing():
    demo.demo_seed(password=PASSWORD)
    before, state = row_counts(), assignment_state()

    result = demo.demo_seed(password=PASSWORD, now=timezone.now() + datetime.timedelta(days=9))

    assert row_counts() == before
    assert assignment_state() == state
    assert not any(result.created.values())


@pytest.mark.django_db
def test_every_timeliness_category_and_status_occurs():
    seed()
    rows = list(Assignment.objects.with_timeliness().select_related("mission"))

    assert {a.timeliness for a in rows} >= set(Timeliness.values)
    assert {a.status for a in rows} == set(Status.values)
    # The rule on one object agrees with the database annotation, row by row.
    assert all(timeliness.of(a) == a.timeliness for a in rows)
    pending = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
    assert pending.count() == 2
    assert all(e.requested_deadline > e.current_deadline == e.assignment.deadline for e in pending)


@pytest.mark.django_db
@pytest.mark.parametrize("days", range(7))
def test_every_category_occurs_whatever_the_weekday_and_hour(days):
    """Deadlines keep clear of the category boundaries in every mission's time zone: each weekday, seeded
    just after midnight in Ha Noi (America is still on the day before) or just before (Oceania is on the next)."""
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    hour = datetime.time(0, 30) if days % 2 else datetime.time(23, 30)
    now = datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=days), hour, tzinfo=hanoi)

    demo.demo_seed(password=PASSWORD, now=now)

    assert set(Assignment.objects.with_timeliness(now=now).values_list("timeliness", flat=True)) >= set(
        Timeliness.values
    )


@pytest.mark.django_db
def test_printed_logins_work(client):
    out, err = seed()
    lines = out.splitlines()

    committee = next(line for line in lines if line.startswith("committee "))
    assert PASSWORD in committee and "/admin/" in committee
    us_head = next(line for line in lines if line.startswith("us.head "))
    assert "EMB-US" in us_head and "/portal/" in us_head and PASSWORD in us_head
    assert all(any(line.startswith(f"{u.username} ") for line in lines) for u in demo_data.USERS)
    assert err == ""

    assert client.login(username="committee", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/tracker/assignment/").status_code == 200
    client.logout()
    assert client.login(username="us.head", password=PASSWORD)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert {a.mission.code for a in response.context["page"]} == {"EMB-US"}


@pytest.mark.django_db
def test_tasks_go_to_the_right_missions():
    seed()

    def missions_of(title_start: str, role: str | None = None) -> set[str]:
        task = Task.objects.get(title__startswith=title_start)
        qs = task.assignments.all() if role is None else task.assignments.filter(role=role)
        return set(qs.values_list("mission__code", flat=True))

    assert missions_of("Vận động Hoa Kỳ đưa Việt Nam ra khỏi", "lead") == {"EMB-US"}
    assert missions_of("Vận động Hoa Kỳ sớm công nhận") == {"EMB-US"}
    assert missions_of("Thúc đẩy hợp tác phát triển kinh tế cửa khẩu") == {"EMB-CN", "CG-CN-NNG", "CG-CN-KMG"}
    assert missions_of("Phối hợp với các đối tác Trung Đông", "lead") == {"EMB-AE", "EMB-QA"}
    assert missions_of("Thúc đẩy hợp tác phát triển ngành công nghiệp Halal", "lead") == {"EMB-SA"}
    assert missions_of("Phối hợp với NVIDIA", "lead") == {"CG-US-SFO"}
    assert missions_of("Theo dõi thực hiện các hợp đồng cung ứng điện gió") == {"EMB-DK"}
    everyone = set(Mission.objects.active().values_list("code", flat=True))
    assert missions_of("Huy động nguồn lực cộng đồng người Việt Nam") == everyone
    assert missions_of("Báo cáo phân tích và dự báo") == set(
        Mission.objects.active().filter(region=Mission.Region.EUROPE).values_list("code", flat=True)
    )
    assert not Assignment.objects.filter(mission__is_active=False).exists()

    nvidia = Commitment.objects.get(partner_organisation="NVIDIA")
    assert (nvidia.signed_on, nvidia.partners) == (datetime.date(2024, 12, 5), "US")
    assert {t.code for t in nvidia.themes.all()} >= {"artificial-intelligence", "semiconductors"}
    assert Commitment.objects.get(partners="DK").value_usd == 1_000_000_000
    assert Commitment.objects.get(title__startswith="15 doanh nghiệp").value_usd == 8_000_000_000
    assert set(Directive.objects.values_list("issued_on", "issued_by")) == {
        (datetime.date(2024, 2, 22), Directive.Issuer.MINISTER),
        (datetime.date(2024, 4, 2), Directive.Issuer.PRIME_MINISTER),
        (datetime.date(2024, 12, 20), Directive.Issuer.PRIME_MINISTER),
    }


@pytest.mark.django_db
def test_deactivated_missions_get_nothing(missions):
    mission_set_active(mission=missions.get(code="EMB-KP"), is_active=False)  # in an "all missions" task
    mission_set_active(mission=missions.get(code="EMB-HU"), is_active=False)  # named in a task

    _, err = seed()

    assert not Assignment.objects.filter(mission__code__in=["EMB-KP", "EMB-HU"]).exists()
    assert "EMB-HU is inactive" in err
    assert Assignment.objects.filter(mission__code="EMB-RO").exists()


@pytest.mark.django_db
def test_reports_went_through_the_service():
    seed()
    committee = User.objects.get(username="committee")
    now = timezone.now()
    for a in Assignment.objects.select_related("mission").prefetch_related("reports__author"):
        reports = sorted(a.reports.all(), key=lambda r: (r.created_at, r.pk))
        if not reports:
            assert (a.status, a.percent, a.version, a.last_reported_at) == (Status.NOT_STARTED, 0, 0, None)
            continue
        last = reports[-1]
        assert (a.status, a.percent, a.version, a.last_reported_at) == (
            last.status,
            last.percent,
            len(reports),
            last.created_at,
        )
        assert [r.previous_status for r in reports] == [Status.NOT_STARTED] + [r.status for r in reports[:-1]]
        assert a.created_at < reports[0].created_at and last.created_at < now
        if a.status == Status.COMPLETED:
            assert a.completed_on == a.mission.local_today(last.created_at)
        for r in reports:
            assert r.author == committee or permissions.can_report(r.author, a)
            assert a.mission.is_working_day(a.mission.local_today(r.created_at))
    cancelled = Assignment.objects.get(status=Status.CANCELLED)
    assert cancelled.reports.get().author == committee


@pytest.mark.django_db
def test_users_group_memberships_and_emails(missions):
    Mission.objects.filter(code="EMB-US").update(email="washington@mofa.example")
    seed()

    committee = User.objects.get(username="committee")
    group = Group.objects.get(name="Steering committee")
    assert committee.is_staff and committee.is_superuser and group in committee.groups.all()
    app_permissions = Permission.objects.filter(content_type__app_label__in=["missions", "tracker"])
    assert set(group.permissions.all()) == set(app_permissions) and app_permissions.count() > 40
    assert all(u.email == f"{u.username}@example.org" for u in User.objects.all())
    assert list(User.objects.filter(language="en").values_list("username", flat=True)) == ["fr.officer"]

    tokyo_heads = Membership.objects.filter(mission__code="EMB-JP", role=Membership.Role.HEAD).order_by("starts_on")
    assert [(m.user.username, m.ends_on) for m in tokyo_heads] == [
        ("fr.head", datetime.date(2024, 8, 31)),
        ("jp.head", None),
    ]
    assert [m.user.username for m in tokyo_heads.current()] == ["jp.head"]
    assert {m.mission.code for m in Membership.objects.current().filter(user__username="fr.head")} == {"EMB-FR"}
    assert {"EMB-US", "EMB-CN", "EMB-JP", "EMB-SA", "EMB-AE", "EMB-DK", "EMB-FR"} <= set(
        Membership.objects.current().values_list("mission__code", flat=True)
    )

    assert Mission.objects.get(code="CG-US-SFO").email == "cg-us-sfo@missions.example"
    assert Mission.objects.get(code="EMB-US").email == "washington@mofa.example"  # a real address stays


@pytest.mark.django_db
def test_password_comes_from_option_environment_or_debug_default(settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists() and not Mission.objects.exists()

    monkeypatch.setenv("DEMO_PASSWORD", "from-the-env-42")
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "from-the-env-42" in out.getvalue()
    assert User.objects.get(username="dk.head").check_password("from-the-env-42")

    monkeypatch.delenv("DEMO_PASSWORD")
    settings.DEBUG = True
    before = row_counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert demo_data.DEFAULT_PASSWORD in out.getvalue()
    assert User.objects.get(username="dk.head").check_password(demo_data.DEFAULT_PASSWORD)
    assert row_counts() == before
