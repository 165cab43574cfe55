"""GraphML, GEXF and JSON exports of the graph."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta  # noqa: F401

from missiondesk.services.network.metrics import NetworkMetrics

#: Graph attribute names GEXF reserves on edges (renamed there: "type" is the edge kind).
_GEXF_EDGE_RENAMES = {"type": "relationship_type"}


def _plain(value):
    """A value the networkx writers accept (they reject None, lists and dates)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(_plain(v)) for v in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def _attributes(items) -> dict[str, type]:
    """The one type each attribute is written as: its values' type, str when mixed."""
    kinds: dict[str, set[type]] = defaultdict(set)
    for data in items:
        for name, value in data.items():
            if value is not None:
                kinds[name].add(type(_plain(value)))
    result = {}
    for name, found in kinds.items():
        if found == {int, float}:
            result[name] = float
        elif len(found) == 1:
            result[name] = found.pop()
        else:
            result[name] = str
    return result


def exportable(graph, *, classification: str, renames: dict[str, str] | None = None,
               with_ids: bool = False):
    """A copy of the graph the networkx writers accept, with Gephi's `label` and `weight`.

    None becomes "" for text attributes (and is left out for numeric ones), dates ISO text,
    lists "a; b" text; each attribute keeps one type across the file. Parallel relationships
    stay (MultiDiGraph keys = relationship ids); the classification is a graph attribute.
    """
    import networkx as nx

    renames = renames or {}
    out = nx.MultiDiGraph()
    node_types = _attributes(d for _, d in graph.nodes(data=True))
    edge_types = _attributes(d for _, _, d in graph.edges(data=True))

    def convert(data: dict, types: dict[str, type]) -> dict:
        result = {}
        for name, value in data.items():
            kind = types.get(name, str)
            if value is None:
                if kind is str:
                    result[renames.get(name, name)] = ""
                continue
            value = _plain(value)
            if kind is str and not isinstance(value, str):
                value = str(value)
            elif kind is float:
                value = float(value)
            result[renames.get(name, name)] = value
        return result

    for key, value in graph.graph.items():
        if key not in ("classification",) and value is not None:
            out.graph[key] = str(_plain(value))
    out.graph["classification"] = classification
    for sid, data in graph.nodes(data=True):
        values = convert(data, node_types)
        values.setdefault("label", str(data.get("name") or sid))
        out.add_node(sid, **values)
    for u, v, key, data in graph.edges(keys=True, data=True):
        values = convert(data, edge_types)
        values.setdefault("label", str(data.get("type") or ""))
        values.setdefault("weight", float(data.get("strength") or 1))
        if with_ids:
            values["id"] = str(key)
        out.add_edge(u, v, key=key, **values)
    return out


def _write_atomically(path, write: Callable) -> None:
    """Write beside the target, owner-only, renamed into place only when complete."""
    import os
    from pathlib import Path

    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _xml_text(out) -> None:
    """Strip, in place, what XML cannot carry from every text of an exportable graph: names
    stored before text was validated (a control character) still export, readable."""
    from missiondesk.services.validation import first_invalid_char, strip_invalid_chars

    def clean(data: dict) -> None:
        for name, value in data.items():
            if isinstance(value, str) and first_invalid_char(value) is not None:
                data[name] = strip_invalid_chars(value)

    clean(out.graph)
    for _, data in out.nodes(data=True):
        clean(data)
    for _, _, data in out.edges(data=True):
        clean(data)


def write_graphml(graph, path, *, classification: str) -> None:
    """The graph as GraphML (Gephi, yEd, networkx) with every attribute and the
    classification as a graph attribute. `path` may be a binary file object."""
    import networkx as nx

    out = exportable(graph, classification=classification)
    _xml_text(out)
    if hasattr(path, "write"):
        nx.write_graphml(out, path, named_key_ids=True)
    else:
        _write_atomically(path, lambda fh: nx.write_graphml(out, fh, named_key_ids=True))


def _hex_colour(text: str) -> dict[str, int] | None:
    value = text.strip().lstrip("#")
    if len(value) not in (6, 8):
        return None
    try:
        r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return None
    return {"r": r, "g": g, "b": b}


def _spell(start: date | None, end: date | None) -> dict[str, str]:
    """GEXF `start`/`end` (ISO dates, both ends included) of a validity; an end before the
    start cannot be drawn on Gephi's timeline and is left out."""
    if start is not None and end is not None and end < start:
        end = None
    spell = {}
    if start is not None:
        spell["start"] = start.isoformat()
    if end is not None:
        spell["end"] = end.isoformat()
    return spell


def _dynamic(graph, out) -> None:
    """Gephi's timeline, in place on an exportable graph: each edge from the first day its
    valid_from can mean to the last day its valid_to can mean ("2019" -> 2019-01-01 ..
    2019-12-31), each node from its `first_known` day when the graph has one."""
    from missiondesk.services.network.graph import _day, period_end, period_start

    for sid, data in out.nodes(data=True):
        data.update(_spell(_day(graph.nodes[sid].get("first_known")), None))
    for u, v, key, data in out.edges(keys=True, data=True):
        source = graph.edges[u, v, key]
        data.update(_spell(period_start(source.get("valid_from")),
                           period_end(source.get("valid_to"))))
    out.graph["mode"] = "dynamic"


def write_gexf(graph, path, *, classification: str,
               positions: dict[str, tuple] | None = None,
               colours: dict[str, str] | None = None) -> None:
    """The graph as GEXF 1.2 for Gephi: every attribute (the relationship type as
    `relationship_type`, since "type" is GEXF's edge kind), Gephi's viz colour (from
    `colours`: node id or category code -> "#rrggbb"), size (by influence) and position
    (`positions`: id -> (x, y, ...), y flipped: Gephi's y axis points up). The
    classification is the graph's name and the file's meta description and keywords.
    A dynamic graph (`timeformat="date"`) so Gephi's timeline works: edges carry `start`/
    `end` from their validity, nodes a `start` at their `first_known` day (see `_dynamic`).
    `path` may be a binary file object."""
    import io
    import xml.etree.ElementTree as ET

    import networkx as nx

    out = exportable(graph, classification=classification, renames=_GEXF_EDGE_RENAMES,
                     with_ids=True)
    _xml_text(out)
    _dynamic(graph, out)
    colours = colours or {}
    positions = positions or {}
    for sid, data in out.nodes(data=True):
        viz: dict = {"size": 4.0 + 4.0 * float(graph.nodes[sid].get("influence") or 3)}
        colour = colours.get(sid) or colours.get(str(graph.nodes[sid].get("category")))
        rgb = _hex_colour(colour) if colour else None
        if rgb is not None:
            viz["color"] = {**rgb, "a": 1.0}
        if sid in positions:
            x, y = positions[sid][0], positions[sid][1]
            viz["position"] = {"x": float(x), "y": -float(y), "z": 0.0}
        data["viz"] = viz
    out.graph["name"] = classification
    buffer = io.BytesIO()
    nx.write_gexf(out, buffer)
    ns = "http://www.gexf.net/1.2draft"
    ET.register_namespace("", ns)
    ET.register_namespace("viz", "http://www.gexf.net/1.2draft/viz")
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.fromstring(buffer.getvalue())
    for element in root.iter("{%s}graph" % ns):
        element.set("mode", "dynamic")
        element.set("timeformat", "date")
    meta = root.find("{%s}meta" % ns)
    if meta is not None:
        ET.SubElement(meta, "{%s}keywords" % ns).text = classification
        ET.SubElement(meta, "{%s}description" % ns).text = (
            "MissionDesk influence map. Classification: %s" % classification)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if hasattr(path, "write"):
        path.write(data)
    else:
        _write_atomically(path, lambda fh: fh.write(data))


def network_json(graph, metrics: NetworkMetrics, top: int) -> dict:
    """`missiondesk network --json`: DESIGN.md's shape (nodes; brokers and most influential
    as names, best first, `top` of each), plus the classification, the `top` most contested
    and the communities of two or more (names), and whether betweenness was sampled."""
    nodes = []
    for sid in sorted(metrics.nodes, key=lambda s: (metrics.nodes[s].name.casefold(), s)):
        m = metrics.nodes[sid]
        nodes.append({"id": sid, "name": m.name, "category": m.category, "degree": m.degree,
                      "betweenness": round(m.betweenness, 6), "pagerank": round(m.pagerank, 6),
                      "community": m.community})

    def names(ids: list[str]) -> list[str]:
        return [metrics.nodes[i].name for i in ids[:top]]

    return {
        "classification": graph.graph.get("classification", "UNCLASSIFIED"),
        "nodes": nodes,
        "brokers": names(metrics.brokers),
        "most_influential": names(metrics.most_influential),
        "most_contested": names(metrics.most_contested),
        "communities": [[metrics.nodes[i].name for i in c] for c in metrics.communities
                        if len(c) > 1][:top],
        "sampled": metrics.sampled,
    }
