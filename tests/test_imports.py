"""Importing tasks from the admin's XLSX template: preview with every problem by row and column, then one
transaction; a file with a bad row creates nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from missions.models import Mission
from tests.factories import CommitmentFactory, DirectiveFactory, MissionFactory, TaskFactory, UserFactory
from tracker import imports, services
from tracker.models import Assignment, Task, Theme

pytestmark = pytest.mark.django_db

IMPORT = "admin:tracker_task_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"  # pages ignore Accept-Language; the cookie chooses
    with translation.override("en"):
        yield


@pytest.fixture
def setup(db, client):
    committee = UserFactory(username="secretariat", is_staff=True, is_superuser=True)
    missions = {
        "EMB-AA": MissionFactory(code="EMB-AA"),
        "EMB-BB": MissionFactory(code="EMB-BB", region=Mission.Region.EUROPE),
        "EMB-CC": MissionFactory(code="EMB-CC", region=Mission.Region.AMERICAS),
        "EMB-ZZ": MissionFactory(code="EMB-ZZ", is_active=False),
    }
    themes = {
        code: Theme.objects.create(code=code, name_vi=code, name_en=code, group="new")
        for code in ("exports", "digital", "halal")
    }
    directive = DirectiveFactory(number="17/CT-TTg", title="Directive 17")
    commitment = CommitmentFactory(title="MoU on semiconductors")
    client.force_login(committee)
    return {
        "committee": committee,
        "missions": missions,
        "themes": themes,
        "directive": directive,
        "commitment": commitment,
    }


def template(client) -> Workbook:
    response = client.get(reverse("admin:tracker_task_import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def filled(client, rows: list[list], name: str = "tasks.xlsx") -> SimpleUploadedFile:
    """The downloaded template with `rows` typed into the Tasks sheet from row 2 (the round trip people make)."""
    wb = template(client)
    ws = wb.worksheets[0]
    for i, values in enumerate(rows, start=2):
        for j, value in enumerate(values, start=1):
            ws.cell(row=i, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def upload(client, file):
    return client.post(reverse(IMPORT), {"file": file})


def confirm(client, preview_response):
    payload = preview_response.context["preview"].payload()
    return client.post(reverse(IMPORT), {"payload": payload, "confirm": "1"}, follow=True)


GOOD = (
    (
        "Promote durian exports",
        "Work with importers",
        "17/CT-TTg",
        None,
        "exports, halal",
        "high",
        datetime.date(2030, 9, 30),
        "EMB-AA, EMB-BB",
        "lead",
    ),
    ("Digital economy forum", "", "", None, "digital", "", "31/12/2030", "EMB-CC", "support"),
)


def test_the_template_lists_columns_and_valid_codes(client, setup):
    wb = template(client)
    tasks, reference, instructions = wb.worksheets
    headers = [c.value for c in tasks[1]]
    assert headers == [f"{c.label}{' *' if c.required else ''}" for c in imports.COLUMNS]
    assert tasks.max_row <= 1 or all(c.value is None for row in tasks.iter_rows(min_row=2) for c in row)
    codes = {c.value for row in reference.iter_rows() for c in row}
    assert {"EMB-AA", "EMB-BB", "EMB-CC", "exports", "digital", "17/CT-TTg", "high", "lead"} <= codes
    assert "EMB-ZZ" not in codes  # inactive missions cannot be given work
    assert setup["commitment"].pk in codes
    assert instructions["A1"].value
    assert {tuple(v.sqref.ranges)[0].coord.split(":")[0] for v in tasks.data_validations.dataValidation} == {"F2", "I2"}


def test_a_good_file_creates_exactly_what_it_says(client, setup):
    rows = [list(row) for row in GOOD]
    rows[0][3] = setup["commitment"].pk
    preview = upload(client, filled(client, rows))
    assert preview.status_code == 200
    assert preview.context["preview"].ok
    assert preview.context["preview"].assignment_count == 3
    assert Task.objects.count() == 0  # a preview changes nothing
    response = confirm(client, preview)
    assert response.redirect_chain[-1][0] == reverse("admin:tracker_task_changelist")
    assert "Imported 2 tasks and 3 assignments." in response.content.decode()

    durian = Task.objects.get(title="Promote durian exports")
    assert durian.description == "Work with importers"
    assert durian.directive == setup["directive"]
    assert durian.commitment == setup["commitment"]
    assert sorted(durian.themes.values_list("code", flat=True)) == ["exports", "halal"]
    assert durian.priority == "high"
    assert durian.default_deadline == datetime.date(2030, 9, 30)
    assert durian.created_by == setup["committee"]
    assert sorted(durian.assignments.values_list("mission__code", "deadline", "original_deadline", "role")) == [
        ("EMB-AA", datetime.date(2030, 9, 30), datetime.date(2030, 9, 30), "lead"),
        ("EMB-BB", datetime.date(2030, 9, 30), datetime.date(2030, 9, 30), "lead"),
    ]
    forum = Task.objects.get(title="Digital economy forum")
    assert (forum.directive, forum.commitment, forum.priority) == (None, None, "normal")
    assert list(forum.assignments.values_list("mission__code", "deadline", "role")) == [
        ("EMB-CC", datetime.date(2030, 12, 31), "support")
    ]
    assert Task.objects.count() == 2 and Assignment.objects.count() == 3


def test_all_means_every_active_mission(client, setup):
    preview = upload(client, filled(client, [["Everyone reports", "", "", "", "", "", "01/06/2031", "all", ""]]))
    assert preview.context["preview"].ok
    confirm(client, preview)
    codes = set(Assignment.objects.values_list("mission__code", flat=True))
    assert codes == {"EMB-AA", "EMB-BB", "EMB-CC"}


def test_a_file_with_one_bad_row_creates_nothing_and_names_the_row(client, setup):
    rows = [*GOOD, ["Third task", "", "", "", "", "", "2030-01-15", "EMB-AA, EMB-XX", ""]]
    response = upload(client, filled(client, rows))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert not preview.ok
    assert [(p.row, p.column, p.header) for p in preview.problems] == [(4, "H", "Mission codes")]
    assert "EMB-XX" in preview.problems[0].message
    html = response.content.decode()
    assert 'id="import-problems"' in html and 'name="payload"' not in html  # no way to confirm
    assert Task.objects.count() == 0 and Assignment.objects.count() == 0
    with pytest.raises(Exception, match="nothing was imported"):
        imports.tasks_import(preview=preview, created_by=setup["committee"])
    assert Task.objects.count() == 0


def test_every_problem_of_a_row_is_listed_by_column(client, setup):
    rows = [["", "", "99/XX", "12345", "exports, space", "urgent", "01/01/2020", "EMB-ZZ, NOPE", "boss"]]
    preview = upload(client, filled(client, rows)).context["preview"]
    assert sorted((p.row, p.column) for p in preview.problems) == [
        (2, "A"),  # no title
        (2, "C"),  # no such directive
        (2, "D"),  # no such commitment
        (2, "E"),  # unknown theme "space"
        (2, "F"),  # priority
        (2, "G"),  # the deadline has passed
        (2, "H"),  # unknown mission
        (2, "H"),  # inactive mission
        (2, "I"),  # role
    ]
    assert Task.objects.count() == 0


@pytest.mark.parametrize(
    ("deadline", "ok"),
    [
        ("30/09/2030", True),
        ("2030-09-30", True),
        (datetime.datetime(2030, 9, 30), True),
        ("31/02/2030", False),
        ("next week", False),
        ("", False),
        ("01/01/2099", False),
    ],
)
def test_deadlines(client, setup, deadline, ok):
    preview = upload(client, filled(client, [["A task", "", "", "", "", "", deadline, "EMB-AA", ""]])).context[
        "preview"
    ]
    assert preview.ok is ok
    if ok:
        assert preview.rows[0].deadline == datetime.date(2030, 9, 30)
    else:
        assert [(p.row, p.column) for p in preview.problems] == [(2, "G")]


def test_duplicates_within_the_file_and_with_existing_tasks(client, setup):
    TaskFactory(title="Already there", directive=setup["directive"])
    rows = [
        ["Twice", "", "", "", "", "", "01/01/2031", "EMB-AA", ""],
        ["twice", "", "", "", "", "", "01/01/2031", "EMB-BB", ""],
        ["Already there", "", "17/CT-TTg", "", "", "", "01/01/2031", "EMB-AA", ""],
        ["Already there", "", "", "", "", "", "01/01/2031", "EMB-AA", ""],  # another directive: fine
    ]
    preview = upload(client, filled(client, rows)).context["preview"]
    assert [(p.row, p.column) for p in preview.problems] == [(3, "A"), (4, "A")]
    assert "row 2" in preview.problems[0].message


def test_the_file_is_checked_again_when_confirmed(client, setup):
    preview = upload(client, filled(client, GOOD[1:]))
    assert preview.context["preview"].ok
    from missions.services import mission_set_active

    mission_set_active(mission=setup["missions"]["EMB-CC"], is_active=False)  # meanwhile
    response = confirm(client, preview)
    assert response.context["preview"].problems[0].column == "H"
    assert Task.objects.count() == 0


def test_a_failure_while_saving_rolls_everything_back(client, setup, monkeypatch):
    preview = upload(client, filled(client, GOOD))
    assert preview.context["preview"].ok
    real = services.task_assign
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["task"].title)
        if len(calls) == 2:
            raise ValidationError("The database said no.")
        return real(**kwargs)

    monkeypatch.setattr(services, "task_assign", failing)
    response = confirm(client, preview)
    assert "Nothing was imported" in response.content.decode()
    assert calls == ["Promote durian exports", "Digital economy forum"]
    assert Task.objects.count() == 0 and Assignment.objects.count() == 0


def test_a_changed_payload_is_refused(client, setup):
    preview = upload(client, filled(client, GOOD[1:]))
    payload = preview.context["preview"].payload()
    response = client.post(reverse(IMPORT), {"payload": payload[:-3] + "abc"}, follow=True)
    assert "upload the file again" in response.content.decode()
    assert Task.objects.count() == 0


def test_files_that_are_not_the_template(client, setup):
    response = upload(client, SimpleUploadedFile("tasks.xlsx", b"not a workbook", content_type=XLSX))
    assert response.status_code == 200
    assert [p.message for p in response.context["preview"].problems] == [
        "This is not an .xlsx workbook; start from the template."
    ]
    response = upload(client, SimpleUploadedFile("tasks.csv", b"title\nx", content_type="text/csv"))
    assert response.context["form"].errors["file"] == ["Upload the template as an .xlsx file."]
    wb = Workbook()
    wb.active.append(["Something", "Else"])
    wb.active.append(["x", "y"])
    out = io.BytesIO()
    wb.save(out)
    response = upload(client, SimpleUploadedFile("other.xlsx", out.getvalue(), content_type=XLSX))
    problems = response.context["preview"].problems
    assert {(p.row, p.column) for p in problems} >= {(1, "A"), (1, "B")}
    assert any("missing" in p.message for p in problems)
    response = upload(client, filled(client, []))
    assert response.context["preview"].problems[0].message == "The file has no tasks: fill in rows below the headers."
    assert Task.objects.count() == 0


def test_headers_are_known_in_either_language_and_by_key(client, setup):
    wb = Workbook()
    wb.active.append([c.key for c in imports.COLUMNS])
    wb.active.append(["By keys", "", "", "", "", "", "01/01/2031", "EMB-AA", ""])
    out = io.BytesIO()
    wb.save(out)
    preview = upload(client, SimpleUploadedFile("keys.xlsx", out.getvalue(), content_type=XLSX)).context["preview"]
    assert preview.ok and preview.rows[0].title == "By keys"


def test_an_imported_title_that_looks_like_a_formula_comes_back_as_typed(client, setup):
    rows = [["'=1+1 review", "", "", "", "", "", "01/01/2031", "EMB-AA", ""]]
    preview = upload(client, filled(client, rows)).context["preview"]
    assert preview.rows[0].title == "=1+1 review"


def test_only_people_who_may_add_tasks_import(client, setup):
    client.force_login(UserFactory(username="viewer", is_staff=True))
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.get(reverse("admin:tracker_task_import_template")).status_code == 403
    client.logout()
    assert client.get(reverse(IMPORT)).status_code == 302


def test_the_task_list_links_to_the_import(client, setup):
    response = client.get(reverse("admin:tracker_task_changelist"))
    assert reverse(IMPORT) in response.content.decode()


def test_too_many_tasks_in_one_file(client, setup, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = [[f"Task {i}", "", "", "", "", "", "01/01/2031", "EMB-AA", ""] for i in range(4)]
    preview = upload(client, filled(client, rows)).context["preview"]
    assert [p.message for p in preview.problems] == ["The file has more than 3 tasks: split it."]
    assert Task.objects.count() == 0
