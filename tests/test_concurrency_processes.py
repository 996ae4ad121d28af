"""Concurrency with separate OS processes on PostgreSQL (not threads sharing one interpreter).

Several processes, each its own Python and its own database connection, file reports on the same assignment at
the same moment: every report is kept, the reports form one chain (each one's previous status is the status the
one before it set: no report was based on a state another had already replaced), and the assignment ends with the
last report's status and percent. With stale forms, every report is either kept or refused as stale, never lost
silently. Two committee members deciding the same extension at once: one wins, the other is told, and only the
winner's e-mails are written. (tests/test_report_service.py has the thread versions.)
"""

import datetime
import multiprocessing
import queue
import time

import pytest

from missions.models import Membership
from tests.factories import UserFactory, make_assignment, member
from tests.process_support import database_url, extension_decision, report_storm
from tracker import services
from tracker.models import Assignment, ExtensionRequest, Report
from tracker.outbox.models import OutboxMessage

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROCESSES = 6
REPORTS_EACH = 10
TIMEOUT = 120  # seconds for the processes to finish (a deadline for failing, not a speed test)


def run(target, argument_lists: list[tuple]) -> list:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(argument_lists))
    results = context.Queue()
    processes = [context.Process(target=target, args=(*args, barrier, results)) for args in argument_lists]
    for p in processes:
        p.start()
    collected = []
    deadline = time.monotonic() + TIMEOUT
    while len(collected) < len(processes):
        try:
            collected.append(results.get(timeout=0.5))
        except queue.Empty:
            failed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if failed or time.monotonic() > deadline:
                for p in processes:
                    p.kill()
                pytest.fail(f"a process failed (exit codes {failed}) or the time ran out")
    for p in processes:
        p.join(timeout=TIMEOUT)
        assert p.exitcode == 0, f"a process failed (exit code {p.exitcode})"
    return collected


@pytest.fixture
def assignment_and_people():
    a = make_assignment()
    people = [member(a.mission, Membership.Role.OFFICER) for _ in range(PROCESSES)]
    return a, people


def test_reports_from_many_processes_at_once_are_all_kept_in_one_chain(assignment_and_people):
    a, people = assignment_and_people
    history_before = Assignment.history.filter(id=a.pk).count()
    outcome = run(report_storm, [(database_url(), a.pk, p.pk, REPORTS_EACH, False) for p in people])

    assert sorted(len(saved) for _user, saved, _stale in outcome) == [REPORTS_EACH] * PROCESSES
    reports = list(Report.objects.filter(assignment=a).order_by("created_at", "id"))
    assert len(reports) == PROCESSES * REPORTS_EACH
    assert {r.author_id: 0 for r in reports}.keys() == {p.pk for p in people}
    # One chain: each report saw the state the previous one left, in the order they were saved.
    assert [r.previous_status for r in reports] == ["not_started"] + [r.status for r in reports[:-1]]
    assert [r.pk for r in reports] == sorted(r.pk for r in reports)
    a.refresh_from_db()
    assert (a.status, a.percent, a.version) == (reports[-1].status, reports[-1].percent, len(reports))
    assert a.last_reported_at == reports[-1].created_at
    assert Assignment.history.filter(id=a.pk).count() == history_before + len(reports)


def test_stale_forms_from_many_processes_are_kept_or_refused_never_lost(assignment_and_people):
    a, people = assignment_and_people
    outcome = run(report_storm, [(database_url(), a.pk, p.pk, REPORTS_EACH, True) for p in people])

    saved = [pk for _user, ids, _stale in outcome for pk in ids]
    stale = sum(n for _user, _ids, n in outcome)
    assert len(saved) + stale == PROCESSES * REPORTS_EACH
    assert sorted(Report.objects.filter(assignment=a).values_list("pk", flat=True)) == sorted(saved)
    a.refresh_from_db()
    assert a.version == len(saved)
    last = Report.objects.filter(assignment=a).order_by("created_at", "id").last()
    assert (a.status, a.percent) == (last.status, last.percent)


def test_two_committee_members_deciding_at_once_in_two_processes(committee_user):
    a = make_assignment()
    head = member(a.mission, Membership.Role.HEAD)
    deputy = member(a.mission, Membership.Role.DEPUTY)
    request = services.extension_request_create(
        assignment_id=a.pk,
        requested_by=head,
        requested_deadline=a.deadline + datetime.timedelta(days=30),
        reason="The partner's elections.",
    )
    other = UserFactory(is_staff=True)
    outcome = dict(
        run(
            extension_decision,
            [(database_url(), request.pk, committee_user.pk, True), (database_url(), request.pk, other.pk, False)],
        )
    )
    assert sorted(outcome.values()) == ["told", "won"]
    winner = next(user for user, result in outcome.items() if result == "won")
    request.refresh_from_db()
    a.refresh_from_db()
    assert request.decided_by_id == winner
    assert request.state == ("approved" if winner == committee_user.pk else "rejected")
    assert (a.deadline == request.requested_deadline) == (request.state == "approved")
    # Only the winner's decision wrote e-mails: one to the head, one to the deputy.
    mails = OutboxMessage.objects.filter(reference=f"extension-request:{request.pk}")
    assert sorted(mails.values_list("recipient", flat=True)) == sorted([head.email, deputy.email])
    assert ExtensionRequest.history.filter(id=request.pk).count() == 2  # asked, decided once
