"""Small template helpers for the portal: query strings that keep the filters, badges, sizes."""

from django import template
from django.utils.translation import gettext as _

from tracker.models import Timeliness

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
