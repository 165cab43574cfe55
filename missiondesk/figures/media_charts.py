"""The media landscape's reach: outlets by type and by political alignment, each bar split
into high, medium and low reach.

No Qt and no pyplot: the desk puts the Figure in a canvas, a brief saves it as SVG. The
caller passes every word already translated (`labels`), so figures never call `tr`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from missiondesk.services.media import ReachGroup

#: Darker for a wider reach.
REACH_COLOURS = {"high": "#1f4e79", "medium": "#5b8fc7", "low": "#b9d2ec"}
TEXT_COLOUR = "#222222"

DEFAULT_LABELS = {
    "high": "High reach",
    "medium": "Medium reach",
    "low": "Low reach",
    "count": "Outlets",
    "empty": "No outlets recorded",
}


def _reach_axes(axes: Axes, groups: Sequence[ReachGroup], title: str, names: dict,
                words: dict) -> None:
    axes.set_title(title, loc="left", fontsize=11, fontweight="bold", color=TEXT_COLOUR)
    if not groups:
        axes.set_axis_off()
        axes.text(0.5, 0.5, words["empty"], ha="center", va="center", fontsize=10,
                  color="#666666", transform=axes.transAxes)
        return
    positions = list(range(len(groups)))
    left = [0] * len(groups)
    for level in ("high", "medium", "low"):
        values = [getattr(g, level) for g in groups]
        axes.barh(positions, values, left=left, height=0.62, color=REACH_COLOURS[level],
                  label=words[level])
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, g in zip(positions, groups, strict=True):
        axes.text(g.outlets + 0.1, y, str(g.outlets), ha="left", va="center", fontsize=9,
                  color=TEXT_COLOUR, fontweight="bold")
    axes.set_yticks(positions, [names.get(g.code, g.code) for g in groups])
    axes.invert_yaxis()
    most = max(g.outlets for g in groups)
    axes.set_xlim(0, most + 0.8)
    axes.set_xticks(list(range(0, most + 1)))
    axes.set_xlabel(words["count"], color=TEXT_COLOUR, fontsize=9)
    axes.tick_params(labelsize=9)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def reach_figure(by_type: Sequence[ReachGroup], by_alignment: Sequence[ReachGroup], *,
                 titles: tuple[str, str], labels: dict, width: float = 8.0,
                 height: float | None = None) -> Figure:
    """Two horizontal bar charts side by side: outlets by type, outlets by alignment, each
    bar the outlets at high, medium and low reach (the number of outlets at its end).

    `labels` holds translated words: the keys of DEFAULT_LABELS, and "types" and
    "alignments" (dicts from a code to its label; a missing code shows as the code)."""
    words = {**DEFAULT_LABELS, **{k: v for k, v in labels.items()
                                  if k not in ("types", "alignments")}}
    rows = max(len(by_type), len(by_alignment), 1)
    figure = Figure(figsize=(width, height or max(2.6, 1.4 + 0.36 * rows)),
                    layout="constrained")
    left, right = figure.subplots(1, 2)
    _reach_axes(left, by_type, titles[0], labels.get("types", {}), words)
    _reach_axes(right, by_alignment, titles[1], labels.get("alignments", {}), words)
    if by_type or by_alignment:
        handles, names = (left if by_type else right).get_legend_handles_labels()
        figure.legend(handles, names, loc="outside lower center", ncols=3, frameon=False,
                      fontsize=9)
    return figure
