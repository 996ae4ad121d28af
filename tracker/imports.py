"""Tasks and their assignments from a spreadsheet: the template, reading, checking, and applying.

One row of the template's first sheet is one task: title, description, directive (reference number),
commitment (ID), theme codes, priority, deadline, mission codes (or ALL) and role. Reading turns every
cell into text; checking finds every problem, by row and column, against the database (a fixed number
of queries); applying creates the tasks through `services.task_create` and assigns them through
`services.task_assign`, all in one transaction: a file with a bad row changes nothing.
"""

import datetime
import re
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from missions.models import Mission
from tracker import dashboard, services
from tracker.exports import sheet_text, unneutralise
from tracker.models import Assignment, Commitment, Directive, Task, Theme

MAX_ROWS = 1000  # tasks in one file
MAX_SHEET_ROWS = 20 * MAX_ROWS  # rows read, blank ones included
SIGNING_SALT = "tracker.task-import"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview can be confirmed
ALL_MISSIONS = {"ALL", "*"}
SEPARATORS = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class ImportColumn:
    key: str
    label: Promise
    help: Promise
    required: bool = False
    width: int = 20


COLUMNS = [
    ImportColumn(
        "title", gettext_lazy("Task title"), gettext_lazy("What must be done (up to 300 characters)."), True, 50
    ),
    ImportColumn("description", gettext_lazy("Description"), gettext_lazy("Details, expected results."), False, 50),
    ImportColumn(
        "directive",
        gettext_lazy("Directive (reference number)"),
        gettext_lazy("The reference number of a directive already recorded, e.g. 17/CT-TTg. Optional."),
        False,
        22,
    ),
    ImportColumn(
        "commitment",
        gettext_lazy("Commitment (ID)"),
        gettext_lazy("The ID of a commitment already recorded (see the Reference sheet). Optional."),
        False,
        14,
    ),
    ImportColumn(
        "themes",
        gettext_lazy("Theme codes"),
        gettext_lazy("Theme codes separated by commas, e.g. exports, digital. Optional."),
        False,
        24,
    ),
    ImportColumn("priority", gettext_lazy("Priority"), gettext_lazy("high, normal or low (empty: normal)."), False, 12),
    ImportColumn(
        "deadline",
        gettext_lazy("Deadline"),
        gettext_lazy("A day (dd/mm/yyyy), today or later, in each mission's time zone."),
        True,
        14,
    ),
    ImportColumn(
        "missions",
        gettext_lazy("Mission codes"),
        gettext_lazy("Mission codes separated by commas, e.g. EMB-JP, EMB-US, or ALL for every active mission."),
        True,
        36,
    ),
    ImportColumn("role", gettext_lazy("Role"), gettext_lazy("lead or support (empty: lead)."), False, 12),
]


@dataclass
class Problem:
    row: int | None  # the spreadsheet's row number; None for the whole file
    column: str | None  # the column's letter
    header: str | None  # the column's header
    message: str

    def __str__(self) -> str:
        where = []
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s (%(header)s)") % {"column": self.column, "header": self.header})
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportRow:
    number: int
    raw: dict[str, str]
    title: str = ""
    description: str = ""
    directive: Directive | None = None
    commitment: Commitment | None = None
    themes: list[Theme] = field(default_factory=list)
    priority: str = Task.Priority.NORMAL
    deadline: datetime.date | None = None
    missions: list[Mission] = field(default_factory=list)
    role: str = Assignment.Role.LEAD
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    rows: list[ImportRow]
    problems: list[Problem]  # every problem: the file's, then each row's in order

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems

    @property
    def assignment_count(self) -> int:
        return sum(len(r.missions) for r in self.rows)

    def payload(self) -> str:
        """The checked rows, signed, for the confirmation form (checked again when applied)."""
        return signing.dumps([[r.number, r.raw] for r in self.rows], salt=SIGNING_SALT, compress=True)


def _letter(key: str) -> str:
    return get_column_letter([c.key for c in COLUMNS].index(key) + 1)


def _header(key: str) -> str:
    return str(next(c.label for c in COLUMNS if c.key == key))


def _problem(row: int | None, key: str | None, message: str) -> Problem:
    return Problem(row, _letter(key) if key else None, _header(key) if key else None, message)


# --- the template ------------------------------------------------------------------------------------------


def _header_names(column: ImportColumn) -> set[str]:
    """Every header the column is known by: its key and its label in each language."""
    names = {column.key, str(column.label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(column.label))
    return {_normalise_header(n) for n in names}


def _normalise_header(text) -> str:
    return " ".join(str(text or "").replace("*", " ").split()).casefold()


def build_template() -> tempfile.SpooledTemporaryFile:
    """The import template: the Tasks sheet to fill, a Reference sheet of valid codes, and instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tasks")[:31]
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E8C")
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=sheet_text(f"{column.label}{' *' if column.required else ''}"))
        cell.font = header_font
        cell.fill = header_fill
        cell.comment = Comment(str(column.help), "")
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    deadline_col = _letter("deadline")
    for row in range(2, MAX_ROWS + 2):
        ws[f"{deadline_col}{row}"].number_format = "DD/MM/YYYY"
    for key, values in (("priority", Task.Priority.values), ("role", Assignment.Role.values)):
        validation = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
        validation.error = _("Choose one of: %(values)s.") % {"values": ", ".join(values)}
        ws.add_data_validation(validation)
        validation.add(f"{_letter(key)}2:{_letter(key)}{MAX_ROWS + 1}")

    ref = wb.create_sheet(_("Reference")[:31])
    bold = Font(bold=True)
    sections = [
        (
            _("Missions (active)"),
            [_("Code"), _("Mission"), _("Region")],
            Mission.objects.active().order_by("code").values_list("code", "name_vi", "region"),
        ),
        (_("Themes"), [_("Code"), _("Theme")], Theme.objects.order_by("code").values_list("code", "name_vi")),
        (
            _("Directives"),
            [_("Reference number"), _("Directive"), _("Issued on")],
            Directive.objects.exclude(number="").order_by("-issued_on").values_list("number", "title", "issued_on"),
        ),
        (
            _("Commitments"),
            [_("ID"), _("Commitment"), _("Partners")],
            Commitment.objects.order_by("-signed_on", "title").values_list("pk", "title", "partners"),
        ),
        (_("Priorities"), [_("Code"), _("Priority")], [(v, str(label)) for v, label in Task.Priority.choices]),
        (_("Roles"), [_("Code"), _("Role")], [(v, str(label)) for v, label in Assignment.Role.choices]),
    ]
    col = 1
    for title, headers, rows in sections:
        ref.cell(row=1, column=col, value=sheet_text(title)).font = Font(bold=True, size=12)
        for j, h in enumerate(headers):
            ref.cell(row=2, column=col + j, value=sheet_text(h)).font = bold
            ref.column_dimensions[get_column_letter(col + j)].width = 40 if j == 1 else 16
        for i, values in enumerate(rows, start=3):
            for j, value in enumerate(values):
                ref.cell(row=i, column=col + j, value=sheet_text(value) if isinstance(value, str) else value)
        col += len(headers) + 1

    notes = wb.create_sheet(_("Instructions")[:31])
    notes.column_dimensions["A"].width = 110
    lines = [
        _("How to fill in this template"),
        _("One row of the Tasks sheet is one task, assigned to the missions listed in its row."),
        _("Columns marked * must be filled in; leave the first row (the headers) as it is."),
        _("Codes of missions, themes, directives, commitments, priorities and roles are on the Reference sheet."),
        _("Mission codes: separated by commas, or ALL for every active mission."),
        _("Deadline: a day written dd/mm/yyyy, today or later."),
        _("Upload the file in the admin: you will see every problem by row and column before anything is saved."),
        _("Nothing is saved unless every row is correct; then all rows are saved together."),
        _(
            "Example: Promote durian exports | … | 17/CT-TTg | | exports, agriculture | high | 30/09/2025 | EMB-CN, "
            "CG-CN-GUANGZHOU | lead"
        ),
    ]
    for i, line in enumerate(lines):
        cell = notes.cell(row=i + 1, column=1, value=sheet_text(line))
        if i == 0:
            cell.font = Font(bold=True, size=13)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (handed to the response)
    wb.save(out)
    out.seek(0)
    return out


# --- reading -----------------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: dates as yyyy-mm-dd, whole numbers without a decimal point, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(unneutralise(str(value).strip()) if isinstance(value, str) else value).strip()


def read(file) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The filled rows of the first sheet as (row number, {column key: text}), and the file's problems."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        return [], [Problem(None, None, None, _("This is not an .xlsx workbook; start from the template."))]
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        positions: dict[str, int] = {}
        problems: list[Problem] = []
        known = {column.key: _header_names(column) for column in COLUMNS}
        for index, value in enumerate(header):
            name = _normalise_header(value)
            if not name:
                continue
            key = next((k for k, names in known.items() if name in names), None)
            if key is None:
                problems.append(
                    Problem(1, get_column_letter(index + 1), str(value), _("This column is not in the template."))
                )
            elif key in positions:
                problems.append(Problem(1, get_column_letter(index + 1), str(value), _("This column appears twice.")))
            else:
                positions[key] = index
        for column in COLUMNS:
            if column.required and column.key not in positions:
                problems.append(
                    Problem(
                        1,
                        None,
                        None,
                        _("The column “%(header)s” is missing: start from the template.") % {"header": column.label},
                    )
                )
        if problems:
            return [], problems
        found = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_SHEET_ROWS:  # blank rows cost time too: a sheet this long is not a task list
                return [], [Problem(None, None, None, _("The sheet is too long: keep only the rows of tasks."))]
            texts = {key: _text(values[i]) if i < len(values) else "" for key, i in positions.items()}
            if not any(texts.values()):
                continue
            if len(found) == MAX_ROWS:
                return [], [
                    Problem(None, None, None, _("The file has more than %(max)d tasks: split it.") % {"max": MAX_ROWS})
                ]
            found.append((number, {column.key: texts.get(column.key, "") for column in COLUMNS}))
        if not found:
            return [], [Problem(None, None, None, _("The file has no tasks: fill in rows below the headers."))]
        return found, []
    finally:
        wb.close()


def unsign(payload: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a preview's payload; raises signing.BadSignature (or SignatureExpired) when it is not ours."""
    data = signing.loads(payload, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    return [(int(number), {column.key: str(raw.get(column.key, "")) for column in COLUMNS}) for number, raw in data]


# --- checking ----------------------------------------------------------------------------------------------


def _date(text: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar day)
        except ValueError:
            continue
    return None


def _choice(text: str, choices, default: str) -> str | None:
    """A choice's value from its code or its label in any language (None when it is neither)."""
    if not text:
        return default
    wanted = text.strip().casefold()
    for value, label in choices:
        names = {value.casefold(), str(label).casefold()}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(label).casefold())
        if wanted in names:
            return value
    return None


def _row_id(text: str) -> int | None:
    """An ID typed in a cell: plain digits that fit a database key ("²", "٥" or 10**30 are no ID)."""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def check(raw_rows: list[tuple[int, dict[str, str]]], *, today: datetime.date | None = None) -> Preview:
    """Every problem of every row, looked up in the database in a fixed number of queries."""
    today = today or dashboard.committee_today()
    # No workbook holds a NUL character, and no database text may: drop any that a caller passes.
    rows = [ImportRow(number=n, raw={k: v.replace("\x00", "") for k, v in raw.items()}) for n, raw in raw_rows]
    codes = {c.upper() for r in rows for c in SEPARATORS.split(r.raw["missions"]) if c}
    missions = {m.code.upper(): m for m in Mission.objects.filter(code__in=codes - ALL_MISSIONS)}
    active = list(Mission.objects.active().order_by("code")) if codes & ALL_MISSIONS else []
    themes = {t.code.casefold(): t for t in Theme.objects.all()}
    numbers = {r.raw["directive"] for r in rows if r.raw["directive"]}
    directives: dict[str, list[Directive]] = {}
    if numbers:
        wanted = Q()
        for number in numbers:
            wanted |= Q(number__iexact=number)
        for d in Directive.objects.filter(wanted):
            directives.setdefault(d.number.strip().casefold(), []).append(d)
    ids = {_row_id(r.raw["commitment"]) for r in rows} - {None}
    commitments = Commitment.objects.in_bulk(ids)
    titles = {r.raw["title"] for r in rows if r.raw["title"]}
    existing = {
        (title.casefold(), directive_id)
        for title, directive_id in Task.objects.filter(title__in=titles).values_list("title", "directive_id")
    }
    seen: dict[tuple[str, int | None], int] = {}

    for row in rows:
        raw = row.raw

        def problem(key: str, message: str, row=row) -> None:
            row.problems.append(_problem(row.number, key, message))

        row.title = raw["title"]
        if not row.title:
            problem("title", _("Give the task a title."))
        elif len(row.title) > 300:
            problem("title", _("The title is longer than 300 characters."))
        row.description = raw["description"]

        if raw["directive"]:
            found = directives.get(raw["directive"].casefold(), [])
            if not found:
                problem(
                    "directive", _("No directive has the reference number “%(number)s”.") % {"number": raw["directive"]}
                )
            elif len(found) > 1:
                problem(
                    "directive",
                    _(
                        "Several directives have the reference number “%(number)s”: "
                        "set the task's directive in the admin."
                    )
                    % {"number": raw["directive"]},
                )
            else:
                row.directive = found[0]

        if raw["commitment"]:
            commitment = commitments.get(_row_id(raw["commitment"]))
            if commitment is None:
                problem("commitment", _("No commitment has the ID “%(id)s”.") % {"id": raw["commitment"]})
            row.commitment = commitment

        theme_codes = [c for c in SEPARATORS.split(raw["themes"].casefold()) if c]
        unknown = [c for c in theme_codes if c not in themes]
        if unknown:
            problem("themes", _("Unknown theme codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        row.themes = list({themes[c].pk: themes[c] for c in theme_codes if c in themes}.values())

        priority = _choice(raw["priority"], Task.Priority.choices, Task.Priority.NORMAL)
        if priority is None:
            problem("priority", _("The priority is high, normal or low."))
        row.priority = priority or Task.Priority.NORMAL

        role = _choice(raw["role"], Assignment.Role.choices, Assignment.Role.LEAD)
        if role is None:
            problem("role", _("The role is lead or support."))
        row.role = role or Assignment.Role.LEAD

        if not raw["deadline"]:
            problem("deadline", _("Give a deadline."))
        else:
            row.deadline = _date(raw["deadline"])
            if row.deadline is None:
                problem("deadline", _("“%(value)s” is not a day: write dd/mm/yyyy.") % {"value": raw["deadline"]})
            elif row.deadline < today:
                problem(
                    "deadline",
                    _("The deadline %(date)s has already passed.") % {"date": row.deadline.strftime("%d/%m/%Y")},
                )
            elif row.deadline.year > today.year + 10:
                problem(
                    "deadline",
                    _("The deadline %(date)s is more than ten years away: check the year.")
                    % {"date": row.deadline.strftime("%d/%m/%Y")},
                )

        mission_codes = [c.upper() for c in SEPARATORS.split(raw["missions"]) if c]
        if not mission_codes:
            problem("missions", _("List the missions (codes separated by commas, or ALL)."))
        elif set(mission_codes) & ALL_MISSIONS:
            if len(set(mission_codes)) > 1:
                problem("missions", _("Write either ALL or a list of mission codes, not both."))
            row.missions = active
        else:
            unknown = [c for c in dict.fromkeys(mission_codes) if c not in missions]
            inactive = [c for c in dict.fromkeys(mission_codes) if c in missions and not missions[c].is_active]
            if unknown:
                problem("missions", _("Unknown mission codes: %(codes)s.") % {"codes": ", ".join(unknown)})
            if inactive:
                problem("missions", _("These missions are inactive: %(codes)s.") % {"codes": ", ".join(inactive)})
            row.missions = list({missions[c].pk: missions[c] for c in mission_codes if c in missions}.values())

        if row.title:
            key = (row.title.casefold(), row.directive.pk if row.directive else None)
            if key in existing:
                problem("title", _("A task with this title already exists for this directive."))
            elif key in seen:
                problem("title", _("The same task is already in row %(row)d.") % {"row": seen[key]})
            else:
                seen[key] = row.number

    for row in rows:
        row.problems.sort(key=lambda p: p.column or "")
    return Preview(rows=rows, problems=[p for r in rows for p in r.problems])


def preview_file(file, *, today: datetime.date | None = None) -> Preview:
    raw_rows, problems = read(file)
    if problems:
        return Preview(rows=[], problems=problems)
    return check(raw_rows, today=today)


# --- applying ----------------------------------------------------------------------------------------------


def tasks_import(*, preview: Preview, created_by) -> list[Task]:
    """Creates and assigns every task of a checked preview in one transaction; any failure changes nothing."""
    if not preview.ok:
        raise ValidationError(_("The file has problems; nothing was imported."))
    created = []
    with transaction.atomic():
        for row in preview.rows:
            task = services.task_create(
                title=row.title,
                description=row.description,
                directive=row.directive,
                commitment=row.commitment,
                themes=row.themes,
                priority=row.priority,
                default_deadline=row.deadline,
                created_by=created_by,
            )
            services.task_assign(task=task, missions=row.missions, deadline=row.deadline, role=row.role)
            created.append(task)
    return created
