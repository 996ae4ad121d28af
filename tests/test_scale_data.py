"""The benchmarks' data generator: same seed, same data; every assignment as its reports left it; every category."""

import datetime
import io
import zoneinfo
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from missions.models import Membership, Mission
from tracker import scale_data, timeliness, transitions
from tracker.models import Assignment, Report, Status, Timeliness

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 16)
NOON = datetime.datetime(2026, 3, 16, 12, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


def generate(*extra: str, assignments: int = 400, reports: int = 3000, seed: int = 7) -> None:
    call_command(
        "generate_scale_data",
        f"--assignments={assignments}",
        f"--reports={reports}",
        f"--seed={seed}",
        f"--today={TODAY.isoformat()}",
        *extra,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def snapshot() -> tuple[list, list]:
    """The data without its ids (which depend on what the tables held before)."""
    assignments = list(
        Assignment.objects.order_by("id").values_list(
            "task__title", "task__directive__title", "task__commitment__title", "mission__code", "role",
            "original_deadline", "deadline", "status", "percent", "completed_on", "last_reported_at", "version",
            "created_at",
        )
    )
    reports = list(
        Report.objects.order_by("id").values_list(
            "assignment__task__title", "assignment__mission__code", "author__username", "created_at",
            "previous_status", "status", "percent", "results", "obstacles", "obstacle_cause__code", "proposals",
        )
    )
    return assignments, reports


def test_same_seed_and_day_give_the_same_data_and_another_seed_does_not():
    generate()
    first = snapshot()
    generate("--flush", "--no-input")
    assert snapshot() == first
    generate("--flush", "--no-input", seed=8)
    assert snapshot() != first


def test_exact_counts_all_94_missions_loaded_and_tasks_for_one_several_and_all():
    assert not Mission.objects.exists()
    generate()
    assert Assignment.objects.count() == 400 and Report.objects.count() == 3000
    assert Mission.objects.count() == 94
    per_task = Counter(Assignment.objects.values_list("task_id", flat=True))
    sizes = set(per_task.values())
    assert 1 in sizes and any(1 < n < 94 for n in sizes) and 94 in sizes
    # Each mission's head, a member since before the first report, writes its reports; the secretariat cancels.
    heads = dict(
        Membership.objects.filter(role="head", user__username__startswith="scale-head-").values_list(
            "mission_id", "user_id"
        )
    )
    assert len(heads) == 94
    first_report = Report.objects.order_by("created_at").first().created_at
    assert not Membership.objects.filter(user_id__in=heads.values(), starts_on__gt=first_report.date()).exists()
    for mission_id, author, is_staff, status in Report.objects.values_list(
        "assignment__mission_id", "author_id", "author__is_staff", "status"
    ):
        assert is_staff if status == Status.CANCELLED else author == heads[mission_id]


def test_every_assignment_is_what_its_reports_made_it_as_report_submit_would_have():
    generate()
    by_assignment = defaultdict(list)
    for report in Report.objects.select_related("author").order_by("created_at", "id"):
        by_assignment[report.assignment_id].append(report)
    checked = 0
    for a in Assignment.objects.select_related("mission"):
        reports = by_assignment.get(a.pk, [])
        status, percent = Status.NOT_STARTED, 0
        for report in reports:
            assert report.previous_status == status, f"assignment {a.pk}: broken chain"
            stored = transitions.check(
                current=status,
                new=report.status,
                percent=report.percent,
                obstacles=report.obstacles,
                by_committee=report.author.is_staff,
            )
            assert stored == report.percent
            assert report.created_at >= a.created_at
            status, percent = report.status, stored
        assert (a.status, a.percent, a.version) == (status, percent, len(reports)), f"assignment {a.pk}"
        assert a.last_reported_at == (reports[-1].created_at if reports else None)
        if status == Status.COMPLETED:
            assert a.completed_on == a.mission.local_today(reports[-1].created_at)
        else:
            assert a.completed_on is None
        checked += 1
    assert checked == 400


def test_every_status_and_timeliness_category_and_ten_years_of_reports():
    generate()
    assert set(Assignment.objects.values_list("status", flat=True)) == set(Status.values)
    categories = set(timeliness.annotate(Assignment.objects.all(), now=NOON).values_list("timeliness", flat=True))
    assert categories == {*Timeliness.values, None}
    first = Report.objects.order_by("created_at").first().created_at
    last = Report.objects.order_by("-created_at").first().created_at
    assert last < NOON.replace(hour=0)  # nothing in the future of the day the data leads up to
    assert (last - first).days > 365 * 5
    years = {d.year for d in Report.objects.dates("created_at", "year")}
    assert len(years) >= 6


def test_it_refuses_a_database_with_assignments_unless_told_to_append_or_flush():
    generate(assignments=50, reports=200)
    with pytest.raises(CommandError, match="--append"):
        generate(assignments=50, reports=200)
    assert Assignment.objects.count() == 50
    generate("--append", assignments=30, reports=100, seed=9)
    assert (Assignment.objects.count(), Report.objects.count()) == (80, 300)
    generate("--flush", "--no-input", assignments=20, reports=60)
    assert (Assignment.objects.count(), Report.objects.count()) == (20, 60)


def test_bad_arguments_are_refused_with_a_message_and_nothing_is_written():
    with pytest.raises(CommandError, match="whole number"):
        call_command("generate_scale_data", "--assignments=many")
    with pytest.raises(CommandError, match="yyyy-mm-dd"):
        call_command("generate_scale_data", "--today=16/03/2026")
    with pytest.raises(CommandError, match="need assignments"):
        call_command("generate_scale_data", "--assignments=0", "--reports=5")
    assert not Assignment.objects.exists() and not Report.objects.exists()


def test_default_day_is_today_and_no_report_is_in_the_future():
    scale_data.generate(assignments=30, reports=120, seed=3)
    assert Report.objects.filter(created_at__gte=timezone.now()).count() == 0
