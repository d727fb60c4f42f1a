"""Charts for printed reports: a monthly line with its forecast and uncertainty band, and bars; vector drawings.

The geometry (lines, the band, bars, grid) is a reportlab.graphics `Drawing` rendered onto the page, so the charts
are vector paths and need no extra library. Its text (titles, axis labels, legends) is drawn by the typesetter
instead of the Drawing's own strings: those would use a font the PDF does not embed (PDF/A refuses it) and could not
shape Arabic. In a right-to-left document the month axis runs right to left (the first month at the right) and the
amount axis stands at the right, as an Arabic reader reads a chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, Rect
from reportlab.lib.colors import Color, HexColor

from core.reports import typeset

LINE = HexColor("#0b5d4b")
FORECAST = HexColor("#b0622a")
BAND = HexColor("#f3dfcf")
GRID = HexColor("#dfe5ea")
TEXT = HexColor("#5b6670")
BAR = HexColor("#3f7f9f")
AXIS_W = 46.0  # room for the amount labels beside the plot
MONTHS_H = 14.0  # room for the month labels under it


@dataclass(frozen=True)
class Trend:
    """One monthly series to draw: the actual months and values, and the forecast with its lower and upper band."""

    months: Sequence[date]
    values: Sequence[Decimal | None]
    forecast_months: Sequence[date] = ()
    forecast: Sequence[Decimal] = ()
    lower: Sequence[Decimal] = ()
    upper: Sequence[Decimal] = ()


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def axis_label(value: float) -> str:
    """An amount on an axis: whole riyals, thousands as k and millions as M (the plot is not the place for cents)."""
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:,.1f}M".replace(".0M", "M")
    if size >= 10_000:
        return f"{value / 1000:,.0f}k"
    return f"{value:,.0f}"


def month_label(month: date) -> str:
    return month.strftime("%Y-%m")


class _Frame:
    """The plot's box on the page and its scales; mirrored for right-to-left."""

    def __init__(self, x: float, y: float, width: float, height: float, slots: int, low: float, high: float,
                 rtl: bool) -> None:
        self.rtl = rtl
        self.left = x + (0 if rtl else AXIS_W)
        self.bottom = y + MONTHS_H
        self.width = width - AXIS_W
        self.height = height - MONTHS_H
        self.slots = max(1, slots)
        self.low, self.high = low, high

    def x(self, index: float) -> float:
        share = (index + 0.5) / self.slots
        return self.left + self.width * (1 - share if self.rtl else share)

    def y(self, value: float) -> float:
        return self.bottom + self.height * (value - self.low) / (self.high - self.low)


def _range(values: Sequence[float]) -> tuple[float, float, float]:
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high - low < 1e-9:
        high = low + 1.0
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _grid(canvas: Any, drawing: Drawing, frame: _Frame, step: float, origin: tuple[float, float]) -> None:
    ox, oy = origin
    tick = frame.low
    while tick <= frame.high + step / 2:
        y = frame.y(tick)
        drawing.add(Line(frame.left - ox, y - oy, frame.left + frame.width - ox, y - oy, strokeColor=GRID,
                         strokeWidth=0.4))
        canvas.setFillColor(TEXT)
        if frame.rtl:
            typeset.draw(canvas, axis_label(tick), frame.left + frame.width + 4, y - 2.5, 6.5, False, "left")
        else:
            typeset.draw(canvas, axis_label(tick), frame.left - 4, y - 2.5, 6.5, False, "right")
        tick += step


def _month_labels(canvas: Any, frame: _Frame, months: Sequence[date]) -> None:
    every = max(1, math.ceil(len(months) / 8))
    canvas.setFillColor(TEXT)
    for index, month in enumerate(months):
        if index % every == 0 or index == len(months) - 1:
            typeset.draw(canvas, month_label(month), frame.x(index), frame.bottom - 10, 6, False, "center")


def line_chart(canvas: Any, x: float, y: float, width: float, height: float, trend: Trend, *,
               rtl: bool = False) -> None:
    """The actual months as a solid line, the forecast dashed after them inside its shaded 80 % band; (x, y) is
    the lower-left corner of the chart's box on the page, in points."""
    actual = [(i, float(v)) for i, v in enumerate(trend.values) if v is not None]
    start = len(trend.months)
    ahead = [(start + i, float(v)) for i, v in enumerate(trend.forecast)]
    band = [float(v) for v in (*trend.lower, *trend.upper)]
    low, high, step = _range([v for _i, v in actual] + [v for _i, v in ahead] + band)
    frame = _Frame(x, y, width, height, start + len(ahead), low, high, rtl)
    drawing = Drawing(width, height)
    _grid(canvas, drawing, frame, step, (x, y))

    def point(index: float, value: float) -> tuple[float, float]:
        return frame.x(index) - x, frame.y(value) - y

    if trend.lower and trend.upper:
        anchor = [actual[-1]] if actual else []
        upper = anchor + [(start + i, float(v)) for i, v in enumerate(trend.upper)]
        lower = anchor + [(start + i, float(v)) for i, v in enumerate(trend.lower)]
        points = [c for i, v in (*upper, *reversed(lower)) for c in point(i, v)]
        drawing.add(Polygon(points, fillColor=BAND, strokeColor=None, strokeWidth=0))
    if len(actual) > 1:
        drawing.add(PolyLine([c for i, v in actual for c in point(i, v)], strokeColor=LINE, strokeWidth=1.3))
    if ahead:
        joined = ([actual[-1]] if actual else []) + ahead
        drawing.add(PolyLine([c for i, v in joined for c in point(i, v)], strokeColor=FORECAST, strokeWidth=1.2,
                             strokeDashArray=[3, 2]))
    zero = frame.y(0.0) - y
    drawing.add(Line(frame.left - x, zero, frame.left + frame.width - x, zero, strokeColor=TEXT, strokeWidth=0.6))
    renderPDF.draw(drawing, canvas, x, y)
    _month_labels(canvas, frame, [*trend.months, *trend.forecast_months])


def bar_chart(canvas: Any, x: float, y: float, width: float, height: float, labels: Sequence[str],
              values: Sequence[Decimal], *, rtl: bool = False, color: Color = BAR) -> None:
    """One bar per label (the first at the start side), its amount over it."""
    low, high, step = _range([float(v) for v in values])
    frame = _Frame(x, y, width, height, len(values), low, high, rtl)
    drawing = Drawing(width, height)
    _grid(canvas, drawing, frame, step, (x, y))
    bar = frame.width / frame.slots * 0.6
    for index, value in enumerate(values):
        top, base = frame.y(float(value)), frame.y(0.0)
        drawing.add(Rect(frame.x(index) - bar / 2 - x, min(top, base) - y, bar, abs(top - base), fillColor=color,
                         strokeColor=None, strokeWidth=0))
    renderPDF.draw(drawing, canvas, x, y)
    canvas.setFillColor(TEXT)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        typeset.draw(canvas, label, frame.x(index), frame.bottom - 10, 6.5, False, "center")
        typeset.draw(canvas, axis_label(float(value)), frame.x(index), frame.y(max(float(value), 0.0)) + 3, 6.5,
                     False, "center")


def legend(canvas: Any, x: float, y: float, items: Sequence[tuple[str, Color, bool]], *, rtl: bool = False) -> None:
    """A row of swatches and their names from the start side: (text, colour, dashed)."""
    cursor = x
    for text, color, dashed in items:
        drawing = Drawing(14, 6)
        drawing.add(Line(0, 3, 14, 3, strokeColor=color, strokeWidth=2 if not dashed else 1.2,
                         strokeDashArray=[3, 2] if dashed else None))
        canvas.setFillColor(TEXT)
        if rtl:
            renderPDF.draw(drawing, canvas, cursor - 14, y)
            drawn = typeset.draw(canvas, text, cursor - 18, y, 7, False, "right", base="rtl")
            cursor -= 18 + drawn + 14
        else:
            renderPDF.draw(drawing, canvas, cursor, y)
            drawn = typeset.draw(canvas, text, cursor + 18, y, 7, False, "left")
            cursor += 18 + drawn + 14
