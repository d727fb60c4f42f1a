"""The Dashboard's charts, drawn with pyqtgraph: sales and VAT by month with the forecast and its band, receivables
by age, and documents per month by ZATCA status (stacked bars).

pyqtgraph (and numpy under it) costs about 0.3 s to import, so this module is imported only once the dashboard has
shown its first figures (`desktop.views.dashboard` warms the import inside the charts' Job, off the UI thread, and
builds `ChartsPanel` when that Job answers): the start benchmark's first paint and first data do not move.

The charts wear the app's palette (desktop.style), amounts on the money axis in SAR with thousands separators, months
named in the UI's language, and the time axis mirrored in Arabic (months run right to left, the money axis on the
right). Each chart is built once and updated in place (`ChartsPanel.show_data`), so a live refresh redraws, never
rebuilds. A chart with no months to show (a company with nothing issued yet) shows a line of text instead.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QStackedLayout, QVBoxLayout, QWidget

from desktop.i18n import tr
from desktop.style import BADGES, PALETTE

if TYPE_CHECKING:
    from core.insights import Series, StatusMonths
    from core.payments import Receivables

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The Gregorian month names as Saudi finance staff write them (the invoices and VAT returns are Gregorian).
MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
             "ديسمبر")
SALES_COLOUR, VAT_COLOUR = PALETTE["accent"], "#3538cd"
# ZATCA states (core.insights.ZATCA_STATES) in the colours their badges wear in the invoice list and the queue.
STATE_COLOURS = {"cleared": BADGES["cleared"].foreground, "reported": BADGES["sending"].foreground,
                 "rejected": BADGES["rejected"].foreground, "waiting": "#dc6803", "not_submitted": "#98a2b3"}
# Receivables by age: green while not due, then warmer with every month overdue.
AGE_COLOURS = (PALETTE["accent"], "#fdb022", "#f79009", "#dc6803", BADGES["rejected"].foreground)
MAX_LABELS = 4  # month labels on a time axis; the other months get a tick without a label


def month_label(month: date, language: str) -> str:
    """ "Mar 2026" / "مارس 2026" (digits stay Western, as everywhere in Qayd)."""
    names = MONTHS_AR if language == "ar" else MONTHS_EN
    return f"{names[month.month - 1]} {month.year}"


def money_tick(value: float) -> str:
    """An axis amount: whole riyals with thousands separators ("1,250,000"); no "-0"."""
    return f"{round(value) or 0:,}"


def month_ticks(months: Sequence[date], language: str, labels: int = MAX_LABELS) -> list[list[tuple[float, str]]]:
    """pyqtgraph's ticks for x = 0, 1, …: at most `labels` labelled months (the last one always), the rest bare."""
    step = max(1, -(-len(months) // labels))
    last = len(months) - 1
    major = [(float(i), month_label(m, language)) for i, m in enumerate(months) if (last - i) % step == 0]
    minor = [(float(i), "") for i in range(len(months)) if (last - i) % step]
    return [major, minor]


def trimmed(series: Series) -> int:
    """How many leading months to leave out: those before the company's first document (all of them zero)."""
    for index, value in enumerate(series.values):
        if value:
            return index
    return max(len(series.values) - 1, 0)


def floats(values: Sequence[Decimal | None]) -> list[float]:
    return [float(v) if v is not None else float("nan") for v in values]


class MoneyAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [money_tick(v * scale) for v in values]


def _plot() -> pg.PlotWidget:
    """A plot in the app's look: white surface, muted axes, a light grid, no mouse panning (a dashboard, not a lab)."""
    left, right = MoneyAxis(orientation="left"), MoneyAxis(orientation="right")
    widget = pg.PlotWidget(background=PALETTE["surface"], axisItems={"left": left, "right": right})
    widget.setMinimumHeight(150)
    item = widget.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.getViewBox().setMouseEnabled(x=False, y=False)
    item.showGrid(x=False, y=True, alpha=0.25)
    font = QFont(widget.font())
    font.setPointSizeF(max(font.pointSizeF() - 1, 7.0))  # axis text a step under the body's, as the cards' captions
    for name in ("left", "right", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(PALETTE["border"]))
        axis.setTextPen(pg.mkPen(PALETTE["muted"]))
        axis.setStyle(tickFont=font, tickTextOffset=4)
    item.getAxis("bottom").setHeight(widget.fontMetrics().height() + 14)  # month names in full, never clipped
    return widget


def _mirror(widget: pg.PlotWidget, language: str) -> None:
    """Arabic: months run right to left and the money axis stands on the right (the reading side)."""
    item = widget.getPlotItem()
    arabic = language == "ar"
    item.getViewBox().invertX(arabic)
    item.showAxis("right", arabic)
    item.showAxis("left", not arabic)


def swatch(colour: str, kind: str) -> str:
    """A legend's sample as rich text: a box ("box"; "band": lighter), or a dashed line ("dash")."""
    if kind == "dash":
        return f'<span style="color:{colour}; font-weight:700">- -</span>'
    shade = QColor(colour)
    if kind == "band":
        shade.setAlpha(90)
    return f'<span style="color:{shade.name(QColor.NameFormat.HexArgb) if kind == "band" else colour}">■</span>'


def _headroom(widget: pg.PlotWidget, top: float, bottom: float = 0.0) -> None:
    """The y range from zero (or the lowest value) to a little above the highest, x fitted to the data."""
    item = widget.getPlotItem()
    item.enableAutoRange(x=True, y=False)
    item.setYRange(min(bottom, 0.0), top * 1.08 if top > 0 else 1.0, padding=0)


class ChartBox(QGroupBox):
    """One chart with its title, a line under it (the forecast's method), and the text shown when there is no data."""

    def __init__(self, name: str) -> None:
        super().__init__(objectName=name)
        self.plot = _plot()
        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.empty.setObjectName(name + "Empty")
        self.note = QLabel(wordWrap=True)
        self.note.setObjectName(name + "Note")
        self.note.setStyleSheet(f"color: {PALETTE['muted']};")
        self.stack = QStackedLayout()
        holder = QWidget()
        holder.setLayout(self.stack)
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.empty)
        # Qt's text, not pyqtgraph's legend: never over the data, wrapped when narrow, mirrored in Arabic
        self.legend = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.legend.setObjectName(name + "Legend")
        self.legend.setStyleSheet(f"color: {PALETTE['text']};")
        self.legend_texts: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 14, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.legend)
        layout.addWidget(holder, 1)
        layout.addWidget(self.note)

    def set_legend(self, entries: list[tuple[str, str]]) -> None:
        """(sample, name) pairs: the sample from `swatch`, the name plain text."""
        self.legend_texts = [text for _sample, text in entries]
        shown = [f"{sample}&nbsp;{html.escape(text).replace(' ', '&nbsp;')}" for sample, text in entries]
        self.legend.setText("&nbsp;&nbsp; ".join(shown))  # entries wrap between each other, never inside one

    def show_chart(self, shown: bool, empty_text: str = "") -> None:
        self.stack.setCurrentWidget(self.plot if shown else self.empty)
        self.empty.setText(empty_text)

    @property
    def has_chart(self) -> bool:
        return self.stack.currentWidget() is self.plot


@dataclass
class ChartInput:
    """What the charts show (computed in the dashboard's Job): None where the core cannot say yet."""

    series: dict[str, Series] | None
    statuses: StatusMonths | None
    receivables: Receivables | None


class ChartsPanel(QWidget):
    """The three charts side by side, updated in place by `show_data(data, language)`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("charts")
        self.trend, self.ageing, self.zatca = ChartBox("trendChart"), ChartBox("ageingChart"), ChartBox("zatcaChart")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box, stretch in ((self.trend, 4), (self.ageing, 3), (self.zatca, 4)):
            box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # the stretch decides
            layout.addWidget(box, stretch)
        self.data: ChartInput | None = None
        self.language = ""
        self.updates = 0
        self._build_trend()
        self._build_ageing()
        self._build_zatca()

    # -- building (once) --------------------------------------------------------------------------------------

    def _build_trend(self) -> None:
        plot = self.trend.plot
        self.sales_line = plot.plot([], [], pen=pg.mkPen(SALES_COLOUR, width=2), symbol="o", symbolSize=5,
                                    symbolBrush=SALES_COLOUR, symbolPen=None)
        self.vat_line = plot.plot([], [], pen=pg.mkPen(VAT_COLOUR, width=2), symbol="o", symbolSize=4,
                                  symbolBrush=VAT_COLOUR, symbolPen=None)
        dash = Qt.PenStyle.DashLine
        self.sales_forecast = plot.plot([], [], pen=pg.mkPen(SALES_COLOUR, width=2, style=dash))
        self.vat_forecast = plot.plot([], [], pen=pg.mkPen(VAT_COLOUR, width=2, style=dash))
        band = QColor(SALES_COLOUR)
        band.setAlpha(45)
        edge = pg.mkPen(band)  # the band's edges: a curve drawn with no pen has no path to fill between
        self.band_low = pg.PlotDataItem([], [], pen=edge)
        self.band_high = pg.PlotDataItem([], [], pen=edge)
        self.band = pg.FillBetweenItem(self.band_low, self.band_high, brush=pg.mkBrush(band))
        vat_band = QColor(VAT_COLOUR)
        vat_band.setAlpha(35)
        self.vat_low = pg.PlotDataItem([], [], pen=pg.mkPen(vat_band))
        self.vat_high = pg.PlotDataItem([], [], pen=pg.mkPen(vat_band))
        self.vat_band = pg.FillBetweenItem(self.vat_low, self.vat_high, brush=pg.mkBrush(vat_band))
        for item in (self.band_low, self.band_high, self.band, self.vat_low, self.vat_high, self.vat_band):
            plot.addItem(item)

    def _build_ageing(self) -> None:
        self.age_bars = pg.BarGraphItem(x=[], height=[], width=0.6, brushes=[pg.mkBrush(c) for c in AGE_COLOURS],
                                        pen=None)
        self.ageing.plot.addItem(self.age_bars)

    def _build_zatca(self) -> None:
        self.state_bars: dict[str, pg.BarGraphItem] = {}
        for state, colour in STATE_COLOURS.items():
            bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(colour), pen=None)
            self.zatca.plot.addItem(bars)
            self.state_bars[state] = bars

    # -- updating ---------------------------------------------------------------------------------------------

    def show_data(self, data: ChartInput, language: str) -> None:
        """Show `data` in `language` (the items stay; their data and the texts change)."""
        relabel = language != self.language
        self.data, self.language = data, language
        self.trend.setTitle(tr("Charts", "Sales and VAT by month (SAR)"))
        self.ageing.setTitle(tr("Charts", "Receivables by age (SAR)"))
        self.zatca.setTitle(tr("Charts", "Documents by ZATCA status"))
        self._update_trend(data.series, language, relabel)
        self._update_ageing(data.receivables, language)
        self._update_zatca(data.statuses, language, relabel)
        for box in (self.trend, self.ageing, self.zatca):
            _mirror(box.plot, language)
        self.updates += 1

    def _update_trend(self, series: dict[str, Series] | None, language: str, relabel: bool) -> None:
        box = self.trend
        if not series or "sales" not in series or not series["sales"].months:
            box.show_chart(False, tr("Charts", "The monthly trends are not available yet."))
            box.note.setText("")
            return
        sales, vat = series["sales"], series.get("vat_due")
        skip = trimmed(sales)
        months = list(sales.months[skip:])
        xs = [float(i) for i in range(len(months))]
        self.sales_line.setData(xs, floats(sales.values[skip:]))
        self.vat_line.setData(xs, floats(vat.values[skip:]) if vat is not None else [])
        forecast = sales.forecast
        ahead = [float(len(months) + i) for i in range(len(forecast.months))]
        joined = [xs[-1], *ahead] if xs else ahead  # the dashed line continues from the last month
        self.sales_forecast.setData(joined, [float(sales.values[-1]), *floats(forecast.values)][-len(joined):])
        self.band_low.setData(ahead, floats(forecast.lower))
        self.band_high.setData(ahead, floats(forecast.upper))
        if vat is not None and vat.forecast.months:
            self.vat_forecast.setData(joined, [float(vat.values[-1]), *floats(vat.forecast.values)][-len(joined):])
            self.vat_low.setData(ahead, floats(vat.forecast.lower))
            self.vat_high.setData(ahead, floats(vat.forecast.upper))
        else:
            for item in (self.vat_forecast, self.vat_low, self.vat_high):
                item.setData([], [])
        box.plot.getAxis("bottom").setTicks(month_ticks([*months, *forecast.months], language))
        label = forecast.label_ar if language == "ar" and forecast.label_ar else forecast.label
        box.note.setText(tr("Charts", "Forecast (dashed, 80 % band): {method}").format(method=label))
        if relabel or not box.legend_texts:
            box.set_legend([(swatch(SALES_COLOUR, "line"), tr("Charts", "Sales")),
                            (swatch(VAT_COLOUR, "line"), tr("Charts", "VAT due")),
                            (swatch(SALES_COLOUR, "dash"), tr("Charts", "Forecast")),
                            (swatch(SALES_COLOUR, "band"), tr("Charts", "80 % band"))])
        tops = [v for v in (*floats(sales.values[skip:]), *floats(forecast.upper)) if v == v]
        lows = [v for v in (*floats(sales.values[skip:]), *floats(forecast.lower)) if v == v]
        _headroom(box.plot, max(tops, default=0.0), min(lows, default=0.0))
        box.show_chart(True)

    def _update_ageing(self, owed: Receivables | None, language: str) -> None:
        box = self.ageing
        if owed is None:
            box.show_chart(False, tr("Charts", "No receivables yet."))
            return
        sar = owed.of("SAR")
        self.age_bars.setOpts(x=list(range(len(sar.buckets))), height=[float(v) for v in sar.buckets])
        names = (tr("Charts", "Not due"), tr("Charts", "1–30"), tr("Charts", "31–60"), tr("Charts", "61–90"),
                 tr("Charts", "90+"))
        box.plot.getAxis("bottom").setTicks([[(float(i), n) for i, n in enumerate(names)], []])
        box.note.setText(tr("Charts", "Days since issue; outstanding {amount}").format(
            amount=_money(sar.total, language)))
        _headroom(box.plot, max((float(v) for v in sar.buckets), default=0.0))
        box.plot.getPlotItem().setXRange(-0.6, len(names) - 0.4, padding=0)
        box.show_chart(True)

    def _update_zatca(self, statuses: StatusMonths | None, language: str, relabel: bool) -> None:
        box = self.zatca
        if statuses is None or not statuses.months:
            box.show_chart(False, tr("Charts", "The ZATCA status by month is not available yet."))
            box.note.setText("")
            return
        xs = list(range(len(statuses.months)))
        base = [0.0] * len(xs)
        for state, bars in self.state_bars.items():
            counts = [float(c) for c in statuses.counts.get(state, (0,) * len(xs))]
            bars.setOpts(x=xs, height=counts, y0=list(base))
            base = [b + c for b, c in zip(base, counts, strict=True)]
        box.plot.getAxis("bottom").setTicks(month_ticks(statuses.months, language, labels=3))
        box.note.setText(tr("Charts", "Documents issued per month, by where they stand with ZATCA"))
        if relabel or not box.legend_texts:
            box.set_legend([(swatch(STATE_COLOURS[state], "box"), state_name(state)) for state in self.state_bars])
        _headroom(box.plot, max(base, default=0.0))
        box.plot.getPlotItem().setXRange(-0.6, len(xs) - 0.4, padding=0)
        box.show_chart(True)


def state_name(state: str) -> str:
    return {"cleared": tr("Charts", "Cleared"), "reported": tr("Charts", "Reported"),
            "rejected": tr("Charts", "Rejected"), "waiting": tr("Charts", "Waiting"),
            "not_submitted": tr("Charts", "Not submitted")}.get(state, state)


def _money(value: Decimal, language: str) -> str:
    from desktop.i18n import format_money

    return format_money(value, language)


def chart_state(panel: ChartsPanel) -> dict[str, Any]:
    """What the charts show, for tests and the benchmark: points per line and bar heights."""
    _sales_x, sales_y = panel.sales_line.getData()
    return {"sales": [] if sales_y is None else [float(v) for v in sales_y],
            "forecast": [] if panel.sales_forecast.getData()[1] is None
            else [float(v) for v in panel.sales_forecast.getData()[1]],
            "ageing": [float(v) for v in panel.age_bars.opts.get("height") or []],
            "zatca": {s: [float(v) for v in b.opts.get("height") or []] for s, b in panel.state_bars.items()},
            "charts": [b.has_chart for b in (panel.trend, panel.ageing, panel.zatca)]}
