"""Conflict drivers against peace drivers by domain: a diverging bar chart with the trend.

No Qt and no pyplot: the desk puts the Figure in a canvas, a brief saves it as SVG. The
caller passes every word already translated (`labels`), so figures never call `tr`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from missiondesk.services.drivers import DomainBalance

#: Warm for what pulls toward violence, cool for what holds the society together.
CONFLICT_COLOUR = "#c8553d"
PEACE_COLOUR = "#2f6f9f"
WORSENING_COLOUR = "#a4161a"
IMPROVING_COLOUR = "#1b7f4b"
TEXT_COLOUR = "#222222"

DEFAULT_LABELS = {
    "conflict": "Conflict drivers, dividers and triggers",
    "peace": "Peace drivers and connectors",
    "worsening": "worsening",
    "improving": "improving",
    "count": "Number of drivers",
    "trend": "Trend",
    "empty": "No drivers recorded",
}


def drivers_by_domain_figure(balances: Sequence[DomainBalance], *, title: str, labels: dict,
                             width: float = 8.0) -> Figure:
    """One row per domain: conflict drivers to the left, peace drivers to the right, and
    the number of worsening (▲) and improving (▼) drivers at the end of the row.

    `labels` holds translated words: the keys of DEFAULT_LABELS, and "domains" (a dict
    from domain code to its label; a missing code shows as the code).
    """
    words = {**DEFAULT_LABELS, **{k: v for k, v in labels.items() if k != "domains"}}
    domain_names = labels.get("domains", {})
    rows = list(balances)
    height = max(2.6, 1.3 + 0.42 * len(rows))
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=12, fontweight="bold", color=TEXT_COLOUR)
    if not rows:
        axes.set_axis_off()
        axes.text(0.5, 0.5, words["empty"], ha="center", va="center", fontsize=11,
                  color="#666666", transform=axes.transAxes)
        return figure

    positions = list(range(len(rows)))
    conflict = [-b.conflict for b in rows]
    peace = [b.peace for b in rows]
    axes.barh(positions, conflict, color=CONFLICT_COLOUR, height=0.62, label=words["conflict"])
    axes.barh(positions, peace, color=PEACE_COLOUR, height=0.62, label=words["peace"])
    axes.set_yticks(positions, [domain_names.get(b.domain, b.domain) for b in rows])
    axes.invert_yaxis()  # the first domain on top, as a reader expects
    reach = max(max(b.conflict for b in rows), max(b.peace for b in rows), 1)
    limit = reach + 0.7  # room for the counts at the bar ends
    axes.set_xlim(-limit, limit)
    ticks = range(-reach, reach + 1)
    axes.set_xticks(list(ticks), [str(abs(t)) for t in ticks])
    axes.set_xlabel(words["count"], color=TEXT_COLOUR)
    axes.axvline(0, color="#555555", linewidth=0.8)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)

    for y, b in zip(positions, rows, strict=True):
        if b.conflict:
            axes.text(-b.conflict - 0.12, y, str(b.conflict), ha="right", va="center",
                      fontsize=9, color=CONFLICT_COLOUR, fontweight="bold")
        if b.peace:
            axes.text(b.peace + 0.12, y, str(b.peace), ha="left", va="center", fontsize=9,
                      color=PEACE_COLOUR, fontweight="bold")
        # Trend marks sit in two aligned columns right of the axes: worsening, improving.
        for column, (count, mark, colour) in enumerate((
                (b.worsening, "\u25b2", WORSENING_COLOUR),
                (b.improving, "\u25bc", IMPROVING_COLOUR))):
            if count:
                axes.annotate("%s%d" % (mark, count), xy=(1.0, y),
                              xycoords=axes.get_yaxis_transform(),
                              xytext=(8 + 30 * column, 0), textcoords="offset points",
                              ha="left", va="center", fontsize=9, color=colour,
                              fontweight="bold")

    from matplotlib.lines import Line2D

    handles, names = axes.get_legend_handles_labels()
    handles += [Line2D([], [], linestyle="none", marker="^", color=WORSENING_COLOUR),
                Line2D([], [], linestyle="none", marker="v", color=IMPROVING_COLOUR)]
    names += ["%s (%s)" % (words["trend"], words["worsening"]),
              "%s (%s)" % (words["trend"], words["improving"])]
    figure.legend(handles, names, loc="outside lower center", ncols=2, frameon=False,
                  fontsize=9)
    return figure
