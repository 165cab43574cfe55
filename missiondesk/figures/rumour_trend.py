"""Open rumours over time: a line of the rumours open at the end of each week or month, over
bars of the rumours reported in it.

No Qt and no pyplot: the desk puts the Figure in a canvas, a brief saves it as SVG. The
caller passes every word already translated (`labels`) and the periods' names, so figures
never call `tr`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from missiondesk.services.rumours import TrendPoint

OPEN_COLOUR = "#b3261e"
NEW_COLOUR = "#c9ced6"
TEXT_COLOUR = "#222222"

DEFAULT_LABELS = {
    "open": "Open at the period's end",
    "new": "Reported in the period",
    "count": "Rumours",
    "empty": "No rumours recorded",
}


def rumour_trend_figure(points: Sequence[TrendPoint], period_names: Sequence[str], *,
                        title: str, labels: dict, width: float = 8.0,
                        height: float = 3.0) -> Figure:
    """One column per period (named by `period_names`, one per point): the rumours reported
    in it as a bar, the rumours open at its end as a line with the count on each point."""
    words = {**DEFAULT_LABELS, **labels}
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=11, fontweight="bold", color=TEXT_COLOUR)
    if not points or not any(p.open_count or p.new_count for p in points):
        axes.set_axis_off()
        axes.text(0.5, 0.5, words["empty"], ha="center", va="center", fontsize=10,
                  color="#666666", transform=axes.transAxes)
        return figure
    xs = list(range(len(points)))
    axes.bar(xs, [p.new_count for p in points], width=0.6, color=NEW_COLOUR,
             label=words["new"])
    axes.plot(xs, [p.open_count for p in points], color=OPEN_COLOUR, linewidth=2,
              marker="o", markersize=4, label=words["open"])
    for x, p in zip(xs, points, strict=True):
        if p.open_count:
            axes.annotate(str(p.open_count), (x, p.open_count), xytext=(0, 5),
                          textcoords="offset points", ha="center", fontsize=8,
                          color=OPEN_COLOUR, fontweight="bold")
    top = max(max(p.open_count, p.new_count) for p in points)
    axes.set_ylim(0, top + 1.2)
    axes.yaxis.get_major_locator().set_params(integer=True)
    # every period named when few, else every second or third so names never overlap
    step = 1 if len(points) <= 12 else (2 if len(points) <= 24 else 3)
    axes.set_xticks(xs[::step], list(period_names)[::step])
    axes.tick_params(labelsize=8)
    axes.set_ylabel(words["count"], color=TEXT_COLOUR, fontsize=9)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    return figure
