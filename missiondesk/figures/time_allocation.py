"""Where the leadership team's engagement time goes: hours per member (political and other),
by portfolio, by stakeholder priority tier, and the SRSG's political share by month against
its target.

No Qt and no pyplot: the Leadership desk puts each Figure in a canvas, the team brief saves
it as SVG. The caller passes every word already translated (`labels`), so figures never call
`tr`. Names are horizontal tick labels on a constrained layout: a long name widens the margin
instead of being cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from missiondesk.services.leadership import MemberHours, ShareFigure

POLITICAL_COLOUR = "#2f6f9f"
OTHER_COLOUR = "#c9a227"
TARGET_COLOUR = "#a4161a"
TEXT_COLOUR = "#222222"
MUTED = "#666666"
TIER_COLOURS = {"A": "#7b2d26", "B": "#c8553d", "C": "#e0a458", "D": "#9fb7c9",
                "none": "#d0d0d0"}
TIERS = ("A", "B", "C", "D", "none")

DEFAULT_LABELS = {
    "political": "Political",
    "other": "Other",
    "hours": "Hours",
    "empty": "No engagements logged in this period",
    "no_portfolio": "No portfolio",
    "target": "Target",
    "share": "Political share (%)",
    "tiers": {"A": "Priority A", "B": "Priority B", "C": "Priority C", "D": "Priority D",
              "none": "No ranked counterpart"},
}


def _words(labels: Mapping) -> dict:
    return {**DEFAULT_LABELS, **labels}


def _figure(rows: int, width: float, title: str) -> tuple[Figure, object]:
    height = max(2.4, 1.2 + 0.34 * rows)
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    _title(figure, title)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _title(figure: Figure, title: str) -> None:
    """The title from the figure's left edge: over the names, never cut at the right."""
    figure.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold",
                    color=TEXT_COLOUR)


def _empty(axes, text: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=10, color=MUTED,
              transform=axes.transAxes)


def _hours(minutes: int) -> float:
    return minutes / 60.0


def _label_ends(axes, positions, totals) -> None:
    top = max(totals) if totals else 0
    for y, total in zip(positions, totals, strict=True):
        if total:
            axes.text(total + top * 0.01, y, ("%.0f" if total >= 100 else "%.1f") % total,
                      va="center", fontsize=8, color=MUTED)
    axes.set_xlim(0, top * 1.2 if top else 1)


def hours_per_member_figure(members: Sequence[MemberHours], *, title: str, labels: Mapping,
                            width: float = 7.0) -> Figure:
    """One bar per member with hours in the period: political, then other, stacked."""
    words = _words(labels)
    rows = [m for m in members if m.total_minutes]
    figure, axes = _figure(len(rows), width, title)
    if not rows:
        _empty(axes, words["empty"])
        return figure
    rows = rows[::-1]  # the team's order from the top
    positions = list(range(len(rows)))
    political = [_hours(m.political_minutes) for m in rows]
    other = [_hours(m.other_minutes) for m in rows]
    axes.barh(positions, political, color=POLITICAL_COLOUR, height=0.62,
              label=words["political"])
    axes.barh(positions, other, left=political, color=OTHER_COLOUR, height=0.62,
              label=words["other"])
    axes.set_yticks(positions, [m.name for m in rows], fontsize=9)
    axes.set_xlabel(words["hours"], fontsize=9)
    _label_ends(axes, positions, [p + o for p, o in zip(political, other, strict=True)])
    figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return figure


def hours_by_portfolio_figure(minutes: Mapping[str | None, int],
                              portfolios: Sequence[tuple[str, str]], *, title: str,
                              labels: Mapping, width: float = 7.0) -> Figure:
    """Hours per portfolio (`minutes`: portfolio id or None -> minutes), in the team's order,
    "no portfolio" last."""
    words = _words(labels)
    rows = [(name, minutes.get(pid, 0)) for pid, name in portfolios if minutes.get(pid)]
    if minutes.get(None):
        rows.append((words["no_portfolio"], minutes[None]))
    figure, axes = _figure(len(rows), width, title)
    if not rows:
        _empty(axes, words["empty"])
        return figure
    rows = rows[::-1]
    positions = list(range(len(rows)))
    values = [_hours(m) for _, m in rows]
    colours = [MUTED if name == words["no_portfolio"] else POLITICAL_COLOUR
               for name, _ in rows]
    axes.barh(positions, values, color=colours, height=0.62)
    axes.set_yticks(positions, [name for name, _ in rows], fontsize=9)
    axes.set_xlabel(words["hours"], fontsize=9)
    _label_ends(axes, positions, values)
    return figure


def hours_by_tier_figure(members: Sequence[MemberHours], *, title: str, labels: Mapping,
                         width: float = 7.0) -> Figure:
    """One bar per member, stacked by the priority tier of the counterparts met."""
    words = _words(labels)
    tier_words = {**DEFAULT_LABELS["tiers"], **labels.get("tiers", {})}
    rows = [m for m in members if m.total_minutes][::-1]
    figure, axes = _figure(len(rows), width, title)
    if not rows:
        _empty(axes, words["empty"])
        return figure
    positions = list(range(len(rows)))
    left = [0.0] * len(rows)
    for tier in TIERS:
        values = [_hours(m.by_tier.get(tier, 0)) for m in rows]
        if not any(values):
            continue
        axes.barh(positions, values, left=left, color=TIER_COLOURS[tier], height=0.62,
                  label=tier_words[tier])
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, [m.name for m in rows], fontsize=9)
    axes.set_xlabel(words["hours"], fontsize=9)
    _label_ends(axes, positions, left)
    figure.legend(loc="outside lower center", ncols=5, fontsize=8, frameon=False)
    return figure


def share_by_month_figure(share: ShareFigure, *, title: str, labels: Mapping,
                          month_names: Sequence[str], width: float = 7.0) -> Figure:
    """The SRSG's political share per month (a line; months without hours left out) against
    the target (a dashed line). `month_names`: one short label per month of `share`."""
    words = _words(labels)
    figure = Figure(figsize=(width, 3.0), layout="constrained")
    axes = figure.add_subplot()
    _title(figure, title)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    points = [(i, m.percent) for i, m in enumerate(share.months) if m.percent is not None]
    if not points:
        _empty(axes, words["empty"])
        return figure
    xs, ys = zip(*points, strict=True)
    axes.plot(xs, ys, color=POLITICAL_COLOUR, marker="o", linewidth=2,
              label=words["share"])
    for x, y in points:
        axes.annotate("%d" % round(y), (x, y), textcoords="offset points", xytext=(0, 7),
                      ha="center", fontsize=8, color=TEXT_COLOUR,
                      bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                            "alpha": 0.85})
    axes.axhline(share.target, color=TARGET_COLOUR, linestyle="--", linewidth=1.2,
                 label="%s %d %%" % (words["target"], share.target))
    axes.set_ylim(0, 110)
    axes.set_xlim(-0.5, len(share.months) - 0.5)
    step = max(1, len(share.months) // 12)
    ticks = list(range(0, len(share.months), step))
    axes.set_xticks(ticks, [month_names[i] for i in ticks], fontsize=8)
    axes.set_ylabel(words["share"], fontsize=9)
    figure.legend(loc="outside lower center", fontsize=8, frameon=False, ncols=2)
    return figure
