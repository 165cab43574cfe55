"""The influence map's analysis: the relationship graph, its metrics, layouts and exports.

networkx is the graph model (a `MultiDiGraph`: node = stakeholder id, edge key = relationship
id, so several typed links per pair are kept) and does the GraphML / GEXF I/O; igraph's C core
does what networkx is too slow for at mission scale: Fruchterman–Reingold layouts,
betweenness and Louvain communities; PageRank stays networkx's (see `network_metrics`).
Measured on the large mission by tests/perf/network_metrics.py.

Reading the relationships:

- *Influence* (PageRank, weighted in/out) runs on cooperative and structural links only.
  Each such link says who exerts influence on whom: "A leads / supports / funds / protects /
  trains / influences B" is A's influence on B; "A is a member of / affiliated with B" is
  B's influence on A; symmetric types (allied_with, partners_with) go both ways.
  `weighted_out` is the strength of the influence an actor exerts, `weighted_in` what it
  receives; PageRank runs on "depends on" arrows (influenced -> influencer), so an actor many
  others depend on ranks high.
- *Brokerage* (betweenness) runs on every link but the adversarial ones (structural,
  cooperative and process: a mediator is a channel), undirected, with distance 1/strength.
- *Contested*: adversarial links (and any link of negative valence, e.g. sanctions) never
  add influence; they add `strength x max(1, -valence)` to the contested score of both ends.
- *Communities*: Louvain (igraph multilevel) on the non-adversarial links, weight strength,
  vertices in id order and igraph's random generator seeded, so the same mission always
  gives the same clusters.

Nothing here imports Qt; user-visible words are the caller's (codes and ids only).
"""

from missiondesk.services.network.changes import (  # noqa: F401
    NetworkChanges,
    changes_since,
)
from missiondesk.services.network.export import (  # noqa: F401
    exportable,
    network_json,
    write_gexf,
    write_graphml,
)
from missiondesk.services.network.graph import (  # noqa: F401
    SAMPLE_ABOVE,
    SAMPLE_SOURCES,
    GraphFilter,
    MapInputs,
    build_export_graph,
    build_graph,
    family_of,
    is_symmetric,
    map_inputs,
    period_end,
    period_start,
    stakeholder_aliases,
    undated_relationships,
    valid_on,
)
from missiondesk.services.network.layout import (  # noqa: F401
    BOX,
    LayoutCancelled,
    box_side,
    layout,
)
from missiondesk.services.network.metrics import (  # noqa: F401
    ALLEGED_WEIGHT,
    CONFIDENCE_WEIGHT,
    CutPoint,
    NetworkMetrics,
    NodeMetrics,
    contest_parties,
    cut_points,
    link_weight,
    network_metrics,
)
from missiondesk.services.network.positions import (  # noqa: F401
    delete_positions,
    save_positions,
    saved_positions,
)
from missiondesk.services.network.reach import (  # noqa: F401
    CHANNEL_PROCESS_TYPES,
    ENGAGED_WITHIN_DAYS,
    Reach,
    ReachPath,
    reach,
    reach_paths,
)
