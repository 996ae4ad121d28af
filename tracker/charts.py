"""Charts drawn on the server as SVG: no JavaScript, nothing from the internet, fine under a strict CSP.

Each function returns inline SVG markup (escaped labels, presentation attributes only, no style
attributes) with a <title> for screen readers; pages put the same numbers in a table next to each chart.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
AXIS = "#8a8f98"
GRID = "#e3e5e8"
TEXT = "#333"


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: Sequence[int | float]


def _nice_step(maximum: float, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 × 10ⁿ) giving at most `ticks` gridlines up to `maximum` (counts: at least 1)."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


def _number(value: float) -> str:
    return f"{value:g}"


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 (every label below is escaped)
        f'<svg class="tl-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _legend(series: Sequence[Series], x: float, width: float) -> tuple[list[str], float]:
    """Legend items from (x, top), wrapping at `width`; returns the markup and the height it takes."""
    out = []
    cursor, y = x, 14.0
    for s in series:
        needed = 30 + 6.5 * len(s.label)
        if cursor > x and cursor + needed > x + width:
            cursor, y = x, y + 17
        out.append(f'<rect x="{cursor:.1f}" y="{y - 9:.1f}" width="11" height="11" rx="2" fill="{s.colour}"/>')
        out.append(f'<text x="{cursor + 15:.1f}" y="{y:.1f}" font-size="12" fill="{TEXT}">{escape(s.label)}</text>')
        cursor += needed
    return out, y + 10


def stacked_bars(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    label_width: int = 170,
    bar_height: int = 18,
) -> SafeString:
    """One horizontal bar per label, split by series; bar lengths compare with the longest total."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    plot = width - label_width - 50
    body, top = _legend(series, 10, width - 20)
    gap = 8
    height = int(top + len(labels) * (bar_height + gap) + 6)
    longest = max(totals, default=0) or 1
    for i, label in enumerate(labels):
        y = top + i * (bar_height + gap)
        body.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.72:.1f}" font-size="12" text-anchor="end" '
            f'fill="{TEXT}">{escape(_truncate(label, 28))}<title>{escape(label)}</title></text>'
        )
        body.append(f'<rect x="{label_width}" y="{y}" width="{plot}" height="{bar_height}" fill="#f3f4f6"/>')
        x = float(label_width)
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            w = plot * value / longest
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{s.colour}">'
                f"<title>{escape(label)} · {escape(s.label)}: {_number(value)}</title></rect>"
            )
            x += w
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_height * 0.72:.1f}" font-size="12" fill="{TEXT}">'
            f"{_number(totals[i])}</text>"
        )
    return _svg(width, height, title, body)


def columns(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """Grouped vertical columns, one group per category (e.g. month), with a labelled y axis."""
    left, right, bottom = 40, 10, 30
    body, top = _legend(series, left, width - left - right)
    plot_w = width - left - right
    plot_h = height - top - bottom
    maximum = max((v for s in series for v in s.values), default=0)
    step = _nice_step(maximum)
    ceiling = step * max(1, math.ceil(maximum / step))
    tick = 0.0
    while tick <= ceiling + 1e-9:
        y = top + plot_h - plot_h * tick / ceiling
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{AXIS}">'
            f"{_number(tick)}</text>"
        )
        tick += step
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    groups = max(1, len(categories))
    group_w = plot_w / groups
    bar_w = max(2.0, min(28.0, (group_w - 6) / max(1, len(series))))
    every = max(1, math.ceil(len(categories) / 12))
    for i, category in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / ceiling if ceiling else 0
            body.append(
                f'<rect x="{gx + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{s.colour}"><title>{escape(category)} · {escape(s.label)}: '
                f"{_number(value)}</title></rect>"
            )
        if i % every == 0:
            body.append(
                f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{height - 10}" font-size="11" '
                f'text-anchor="middle" fill="{AXIS}">{escape(category)}</text>'
            )
    return _svg(width, height, title, body)


def month_columns(points, *, title: str, reports: bool = False) -> SafeString:
    """Completed and fell-overdue columns per month (and reports filed, when asked) of `dashboard.trend` points."""
    from django.utils.translation import gettext as _

    series = [
        Series(_("Completed"), "#1f4e8c", [p.completed for p in points]),
        Series(_("Fell overdue"), "#b3261e", [p.fell_overdue for p in points]),
    ]
    if reports:
        series.append(Series(_("Reports filed"), "#5f6b7a", [p.reports for p in points]))
    return columns([p.month.strftime("%m/%Y") for p in points], series, title=title)
