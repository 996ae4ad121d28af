"""Property-based attacks on the forms people fill in and on the import, through their real entry points.

Any input to the portal's report and extension forms (any field, any text: NUL bytes, surrogate-free Unicode,
numbers of any size, lists where one value is expected) answers with the page and its messages or with a redirect
after a save, never a server error; when nothing is saved, nothing changed. Any rows given to the import's check,
and any bytes uploaded as a workbook, give problems by row and column, never an exception. The services'
properties are in tests/test_properties.py, the API's fuzzing in tests/test_api_schemathesis.py.

The number of examples: FUZZ_EXAMPLES (default 100 per property); `--hypothesis-show-statistics` prints them.
"""

import datetime
import io
import os

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tracker import exports, imports
from tracker.models import Assignment, ExtensionRequest, Report

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
NUMBERISH = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["", " ", "1e3", "50.5", "0x10", "NaN", "-0", "٥٠", "５０", "100%", "1,000"]),
    ANY_TEXT,
)
FIELD = st.one_of(ANY_TEXT, NUMBERISH, st.lists(ANY_TEXT, max_size=3))


def snapshot(assignment_id: int) -> tuple:
    a = Assignment.objects.get(pk=assignment_id)
    return (
        a.status,
        a.percent,
        a.version,
        a.deadline,
        Report.objects.count(),
        list(ExtensionRequest.objects.order_by("pk").values_list("state", "requested_deadline", "reason")),
    )


def post_in_savepoint(client, url: str, data: dict, assignment_id: int):
    """Posts; the answer must be a page or a redirect; a page means nothing changed. Rolled back afterwards."""
    with transaction.atomic():
        before = snapshot(assignment_id)
        response = client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        event("saved" if response.status_code == 302 else "refused with messages")
        if response.status_code == 200:
            assert snapshot(assignment_id) == before
            assert response.context["form"].errors
        transaction.set_rollback(True)
    return response


@pytest.fixture
def head(client, world, settings):
    client.force_login(world.head_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.raise_request_exception = True  # an exception in a view fails the example, not a 500 page
    return world.head_a


GARBAGE_REPORT = st.fixed_dictionaries(
    {"status": FIELD, "percent": NUMBERISH, "results": ANY_TEXT, "obstacles": ANY_TEXT, "proposals": ANY_TEXT},
    optional={"obstacle_cause": NUMBERISH, "version": st.one_of(NUMBERISH, st.just("current"))},
)
# Well-formed reports with any text in them: the save path is fuzzed too, not only the refusals.
PLAUSIBLE_REPORT = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["in_progress", "blocked", "completed", "cancelled", "not_started"]),
        "percent": st.integers(min_value=-5, max_value=105).map(str),
        "results": ANY_TEXT,
        "obstacles": st.one_of(ANY_TEXT, st.just("Held up by the partner")),
        "proposals": ANY_TEXT,
        "version": st.just("current"),
    },
    optional={"obstacle_cause": st.sampled_from(["", "1", "2", "999"])},
)


@FUZZ
@given(data=st.one_of(PLAUSIBLE_REPORT, GARBAGE_REPORT))
def test_any_report_form_is_a_page_or_a_saved_report(client, world, head, media_root, data):
    a = world.assignment_a
    if data.get("version") == "current":
        data = {**data, "version": Assignment.objects.get(pk=a.pk).version}
    response = post_in_savepoint(client, reverse("portal:report_create", args=[a.pk]), data, a.pk)
    if response.status_code == 302:
        assert "#report-" in response["Location"]


@FUZZ
@given(requested_deadline=st.one_of(NUMBERISH, st.dates().map(lambda d: d.strftime("%d/%m/%Y"))), reason=FIELD)
def test_any_extension_form_is_a_page_or_a_saved_request(client, world, head, requested_deadline, reason):
    # An assignment without a pending request, so that a valid request can be saved.
    a = world.assignment_a
    ExtensionRequest.objects.filter(pk=world.extension_a.pk).update(state="rejected")
    response = post_in_savepoint(
        client,
        reverse("portal:extension_create", args=[a.pk]),
        {"requested_deadline": requested_deadline, "reason": reason},
        a.pk,
    )
    if response.status_code == 302:
        assert "#extension_requested-" in response["Location"]


# What a workbook can hold (a workbook cannot hold most control characters: no file could carry them).
SHEET_TEXT = ANY_TEXT.map(lambda text: exports.ILLEGAL_IN_SHEETS.sub("", text))
CELL = st.one_of(st.none(), SHEET_TEXT, st.integers(), st.floats(allow_nan=True), st.dates(), st.booleans())


GARBAGE_ROW = st.fixed_dictionaries({c.key: ANY_TEXT for c in imports.COLUMNS})
PLAUSIBLE_ROW = st.fixed_dictionaries(
    {
        # Mostly good values (so that whole files pass and are imported), some bad ones.
        "title": st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300).filter(
            str.strip
        ),
        "description": ANY_TEXT,
        "directive": st.just(""),
        "commitment": st.sampled_from(["", "", "", "99999999999999999999", "²", "٥"]),
        "themes": st.sampled_from(["", "", "", "nope"]),
        "priority": st.sampled_from(["", "high", "low", "normal", "urgent"]),
        "deadline": st.sampled_from(["31/12/2030", "2030-12-31", "15/06/2031", "31/02/2030"]),
        "missions": st.sampled_from(["EMB-TA", "EMB-TA, EMB-TB", "ALL", "emb-tb", "EMB-NOPE"]),
        "role": st.sampled_from(["", "lead", "support", "boss"]),
    }
)


@FUZZ
@given(rows=st.one_of(st.lists(PLAUSIBLE_ROW, min_size=1, max_size=3), st.lists(GARBAGE_ROW, min_size=1, max_size=6)))
def test_the_import_check_finds_problems_in_any_rows_and_never_fails(db, world, rows):
    with transaction.atomic():
        preview = imports.check([(i + 2, row) for i, row in enumerate(rows)], today=datetime.date(2026, 1, 1))
        assert all(str(p) and p.message for p in preview.problems)
        event("accepted" if preview.ok else "problems found")
        if preview.ok:  # a row taken as good is a task that can be created
            tasks = imports.tasks_import(preview=preview, created_by=world.committee)
            assert len(tasks) == len(rows)
        transaction.set_rollback(True)


@FUZZ
@given(cells=st.lists(st.lists(CELL, max_size=10), max_size=6), header=st.booleans())
def test_any_workbook_uploaded_gives_problems_not_errors(db, world, cells, header):
    wb = Workbook()
    ws = wb.active
    if header:
        ws.append([str(c.label) for c in imports.COLUMNS])
    for row in cells:
        ws.append([v.isoformat() if isinstance(v, datetime.date) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with transaction.atomic():
        preview = imports.preview_file(out, today=datetime.date(2026, 1, 1))
        assert preview.ok or preview.problems
        transaction.set_rollback(True)


@FUZZ
@given(content=st.binary(max_size=2000))
def test_any_bytes_uploaded_as_a_workbook_are_refused_with_a_message(db, content):
    preview = imports.preview_file(io.BytesIO(content))
    assert not preview.ok and preview.problems
