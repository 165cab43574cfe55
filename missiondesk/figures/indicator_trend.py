"""An indicator's measurements over time, with its baseline and target as lines.

No Qt and no pyplot: the Mandate desk puts the Figure in a canvas, the mandate brief saves it
as SVG. The caller passes every word already translated (`labels`), so figures never call `tr`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from missiondesk.services.mandate import IndicatorSeries

LINE_COLOUR = "#2f6fb3"
BASELINE_COLOUR = "#8a8a8a"
TARGET_COLOUR = "#1b7f3b"
TEXT_COLOUR = "#222222"

DEFAULT_LABELS = {
    "baseline": "Baseline",
    "target": "Target",
    "measured": "Measured",
    "empty": "No measurement yet",
}


def _number(value: float) -> str:
    return "%g" % value


def indicator_trend_figure(series: IndicatorSeries, *, title: str, labels: dict | None = None,
                           width: float = 6.4, height: float = 3.4) -> Figure:
    """The measured values joined in date order, the baseline (dashed grey) and the target
    (green) across the chart with their values at the right, the unit on the y axis. Without
    measurements the chart still shows baseline and target and says so."""
    words = {**DEFAULT_LABELS, **(labels or {})}
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=11, fontweight="bold", color=TEXT_COLOUR,
                   wrap=True)
    points = list(series.points)
    if points:
        days = [d for d, _ in points]
        values = [v for _, v in points]
        axes.plot(days, values, color=LINE_COLOUR, marker="o", markersize=4, linewidth=1.8,
                  label=words["measured"])
        last_day, last_value = points[-1]
        axes.annotate(_number(last_value), (last_day, last_value), textcoords="offset points",
                      xytext=(0, 7), ha="center", fontsize=9, color=LINE_COLOUR,
                      fontweight="bold")
        locator = AutoDateLocator(minticks=3, maxticks=7)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    else:
        axes.text(0.5, 0.5, words["empty"], ha="center", va="center", fontsize=10,
                  color="#666666", transform=axes.transAxes)
        axes.set_xticks([])
    for value, colour, style, key in ((series.baseline, BASELINE_COLOUR, "--", "baseline"),
                                      (series.target, TARGET_COLOUR, "-", "target")):
        if value is None:
            continue
        axes.axhline(value, color=colour, linestyle=style, linewidth=1.3,
                     label="%s (%s)" % (words[key], _number(value)))
    reference = [v for v in (series.baseline, series.target) if v is not None]
    values = [v for _, v in points] + reference
    if values:
        low, high = min(values), max(values)
        pad = (high - low) * 0.12 or max(abs(high) * 0.1, 1.0)
        axes.set_ylim(low - pad, high + pad)
    if series.unit:
        axes.set_ylabel(series.unit, color=TEXT_COLOUR)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if points or reference:
        axes.legend(loc="best", fontsize=8, frameon=False)
    return figure
