"""Spreadsheet exports: assignment lists to CSV and XLSX, tables of figures to XLSX.

Every value goes through `cell_value` (spreadsheets) or `cell_text` (CSV), and every string through
`neutralise`, the one guard against spreadsheet formula injection (`sheet_text` for a workbook also drops the
control characters a workbook cannot hold). Large lists are iterated in chunks, never loaded whole.
"""

import csv
import datetime
import re
import tempfile
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from missions.models import Mission
from tracker import timeliness as timeliness_rule
from tracker.models import Assignment, Status, Task, Timeliness

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection"), also
# behind control characters a program may skip.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARACTERS = "".join(chr(code) for code in range(32))
CHUNK = 2000
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT_FORMAT = "0.0%"


def _needs_apostrophe(text: str) -> bool:
    """Would run as a formula; or starts with apostrophes that `unneutralise` would otherwise take one of away."""
    text = text.lstrip("'")
    return text.startswith(FORMULA_PREFIXES) or text.lstrip(CONTROL_CHARACTERS).startswith(FORMULA_PREFIXES)


def neutralise(value):
    """A string that a spreadsheet would run as a formula gets a leading apostrophe; anything else is returned.

    `unneutralise(neutralise(value)) == value` for every value (tests/test_security_exports.py checks it).
    """
    if isinstance(value, str) and _needs_apostrophe(value):
        return "'" + value
    return value


# Control characters XML 1.0, hence a workbook, cannot hold: openpyxl refuses a cell holding one (an export that
# failed with a server error). A vertical tab or form feed, which Word pastes for a line break, becomes one.
ILLEGAL_IN_SHEETS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_text(value) -> str:
    """A string for a workbook cell: what a workbook cannot hold removed, then neutralised."""
    text = ILLEGAL_IN_SHEETS.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", str(value))
    return neutralise(text)


def unneutralise(value):
    """Undoes `neutralise` on a value read back from a spreadsheet (for imports)."""
    if isinstance(value, str) and value.startswith("'") and _needs_apostrophe(value[1:]):
        return value[1:]
    return value


def _local(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime in Ha Noi time, without its zone (spreadsheets do not hold zones)."""
    return timezone.localtime(value, zoneinfo.ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def cell_text(value, kind: str = "text") -> str:
    """A value as CSV text: dates dd/mm/yyyy, times in Ha Noi, percents with one decimal, strings neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if kind == "percent":
        return f"{value:.1f}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


def cell_value(value, kind: str = "text"):
    """A value for an XLSX cell, and its number format (or None)."""
    if value is None:
        return None, None
    if isinstance(value, datetime.datetime):
        return _local(value), DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    if kind == "percent":
        return round(value / 100.0, 4), PERCENT_FORMAT
    if isinstance(value, bool):
        return (_("yes") if value else _("no")), None
    if isinstance(value, int | float | Decimal):
        return value, None
    return sheet_text(value), None


# --- tables of figures ------------------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, percent, date, datetime
    sort: str | None = None  # the value of ?sort= that orders a page's table by this column
    width: int | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "percent")


@dataclass
class TableRow:
    cells: list
    link: str | None = None  # where the first cell leads on a page
    cell_links: dict[str, str] = field(default_factory=dict)  # column key → link
    css: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: Iterable[TableRow]
    note: str = ""
    more: int = 0  # rows left out of a page (a spreadsheet has them all)

    def cells(self) -> Iterator[list]:
        for row in self.rows:
            yield row.cells


_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_CHARS.sub(" ", title).strip()[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _header(ws, labels: list[str]) -> list:
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E8C")
    row = []
    for label in labels:
        c = WriteOnlyCell(ws, value=sheet_text(label))
        c.font = bold
        c.fill = fill
        c.alignment = Alignment(wrap_text=True, vertical="top")
        row.append(c)
    return row


def _row(ws, values: list, kinds: list[str]) -> list:
    out = []
    for value, kind in zip(values, kinds, strict=False):
        v, number_format = cell_value(value, kind)
        if number_format:
            c = WriteOnlyCell(ws, value=v)
            c.number_format = number_format
            out.append(c)
        else:
            out.append(v)
    return out


def _widths(ws, columns: list[Column]) -> None:
    for i, column in enumerate(columns, start=1):
        width = column.width or (14 if column.numeric or column.kind in ("date", "datetime") else 28)
        ws.column_dimensions[get_column_letter(i)].width = width


def write_table(ws, table: Table, *, freeze: bool = True) -> int:
    """Writes a table (header row, then rows) to a write-only sheet; returns the number of rows."""
    _widths(ws, table.columns)
    if freeze:
        ws.freeze_panes = "A2"
    ws.append(_header(ws, [c.label for c in table.columns]))
    kinds = [c.kind for c in table.columns]
    count = 0
    for values in table.cells():
        ws.append(_row(ws, values, kinds))
        count += 1
    if table.note:
        ws.append([])
        ws.append([sheet_text(table.note)])
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{count + 1}"
    return count


def tables_xlsx(tables: Iterable[Table], *, title: str, lines: Iterable[str] = ()) -> tempfile.SpooledTemporaryFile:
    """A workbook with a summary sheet (title and lines) and one sheet per table; returned rewound."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    summary = wb.create_sheet(_sheet_title(_("Summary"), taken))
    summary.column_dimensions["A"].width = 60
    summary.column_dimensions["B"].width = 16
    heading = WriteOnlyCell(summary, value=sheet_text(title))
    heading.font = Font(bold=True, size=14)
    summary.append([heading])
    for line in lines:
        summary.append([sheet_text(line)])
    for table in tables:
        if table.key == "key_figures":
            summary.append([])
            write_summary_table(summary, table)
            continue
        write_table(wb.create_sheet(_sheet_title(table.title, taken)), table)
    return _saved(wb)


def write_summary_table(ws, table: Table) -> None:
    kinds = [c.kind for c in table.columns]
    ws.append(_header(ws, [c.label for c in table.columns]))
    for values in table.cells():
        ws.append(_row(ws, values, kinds))


def _saved(wb: Workbook) -> tempfile.SpooledTemporaryFile:
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (handed to the response)
    wb.save(out)
    out.seek(0)
    return out


# --- assignment lists -------------------------------------------------------------------------------------


def assignment_columns() -> list[Column]:
    return [
        Column("id", _("ID"), "int", width=8),
        Column("mission_code", _("Mission code"), width=16),
        Column("mission", _("Mission"), width=40),
        Column("region", _("Region"), width=18),
        Column("task", _("Task"), width=60),
        Column("directive", _("Directive"), width=40),
        Column("commitment", _("Commitment"), width=40),
        Column("themes", _("Themes"), width=30),
        Column("role", _("Role"), width=12),
        Column("original_deadline", _("Original deadline"), "date"),
        Column("deadline", _("Deadline"), "date"),
        Column("status", _("Status"), width=16),
        Column("percent", _("Percent done"), "int"),
        Column("timeliness", _("Timeliness"), width=20),
        Column("completed_on", _("Completed on"), "date"),
        Column("last_reported_at", _("Last report"), "datetime", width=18),
    ]


EXPORT_FIELDS = (
    "pk",
    "mission__code",
    "mission__name_vi",
    "mission__name_en",
    "mission__region",
    "task_id",
    "task__title",
    "task__directive__number",
    "task__directive__title",
    "task__commitment__title",
    "role",
    "original_deadline",
    "deadline",
    "status",
    "percent",
    "timeliness",
    "completed_on",
    "last_reported_at",
)


def labels(choices) -> dict[str, str]:
    """A choice list's labels in the active language, looked up once (not once per row)."""
    return {value: str(label) for value, label in choices}


def task_theme_codes(queryset: QuerySet) -> dict[int, str]:
    """The theme codes of every task in an assignment list, in one query (tasks are far fewer than assignments)."""
    tasks = queryset.order_by().values("task_id")
    codes: dict[int, list[str]] = {}
    through = Task.themes.through.objects.filter(task_id__in=tasks).order_by("theme__code")
    for task_id, code in through.values_list("task_id", "theme__code"):
        codes.setdefault(task_id, []).append(code)
    return {task_id: ", ".join(values) for task_id, values in codes.items()}


def assignment_rows(queryset: QuerySet) -> Iterator[list]:
    """One list of values per assignment, in `assignment_columns` order, read as plain values in chunks.

    `queryset` is an assignment list with `timeliness` annotated (the admin changelist's, or a selector's).
    """
    if "timeliness" not in queryset.query.annotations:
        queryset = timeliness_rule.annotate(queryset)
    english = (get_language() or "vi").startswith("en")
    regions = labels(Mission.Region.choices)
    roles = labels(Assignment.Role.choices)
    statuses = labels(Status.choices)
    categories = labels(Timeliness.choices)
    themes = task_theme_codes(queryset)
    for r in queryset.values(*EXPORT_FIELDS).iterator(chunk_size=CHUNK):
        number, title = r["task__directive__number"], r["task__directive__title"]
        yield [
            r["pk"],
            r["mission__code"],
            r["mission__name_en"] if english else r["mission__name_vi"],
            regions.get(r["mission__region"], r["mission__region"]),
            r["task__title"],
            (f"{number} · {title}" if number else title) if title else "",
            r["task__commitment__title"] or "",
            themes.get(r["task_id"], ""),
            roles.get(r["role"], r["role"]),
            r["original_deadline"],
            r["deadline"],
            statuses.get(r["status"], r["status"]),
            r["percent"],
            categories.get(r["timeliness"], ""),
            r["completed_on"],
            r["last_reported_at"],
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def assignments_csv(queryset: QuerySet) -> Iterator[str]:
    """The CSV text of an assignment list, line by line (UTF-8 with a byte-order mark, for Excel)."""
    columns = assignment_columns()
    kinds = [c.kind for c in columns]
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([cell_text(c.label) for c in columns])
    for values in assignment_rows(queryset):
        yield writer.writerow([cell_text(v, k) for v, k in zip(values, kinds, strict=True)])


def assignments_xlsx(queryset: QuerySet, *, title: str) -> tempfile.SpooledTemporaryFile:
    """An assignment list as a one-sheet workbook, written row by row; returned rewound."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title, set()))
    write_table(ws, Table("assignments", title, assignment_columns(), (TableRow(v) for v in assignment_rows(queryset))))
    return _saved(wb)
