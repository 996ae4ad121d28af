"""Template filters of the committee's tables: a cell formatted by its column's kind, cells with their links."""

import datetime
import html

from django import template
from django.utils import dateformat, formats, numberformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cell(value, kind: str = "text") -> str:
    """A table cell for a page: "—" for nothing, numbers and days in the active language's formats."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if kind == "percent":
        return f"{formats.number_format(value, 1)}%"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, float):
        return formats.number_format(value, 1, force_grouping=True)
    return str(value)


class CellFormatter:
    """`cell` for a whole table: the active language's formats are read once, not once a cell."""

    def __init__(self):
        self.decimal = formats.get_format("DECIMAL_SEPARATOR")
        self.grouping = formats.get_format("NUMBER_GROUPING")
        self.thousands = formats.get_format("THOUSAND_SEPARATOR")
        self.date = formats.get_format("SHORT_DATE_FORMAT")
        self.datetime = formats.get_format("SHORT_DATETIME_FORMAT")

    def _number(self, value, decimals=None, grouping=True) -> str:
        return numberformat.format(
            value, self.decimal, decimals, self.grouping, self.thousands, force_grouping=grouping, use_l10n=True
        )

    def __call__(self, value, kind: str = "text") -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime):
            return dateformat.format(timezone.localtime(value), self.datetime)
        if isinstance(value, datetime.date):
            return dateformat.format(value, self.date)
        if kind == "percent":
            return f"{self._number(value, 1, grouping=False)}%"
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return self._number(value)
        if isinstance(value, float):
            return self._number(value, 1)
        return str(value)


@register.simple_tag
def table_rows(table) -> str:
    """A table's body rows: the same markup as a loop in the template, written in one pass (a dashboard has
    over a thousand rows of eleven cells; the template engine took about a third of a second for them)."""
    fmt = CellFormatter()
    escape = html.escape  # Django's escape() is this, behind a lazy-string wrapper that costs more than the work
    columns = list(table.columns)
    heads = []
    for c in columns:
        classes = f"col-{escape(c.key)} kind-{escape(c.kind)}"
        heads.append((f' class="{classes}"', f' class="{"num " if c.numeric else ""}{classes}"'))
    out = []
    for row in table.rows:
        out.append(f'<tr class="{escape(row.css)}">' if row.css else "<tr>")
        for i, (value, column) in enumerate(zip(row.cells, columns, strict=False)):
            link = row.cell_links.get(column.key) or (row.link if i == 0 else None)
            text = escape(fmt(value, column.kind))
            if link:
                text = f'<a href="{escape(link)}">{text}</a>'
            if i == 0:
                out.append(f'<th scope="row"{heads[i][0]}>{text}</th>')
            else:
                out.append(f"<td{heads[i][1]}>{text}</td>")
        out.append("</tr>\n")
    if not out:
        empty = escape(_("Nothing in this period."))
        out.append(f'<tr><td colspan="{len(columns)}" class="tl-empty">{empty}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 (every value and link is escaped above)


@register.filter
def cells(row, columns) -> list[tuple]:
    """(value, column, link) for each cell of a row; the first cell takes the row's link."""
    out = []
    for i, (value, column) in enumerate(zip(row.cells, columns, strict=False)):
        link = row.cell_links.get(column.key) or (row.link if i == 0 else None)
        out.append((value, column, link))
    return out


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


@register.filter
def roman(number: int) -> str:
    """1 → I, 4 → IV, 12 → XII (the numbering of a Vietnamese report's sections)."""
    out = []
    n = int(number)
    for value, letters in ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


@register.filter
def timeliness_label(value) -> str:
    from tracker.models import Timeliness

    return Timeliness(value).label if value in Timeliness.values else "—"


@register.inclusion_tag("admin/change_list_results.html")
def fast_result_list(cl):
    """Django's `result_list` for a change list that writes its own rows (`cl.result_rows()`)."""
    from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields

    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": cl.result_rows(),
    }
