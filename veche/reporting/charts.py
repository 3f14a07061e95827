"""Charts of the statistics page drawn on the server as SVG: the geometry is computed here, the
templates in `reporting/charts/` draw it, so a chart needs no JavaScript and no outside library.

Positions across are percentages of the chart's width and heights are pixels, so the picture
fills its box from a 375 px phone to a desktop while its text keeps its real size. Every chart
has a title and a description for screen readers, writes its values in text beside the marks
(colour is never the only cue: the states of problems have patterns too), and is followed on
the page by a table holding the same numbers."""

import math
from dataclasses import dataclass

BAR_SPAN = 80  # per cent of the width the longest bar takes; the rest holds its value
BAR_ROW = 46  # pixels: the label's line and the bar under it
# Longer labels are cut in the picture (SVG text does not wrap, and a phone is narrow); the
# label's own title and the table beside hold them whole.
LABEL_CHARS = 38


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as shown at the bar's end
    y: int
    percent: float  # of the chart's width

    @property
    def short_label(self) -> str:
        return _short(self.label)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one a row, each with its label above and its value at its end."""

    ident: str
    title: str
    description: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return len(self.bars) * BAR_ROW


def bar_chart(
    ident: str, title: str, description: str, rows: list[tuple[str, float, str]]
) -> BarChart:
    """`rows`: (label, value, value as text); a hidden value comes as 0 with its text ("<5")."""
    largest = max((value for _label, value, _text in rows), default=0) or 1
    bars = [
        Bar(label, text, index * BAR_ROW, round(BAR_SPAN * value / largest, 2) if value else 0)
        for index, (label, value, text) in enumerate(rows)
    ]
    return BarChart(ident, title, description, bars)


@dataclass(frozen=True)
class Segment:
    key: str  # the series: its pattern's name
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    label: str  # under the axis, or "" when there is no room for every label
    odd: bool  # a label a phone leaves out, to keep every other one readable
    x: float  # per cent
    center: float  # per cent
    total: int
    top: float
    segments: list[Segment]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


# The column chart's frame: per cent across, pixels down.
LEFT = 9
RIGHT = 99
TOP = 22
BASE = 214
HEIGHT = 240


@dataclass(frozen=True)
class ColumnChart:
    """Stacked columns over time (a month each), with a value axis and a legend."""

    ident: str
    title: str
    description: str
    columns: list[Column]
    ticks: list[Tick]
    series: list[tuple[str, str]]  # (key, label), bottom first
    column_width: float  # per cent
    left: int = LEFT
    right: int = RIGHT
    base: int = BASE
    height: int = HEIGHT

    @property
    def tick_x(self) -> int:
        return self.left - 1

    @property
    def label_y(self) -> int:
        return self.base + 18


def _nice_step(largest: int) -> int:
    """A round step that cuts the axis into at most four parts: 1, 2, 5, 10, 20, 50…"""
    if largest <= 4:
        return 1
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def column_chart(
    ident: str,
    title: str,
    description: str,
    columns: list[tuple[str, dict[str, int]]],
    series: list[tuple[str, str]],
) -> ColumnChart:
    """`columns`: (short label, counts by series key), oldest first."""
    largest = max((sum(counts.values()) for _label, counts in columns), default=0)
    step = _nice_step(largest)
    ceiling = max(step, math.ceil(largest / step) * step)
    scale = (BASE - TOP) / ceiling
    slot = (RIGHT - LEFT) / max(1, len(columns))
    every = math.ceil(len(columns) / 12)  # no more than twelve labels under the axis
    drawn = []
    for index, (label, counts) in enumerate(columns):
        y, segments = float(BASE), []
        for key, _series_label in series:
            value = counts.get(key, 0)
            if value:
                y -= value * scale
                segments.append(Segment(key, value, round(y, 1), round(value * scale, 1)))
        drawn.append(
            Column(
                label=label if index % every == 0 else "",
                odd=(index // every) % 2 == 1,
                x=round(LEFT + slot * (index + 0.15), 2),
                center=round(LEFT + slot * (index + 0.5), 2),
                total=sum(counts.values()),
                top=round(y, 1),
                segments=segments,
            )
        )
    ticks = [Tick(value, round(BASE - value * scale, 1)) for value in range(0, ceiling + 1, step)]
    return ColumnChart(ident, title, description, drawn, ticks, series, round(slot * 0.7, 2))
