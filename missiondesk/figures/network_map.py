"""The influence map's drawing style, and the map as a matplotlib figure (PDF export, briefs).

The palette and sizes here are the map's one style: the interactive map (ui) and the GEXF
export use the same constants, so a category or a stance has one colour everywhere.
matplotlib is imported only when a figure is drawn (the constants cost nothing to import).

Positions are in the map's scene coordinates (y pointing down, as in Qt): the figure
inverts its y axis so it looks like the screen.
"""

from __future__ import annotations

import math

#: Category (V1) -> the group it is coloured by (eight groups keep the legend readable).
CATEGORY_GROUP = {
    "host_government": "state", "state_security_force": "state",
    "state_institution": "state", "electoral_body": "state", "judiciary": "state",
    "political_party": "political", "opposition_coalition": "political",
    "armed_group": "armed", "armed_coalition": "armed", "self_defence_militia": "armed",
    "criminal_network": "armed", "foreign_armed_group": "armed",
    "foreign_security_contractor": "armed",
    "foreign_government": "foreign", "neighbouring_state": "foreign",
    "regional_organization": "foreign", "security_council_member": "foreign",
    "group_of_friends": "foreign", "donor": "foreign", "tcc_pcc": "foreign",
    "international_organization": "international", "un_entity": "international",
    "international_ngo": "international",
    "religious_leader": "society", "faith_based_organization": "society",
    "traditional_authority": "society", "civil_society": "society",
    "womens_organization": "society", "youth_organization": "society",
    "community": "society", "diaspora": "society",
    "media": "media_private", "private_sector": "media_private",
    "individual_other": "other", "other": "other",
}
#: Group -> colour (Okabe–Ito based: distinguishable with the common colour-vision deficits).
GROUP_COLOURS = {
    "state": "#0072B2",
    "political": "#CC79A7",
    "armed": "#D55E00",
    "foreign": "#009E73",
    "international": "#56B4E9",
    "society": "#E69F00",
    "media_private": "#8C6D31",
    "other": "#999999",
}
GROUP_ORDER = tuple(GROUP_COLOURS)
#: English legend words when the caller gives no translated `labels`.
DEFAULT_LABELS = {
    "state": "State and security forces", "political": "Political parties",
    "armed": "Armed actors", "foreign": "Foreign and regional actors",
    "international": "UN and international", "society": "Society, faith, communities",
    "media_private": "Media and private sector", "other": "Other",
    "flagged": "Do not engage / sanctioned / HRDDP", "alleged_dormant": "Alleged or dormant",
    "link_strong": "Strongly cooperative link",
    "link_positive": "Cooperative link", "link_neutral": "Neutral link",
    "link_tense": "Tense link", "link_hostile": "Hostile link", "legend": "Legend",
}
#: Stance toward the mission (V3) -> colour, from cooperative (green) to hostile (dark red).
STANCE_COLOURS = {
    "cooperative": "#1A9850",
    "conditional": "#91CF60",
    "neutral": "#9ECAE1",
    "wary": "#FEE08B",
    "obstructive": "#FC8D59",
    "hostile_rhetoric": "#D73027",
    "hostile_violent": "#7F0000",
    "unknown": "#BDBDBD",
}
STANCE_ORDER = tuple(STANCE_COLOURS)
#: Valence (-2..2) -> edge colour.
VALENCE_COLOURS = {2: "#1B7837", 1: "#5AAE61", 0: "#8C8C8C", -1: "#E08214", -2: "#B2182B"}
#: Statuses drawn dashed.
DASHED_STATUSES = frozenset({"alleged", "dormant"})
FLAG_RING = "#000000"


# --- names ---------------------------------------------------------------------------------


def _acronym(text: str) -> bool:
    """"3R", "FACA", "CEEAC", "GoCAR", "EUTM RCA", "M23": short, mostly capitals and
    digits, with a capital."""
    text = text.strip()
    core = text.replace(" ", "").replace("-", "").replace("&", "").replace(".", "")
    if not (2 <= len(text) <= 10 and core and core.isalnum()):
        return False
    capitals = sum(c.isupper() for c in core)
    return capitals >= 1 and (capitals + sum(c.isdigit() for c in core)) >= 0.6 * len(core) \
        and (capitals >= 2 or any(c.isdigit() for c in core))


def short_name(name: str, aliases=()) -> str:
    """The name the map writes: an acronym alias when there is one (MPC, CDF), else the
    acronym of a trailing "(ABC)" ("Retour, Réclamation et Réhabilitation (3R)" -> "3R"),
    else the whole name — never cut at a comma or any other punctuation (the label wraps).
    """
    for alias in aliases or ():
        if isinstance(alias, str) and _acronym(alias):
            return alias.strip()
    text = " ".join(name.split())
    if text.endswith(")") and "(" in text:
        inner = text[text.rindex("(") + 1:-1]
        if _acronym(inner) and text.rindex("(") > 0:
            return inner.strip()
    return text or name


def wrap_name(text: str, width: int = 26, lines: int = 2) -> str:
    """`text` on at most `lines` lines of about `width` characters, broken between words;
    what does not fit ends with an ellipsis (after a whole word)."""
    words = text.split()
    rows: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            rows.append(current)
            current = word
        else:
            current = (current + " " + word) if current else word
    if current:
        rows.append(current)
    if len(rows) <= lines:
        return "\n".join(rows) or text
    kept = rows[:lines]
    kept[-1] = kept[-1] + "\u2026"
    return "\n".join(kept)


def category_colour(category: str | None) -> str:
    return GROUP_COLOURS[CATEGORY_GROUP.get(category or "other", "other")]


def stance_colour(stance: str | None) -> str:
    return STANCE_COLOURS.get(stance or "unknown", STANCE_COLOURS["unknown"])


def node_colour(data: dict, colour_by: str = "category") -> str:
    if colour_by == "stance":
        return stance_colour(data.get("stance_mission"))
    return category_colour(data.get("category"))


def node_colours(graph, colour_by: str = "category") -> dict[str, str]:
    """Node id -> "#rrggbb" (what write_gexf takes as `colours`)."""
    return {sid: node_colour(data, colour_by) for sid, data in graph.nodes(data=True)}


def valence_colour(valence: int | None) -> str:
    return VALENCE_COLOURS.get(max(-2, min(2, int(valence or 0))), VALENCE_COLOURS[0])


def node_radius(influence: int | None) -> float:
    """Radius in scene units for influence 1..5 (area grows with influence)."""
    return 8.0 + 4.0 * math.sqrt(max(1, min(5, int(influence or 3))))


def edge_width(strength: int | None) -> float:
    """Width in points (cosmetic: the same at every zoom) for strength 1..5."""
    return 0.4 + 0.5 * max(1, min(5, int(strength or 3)))


def flagged(data: dict) -> bool:
    return bool(data.get("do_not_engage") or data.get("sanctioned") or data.get("hrddp_flag"))


def _label(labels: dict, code: str) -> str:
    return (labels.get(code) or DEFAULT_LABELS.get(code)
            or code.replace("_", " ").capitalize())


def network_map_figure(graph, positions: dict, *, title: str, colour_by: str = "category",
                       labels: dict | None = None, classification: str = "UNCLASSIFIED",
                       highlight: list[str] | None = None):
    """The map as a matplotlib Figure (A4 landscape): edges coloured by valence, width by
    strength, dashed when alleged or dormant, arrowheads for directed types; nodes sized by
    influence, coloured by category group or stance, a black ring on flagged actors; names
    (all up to 150 nodes, else the most influential); a legend; the title; the
    classification marking at the top and the bottom.

    `positions`: id -> (x, y[, pinned]) in scene units (nodes without one are left out).
    `labels`: translated legend words by code — the group codes of GROUP_COLOURS, the stance
    codes, and "flagged", "alleged_dormant", "link_strong", "link_positive", "link_neutral",
    "link_tense", "link_hostile", "legend" (DEFAULT_LABELS has the English words); the
    legend shows the link colours present.
    `highlight`: node ids (a reach path) drawn on top with a thick outline.
    """
    import matplotlib
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    # names as text in the files this figure is saved to (searchable, sharp when zoomed):
    # TrueType (Type 42) in PDF, <text> in SVG — never glyphs as paths or pictures
    matplotlib.rcParams["pdf.fonttype"] = 42
    matplotlib.rcParams["svg.fonttype"] = "none"
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    labels = labels or {}
    fig = Figure(figsize=(11.69, 8.27))
    ax = fig.add_axes((0.02, 0.05, 0.74, 0.86))
    ax.set_aspect("equal")
    ax.axis("off")
    ids = [sid for sid in graph.nodes if sid in positions]
    xy = {sid: (float(positions[sid][0]), float(positions[sid][1])) for sid in ids}

    solid, dashed = ([], [], []), ([], [], [])
    arrows = ([], [], [], [], [])
    span = 1.0
    if xy:
        xs = [p[0] for p in xy.values()]
        ys = [p[1] for p in xy.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    for u, v, data in graph.edges(data=True):
        if u not in xy or v not in xy or u == v:
            continue
        target = dashed if data.get("status") in DASHED_STATUSES else solid
        target[0].append((xy[u], xy[v]))
        target[1].append(valence_colour(data.get("valence")))
        target[2].append(edge_width(data.get("strength")) * 0.6)
        if not data.get("symmetric"):
            (x0, y0), (x1, y1) = xy[u], xy[v]
            length = math.hypot(x1 - x0, y1 - y0)
            if length > 1e-9:
                arrows[0].append(x0 + (x1 - x0) * 0.62)
                arrows[1].append(y0 + (y1 - y0) * 0.62)
                arrows[2].append((x1 - x0) / length)
                arrows[3].append((y1 - y0) / length)
                arrows[4].append(valence_colour(data.get("valence")))
    for segments, colours, widths, style in ((*solid, "solid"), (*dashed, (0, (3, 2)))):
        if segments:
            ax.add_collection(LineCollection(segments, colors=colours, linewidths=widths,
                                             linestyles=style, alpha=0.55, zorder=1))
    if arrows[0]:
        head = span * 0.008
        ax.quiver(arrows[0], arrows[1], [d * head for d in arrows[2]],
                  [d * head for d in arrows[3]], color=arrows[4], angles="xy",
                  scale_units="xy", scale=1, pivot="mid", width=0.0015, headwidth=5,
                  headlength=5, headaxislength=4.5, alpha=0.7, zorder=2)

    n = len(ids)
    # Marker area in points^2: shrink with the node count so large maps stay legible.
    shrink = 1.0 if n <= 150 else max(0.25, math.sqrt(150 / n))
    sizes = [(node_radius(graph.nodes[s].get("influence")) ** 2) * 0.5 * shrink for s in ids]
    fills = [node_colour(graph.nodes[s], colour_by) for s in ids]
    rings = [FLAG_RING if flagged(graph.nodes[s]) else "#FFFFFF" for s in ids]
    widths = [1.6 if flagged(graph.nodes[s]) else 0.5 for s in ids]
    if ids:
        ax.scatter([xy[s][0] for s in ids], [xy[s][1] for s in ids], s=sizes, c=fills,
                   edgecolors=rings, linewidths=widths, zorder=3)
    if highlight:
        marked = [s for s in highlight if s in xy]
        ax.plot([xy[s][0] for s in marked], [xy[s][1] for s in marked], color="#000000",
                linewidth=2.0, zorder=4)
        ax.scatter([xy[s][0] for s in marked], [xy[s][1] for s in marked],
                   s=[(node_radius(graph.nodes[s].get("influence")) ** 2) * 0.9 for s in marked],
                   facecolors="none", edgecolors="#000000", linewidths=2.0, zorder=5)

    named = ids
    if n > 150:
        named = sorted(ids, key=lambda s: (-(graph.nodes[s].get("influence") or 0),
                                           str(graph.nodes[s].get("name"))))[:60]
    font = 6.5 if n <= 60 else 5.0
    for sid in named:
        x, y = xy[sid]
        ax.annotate(str(graph.nodes[sid].get("name") or ""), (x, y), xytext=(0, -7),
                    textcoords="offset points", ha="center", va="top", fontsize=font,
                    color="#222222", zorder=6)
    if xy:
        xs = [p[0] for p in xy.values()]
        ys = [p[1] for p in xy.values()]
        pad = span * 0.05
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(max(ys) + pad, min(ys) - pad)  # y down, as on screen

    handles = []
    if colour_by == "stance":
        present = {graph.nodes[s].get("stance_mission") or "unknown" for s in ids}
        for code in STANCE_ORDER:
            if code in present:
                handles.append(Patch(facecolor=STANCE_COLOURS[code], edgecolor="#FFFFFF",
                                     label=_label(labels, code)))
    else:
        present = {CATEGORY_GROUP.get(graph.nodes[s].get("category") or "other", "other")
                   for s in ids}
        for code in GROUP_ORDER:
            if code in present:
                handles.append(Patch(facecolor=GROUP_COLOURS[code], edgecolor="#FFFFFF",
                                     label=_label(labels, code)))
    handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="#FFFFFF",
                          markeredgecolor=FLAG_RING, markeredgewidth=1.6, markersize=8,
                          label=_label(labels, "flagged")))
    present_valences = {max(-2, min(2, int(d.get("valence") or 0)))
                        for u, v, d in graph.edges(data=True) if u in xy and v in xy}
    for valence, code in ((2, "link_strong"), (1, "link_positive"), (0, "link_neutral"),
                          (-1, "link_tense"), (-2, "link_hostile")):
        if valence not in present_valences:
            continue
        handles.append(Line2D([], [], color=VALENCE_COLOURS[valence], linewidth=2,
                              label=_label(labels, code)))
    handles.append(Line2D([], [], color="#555555", linewidth=1.2, linestyle=(0, (3, 2)),
                          label=_label(labels, "alleged_dormant")))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.775, 0.9), fontsize=7.5,
               frameon=False, title=_label(labels, "legend"), title_fontsize=8.5,
               alignment="left")
    fig.text(0.02, 0.935, title, fontsize=13, weight="bold", ha="left", va="center")
    for y, va in ((0.985, "top"), (0.012, "bottom")):
        fig.text(0.5, y, classification, fontsize=9, weight="bold", color="#B2182B",
                 ha="center", va=va)
    return fig
