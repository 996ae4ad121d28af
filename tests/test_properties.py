"""Property-based checks of the report and extension services: any input either saves a consistent
report or is refused with a message and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_assignment, member
from tracker import services, transitions
from tracker.models import Assignment, ExtensionRequest, Report, Status

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def assignment_and_head(db):
    a = make_assignment()
    return a, member(a.mission)


@PROPERTY_SETTINGS
@given(
    status=st.sampled_from([*Status.values, "done", ""]),
    percent=st.integers(min_value=-50, max_value=250),
    results=TEXT,
    obstacles=TEXT,
)
def test_any_report_is_saved_consistently_or_refused_without_a_trace(
    assignment_and_head, status, percent, results, obstacles
):
    a, head = assignment_and_head
    before = Assignment.objects.get(pk=a.pk)
    reports_before = Report.objects.count()
    try:
        report = services.report_submit(
            assignment_id=a.pk, author=head, status=status, percent=percent, results=results, obstacles=obstacles
        )
    except ValidationError as exc:
        assert exc.messages and all(m.strip() for m in exc.messages)
        after = Assignment.objects.get(pk=a.pk)
        assert (after.status, after.percent, after.version) == (before.status, before.percent, before.version)
        assert Report.objects.count() == reports_before
        return
    after = Assignment.objects.get(pk=a.pk)
    assert status in transitions.allowed_moves(before.status, by_committee=False)
    assert (after.status, after.percent, after.version) == (report.status, report.percent, before.version + 1)
    assert 0 <= after.percent <= 100
    assert (after.status == Status.COMPLETED) == (after.completed_on is not None)
    assert Report.objects.get(pk=report.pk).results == results  # long Vietnamese, emoji, RTL text survive


@PROPERTY_SETTINGS
@given(days=st.integers(min_value=-400, max_value=4000), reason=TEXT)
def test_any_extension_request_is_valid_or_refused_without_a_trace(assignment_and_head, committee_user, days, reason):
    a, head = assignment_and_head
    committee = committee_user
    a.refresh_from_db()
    pending_before = ExtensionRequest.objects.filter(state="pending").count()
    try:
        req = services.extension_request_create(
            assignment_id=a.pk,
            requested_by=head,
            requested_deadline=a.deadline + datetime.timedelta(days=days),
            reason=reason,
        )
    except ValidationError as exc:
        assert exc.messages
        assert ExtensionRequest.objects.filter(state="pending").count() == pending_before
        return
    assert days > 0 and reason.strip() and pending_before == 0
    assert req.requested_deadline > req.current_deadline
    assert ExtensionRequest.objects.get(pk=req.pk).reason == reason.strip()
    # Decide it, so that the next example may ask again.
    services.extension_decide(extension_id=req.pk, decided_by=committee, approve=False)
