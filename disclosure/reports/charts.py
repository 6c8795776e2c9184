"""Charts as server-rendered SVG: no script, readable by a screen reader (`role="img"` named by its title and
described in words), printable, and always shown beside the table of the same figures [issue 18].

Two shapes cover the reports: columns in groups (a value per category and series: volumes by month) and
stacked bars (each row's parts: outcomes or timeliness bands by route; one part makes a plain bar: days per
stage). Written here rather than taken from a charting library: the markup must carry its own accessible
name and description, use the GOV.UK palette with text of enough contrast on every colour, and embed in a
PDF without scripts or web fonts, which the SVG libraries for Python (pygal's scripted tooltips, matplotlib's
paths for text) do not give. Every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

PALETTE = (
    ("#1d70b8", "#ffffff"),  # blue, white text (5.2:1)
    ("#f47738", "#0b0c0c"),  # orange, black text (7.6:1)
    ("#00703c", "#ffffff"),  # green (6.5:1)
    ("#4c2c92", "#ffffff"),  # purple (10.9:1)
    ("#b1b4b6", "#0b0c0c"),  # mid grey (10.5:1)
    ("#d4351c", "#ffffff"),  # red (4.5:1)
)
"""GOV.UK colours as (fill, the text drawn on it)."""
FONT = "GDS Transport, Liberation Sans, Arial, sans-serif"
TEXT = "#0b0c0c"
AXIS = "#505a5f"


@dataclass(frozen=True)
class Chart:
    """One chart: `categories` along one axis, and for each of `series` one value per category."""

    key: str
    title: str
    description: str
    categories: Sequence[str]
    series: Sequence[str]
    values: Sequence[Sequence[float]]
    """values[series][category]."""
    unit: str = ""
    shape: str = "bars"
    """columns (in groups) or bars (stacked)."""

    def total(self, category: int) -> float:
        return sum(row[category] for row in self.values)

    @property
    def empty(self) -> bool:
        return not any(v for row in self.values for v in row)


def _nice_ceiling(value: float, *, whole: bool = False) -> tuple[float, float]:
    """An axis maximum at or above `value` and its step, in 1, 2 or 5 times a power of ten (four steps or
    so); a step of at least 1 for `whole` numbers (counts)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(step, 1)
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open(chart: Chart, width: int, height: int) -> list[Markup]:
    return [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
            'aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="100%" '
            'preserveAspectRatio="xMinYMin meet" font-family="{3}">'
        ).format(chart.key, width, height, FONT),
        Markup('<title id="{}-title">{}</title>').format(chart.key, chart.title),
        Markup('<desc id="{}-desc">{}</desc>').format(chart.key, chart.description),
    ]


def _text(
    x: float, y: float, words: str, *, size: int = 13, anchor: str = "start", ink: str = TEXT
) -> Markup:
    return Markup('<text x="{:.1f}" y="{:.1f}" font-size="{}" text-anchor="{}" fill="{}">{}</text>').format(
        x, y, size, anchor, ink, words
    )


def _rect(x: float, y: float, width: float, height: float, fill: str) -> Markup:
    return Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>').format(
        x, y, width, height, fill
    )


def _line(x1: float, x2: float, y1: float, y2: float, stroke: str) -> Markup:
    return Markup('<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="{}"/>').format(
        x1, x2, y1, y2, stroke
    )


def _legend(chart: Chart, x: float, y: float) -> list[Markup]:
    parts, at = [], x
    for n, name in enumerate(chart.series):
        parts.append(_rect(at, y - 11, 12, 12, PALETTE[n % len(PALETTE)][0]))
        parts.append(_text(at + 17, y, name))
        at += 30 + 7.2 * len(name)
    return parts


def _close(parts: list[Markup]) -> Markup:
    return Markup("").join([*parts, Markup("</svg>")])


def columns(chart: Chart, *, width: int = 720, height: int = 300) -> Markup:
    """Columns in groups: one group per category, one column per series, with a value axis and a legend."""
    left, right, top, bottom = 48, 10, 34, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for row in chart.values for v in row), default=0)
    whole = all(float(v).is_integer() for row in chart.values for v in row)
    ceiling, step = _nice_ceiling(peak, whole=whole)
    parts = _open(chart, width, height) + _legend(chart, left, 16)
    ticks = round(ceiling / step)
    for t in range(ticks + 1):
        y = top + plot_h - plot_h * t / ticks
        parts.append(_line(left, width - right, y, y, "#e5e5e5"))
        parts.append(_text(left - 6, y + 4, _number(step * t), size=12, anchor="end", ink=AXIS))
    group = plot_w / max(1, len(chart.categories))
    bar = group * 0.8 / max(1, len(chart.series))
    for c, category in enumerate(chart.categories):
        x0 = left + group * c + group * 0.1
        for s, row in enumerate(chart.values):
            h = plot_h * row[c] / ceiling
            parts.append(_rect(x0 + bar * s, top + plot_h - h, bar, h, PALETTE[s % len(PALETTE)][0]))
        parts.append(_text(left + group * (c + 0.5), height - 9, category, size=12, anchor="middle"))
    parts.append(_line(left, width - right, top + plot_h, top + plot_h, AXIS))
    return _close(parts)


def stacked_bars(chart: Chart, *, width: int = 720) -> Markup:
    """One bar per category, its parts the series (a single series makes plain bars), each part's value
    written on it where it fits and each bar's total after it; the labels' column as wide as the longest."""
    label_width = min(width // 2, 16 + round(7 * max((len(c) for c in chart.categories), default=0)))
    row_h, gap, top = 26, 10, 30 if len(chart.series) > 1 else 6
    height = top + len(chart.categories) * (row_h + gap) + 4
    plot_w = width - label_width - 70
    peak = max((chart.total(c) for c in range(len(chart.categories))), default=0) or 1
    parts = _open(chart, width, height)
    if len(chart.series) > 1:
        parts += _legend(chart, 0, 16)
    for c, category in enumerate(chart.categories):
        y = top + c * (row_h + gap)
        middle = y + row_h / 2 + 5
        parts.append(_text(label_width - 8, middle, category, anchor="end"))
        x = float(label_width)
        for s, row in enumerate(chart.values):
            w = plot_w * row[c] / peak
            fill, ink = PALETTE[s % len(PALETTE)]
            if w > 0:
                parts.append(_rect(x, y, w, row_h, fill))
            label = _number(row[c])
            if w >= 9 * len(label) + 6:
                parts.append(_text(x + w / 2, middle, label, size=12, anchor="middle", ink=ink))
            x += w
        total = _number(chart.total(c)) + (f" {chart.unit}" if chart.unit else "")
        parts.append(_text(x + 6, middle, total))
    parts.append(_line(label_width, label_width, top - 4, height - 4, AXIS))
    return _close(parts)


def svg(chart: Chart, *, width: int = 720) -> Markup:
    """The chart in its shape."""
    return columns(chart, width=width) if chart.shape == "columns" else stacked_bars(chart, width=width)
