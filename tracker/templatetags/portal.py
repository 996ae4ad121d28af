"""Small template helpers for the portal: query strings that keep the filters, badges, sizes."""

import html
import zoneinfo

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tracker.models import Status, Timeliness

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes one), starting with '?'."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_link(context, column: str) -> str:
    """The query string that sorts by a column: ascending first, then descending; back to page 1."""
    current = context["request"].GET.get("ordering", "")
    target = f"-{column}" if current == column else column
    return query(context, ordering=target, page=None)


@register.simple_tag(takes_context=True)
def sort_state(context, column: str) -> str:
    """aria-sort value for a column heading."""
    current = context["request"].GET.get("ordering", "")
    if current == column:
        return "ascending"
    if current == f"-{column}":
        return "descending"
    return "none"


@register.filter
def timeliness_label(value: str | None) -> str:
    if not value:
        return _("Cancelled")
    return str(Timeliness(value).label)


@register.filter
def timeliness_class(value: str | None) -> str:
    return f"tl-{value.replace('_', '-')}" if value else "tl-none"


# The sentinel id the row link is reversed with, once a page.
_PK = 987654321


@register.simple_tag
def assignment_rows(assignments, show_mission: bool) -> str:
    """The list's table rows: the markup a loop in the template would write, in one pass (the template engine
    took about half of a page of 50 for it: a link reversed, six labels translated and dates formatted a row)."""
    escape = html.escape  # Django's escape() is this, behind a lazy-string wrapper
    url = reverse("portal:assignment_detail", args=[_PK])
    labels = {
        key: escape(str(label))
        for key, label in (
            ("task", _("Task")),
            ("deadline", _("Deadline")),
            ("timeliness", _("Timeliness")),
            ("status", _("Status")),
            ("progress", _("Progress")),
            ("last", _("Last report")),
            ("percent", _("Percent done")),
        )
    }
    statuses = {value: escape(str(label)) for value, label in Status.choices}
    badges = {None: (timeliness_class(None), escape(timeliness_label(None)))}
    for value, _label in Timeliness.choices:
        badges[value] = (timeliness_class(value), escape(timeliness_label(value)))
    none_yet = escape(_("none yet"))
    out = []
    for a in assignments:
        css, badge = badges[a.timeliness or None]
        mission = a.mission
        task = (
            f'<td class="assignment-row__task" data-label="{labels["task"]}">'
            f'<a href="{url.replace(str(_PK), str(a.pk), 1)}">{escape(a.task.title)}</a>'
        )
        if show_mission:
            task += f'<span class="assignment-row__mission">{escape(mission.code)} · {escape(mission.name)}</span>'
        deadline = f'<span class="nowrap">{a.deadline:%d/%m/%Y}</span>'
        if a.deadline != a.original_deadline:
            extended = _("extended from %(date)s") % {"date": f"{a.original_deadline:%d/%m/%Y}"}
            deadline += f'<span class="muted small">{escape(extended)}</span>'
        if a.last_reported_at:
            day = timezone.localtime(a.last_reported_at, zoneinfo.ZoneInfo(mission.timezone))
            last = f'<span class="nowrap">{day:%d/%m/%Y}</span>'
        else:
            last = f'<span class="muted">{none_yet}</span>'
        out.append(
            f'<tr class="assignment-row {css}" data-assignment="{a.pk}">{task}</td>'
            f'<td data-label="{labels["deadline"]}">{deadline}</td>'
            f'<td data-label="{labels["timeliness"]}"><span class="badge {css}">{badge}</span></td>'
            f'<td data-label="{labels["status"]}">{statuses[a.status]}</td>'
            f'<td data-label="{labels["progress"]}"><span class="progress"><progress max="100" value="{a.percent}"'
            f' aria-label="{labels["percent"]}">{a.percent}%</progress> <span>{a.percent}%</span></span></td>'
            f'<td data-label="{labels["last"]}">{last}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped
