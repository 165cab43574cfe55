"""The power–interest grid: stakeholders by influence (power) and interest, coloured by stance.

Pure matplotlib (a `Figure`, never pyplot, no Qt): the desk puts it in a Qt canvas, a brief
can save it as SVG. Callers pass every word already translated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure

#: Stance on the peace process -> colour (green for support through red for spoilers).
STANCE_COLOURS = {
    "champion": "#1b7837",
    "supportive": "#5aae61",
    "conditional": "#a6d96a",
    "ambivalent": "#fee08b",
    "sceptical": "#fdae61",
    "opposed": "#f46d43",
    "spoiler": "#b2182b",
    "unknown": "#9e9e9e",
}


@dataclass(frozen=True)
class GridPoint:
    id: str
    name: str
    influence: int
    interest: int
    stance: str
    flagged: bool = False  # do-not-engage, sanctioned or HRDDP: drawn with a black ring
    label: str = ""  # the short name written beside the point (defaults to the name)


def _cell_offsets(count: int) -> list[tuple[float, float]]:
    """Offsets that spread `count` points of one grid cell on a small lattice (no overlap)."""
    if count == 1:
        return [(0.0, 0.0)]
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    step_x = 0.8 / columns
    step_y = 0.8 / rows
    return [(-0.4 + step_x * (i % columns + 0.5), 0.4 - step_y * (i // columns + 0.5))
            for i in range(count)]


def short_label(name: str, aliases: tuple[str, ...] = (), limit: int = 24) -> str:
    """An acronym alias when there is one (MPC, CDF), else the name cut to `limit`."""
    acronyms = [a for a in aliases if 2 <= len(a) <= 6 and a.replace("+", "").isupper()]
    if acronyms:
        return acronyms[0]
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "\u2026"


class _Placer:
    """Greedy label placement: a label is drawn only where it overlaps no other label."""

    def __init__(self, char_w: float, line_h: float) -> None:
        self.char_w = char_w
        self.line_h = line_h
        self.boxes: list[tuple[float, float, float, float]] = []

    def place(self, x: float, y: float, text: str) -> tuple[float, float, str] | None:
        width = len(text) * self.char_w
        for dx, ha in ((0.06, "left"), (-0.06, "right")):
            for dy in (0.0, self.line_h * 0.9, -self.line_h * 0.9):
                x0 = x + dx if ha == "left" else x + dx - width
                box = (x0, y + dy - self.line_h / 2, x0 + width, y + dy + self.line_h / 2)
                if box[0] < 0.55 or box[2] > 5.45:
                    continue
                if all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3]
                       for b in self.boxes):
                    self.boxes.append(box)
                    return x + dx, y + dy, ha
        return None


def power_interest_figure(points: list[GridPoint], *, title: str, x_label: str, y_label: str,
                          quadrants: dict[str, str], stance_labels: dict[str, str],
                          label_limit: int = 70, size: tuple[float, float] = (8, 6)
                          ) -> tuple[Figure, list[str]]:
    """The grid and the ids of its points in drawing order (for picking a point)."""
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title)
    ax.axvline(3, color="#555555", linewidth=0.8)
    ax.axhline(3, color="#555555", linewidth=0.8)
    ax.set_facecolor("#fbfbfb")
    corner = {"manage_closely": (5.45, 5.45, "right", "top"),
              "keep_satisfied": (0.55, 5.45, "left", "top"),
              "keep_informed": (5.45, 0.55, "right", "bottom"),
              "monitor": (0.55, 0.55, "left", "bottom")}
    for key, (x, y, ha, va) in corner.items():
        ax.text(x, y, quadrants.get(key, key), ha=ha, va=va, fontsize=9, color="#666666",
                fontweight="bold")

    cells: dict[tuple[int, int], list[int]] = {}
    for i, point in enumerate(points):
        cells.setdefault((point.interest, point.influence), []).append(i)
    xs = [0.0] * len(points)
    ys = [0.0] * len(points)
    for (interest, influence), members in cells.items():
        members.sort(key=lambda i: (-points[i].influence, points[i].name))
        for i, (dx, dy) in zip(members, _cell_offsets(len(members)), strict=True):
            xs[i], ys[i] = interest + dx, influence + dy
    ids = [p.id for p in points]
    colours = [STANCE_COLOURS.get(p.stance, STANCE_COLOURS["unknown"]) for p in points]
    edges = ["#000000" if p.flagged else "#ffffff" for p in points]
    marker = 60 if len(points) <= 150 else 18
    ax.scatter(xs, ys, c=colours, edgecolors=edges, linewidths=1.2, s=marker, zorder=3,
               picker=True)

    # Names where they fit, most influential first; the rest are a click away.
    width_in, height_in = size
    placer = _Placer(char_w=0.62 * 7 / 72 * 5 / (width_in * 0.78),
                     line_h=1.25 * 7 / 72 * 5 / (height_in * 0.82))
    ranked = sorted(range(len(points)),
                    key=lambda i: (-points[i].influence, -points[i].interest, points[i].name))
    for i in ranked[:label_limit]:
        text = points[i].label or points[i].name
        spot = placer.place(xs[i], ys[i], text)
        if spot is None:
            continue
        lx, ly, ha = spot
        ax.text(lx, ly, text, ha=ha, va="center", fontsize=7, color="#222222", zorder=4)

    present = [s for s in STANCE_COLOURS if any(p.stance == s for p in points)]
    handles = [ax.scatter([], [], c=STANCE_COLOURS[s], s=60, label=stance_labels.get(s, s))
               for s in present]
    if handles:
        fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False)
    return fig, ids
