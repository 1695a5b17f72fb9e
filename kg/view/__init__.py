"""View: the stored graph as a self-contained interactive network page (vis.js).

What the page must be, and how this package gets there, step by step (read → choose →
describe → layout → render, one module each):

- Offline and safe (:mod:`kg.view.render`). vis-network is inlined from the pyvis wheel
  (pyvis's own template loads CDNs). The data travels in a JSON block that is never executed,
  with ``<``, ``>`` and ``&`` escaped so no article text can close it; the page's script shows
  text through ``textContent`` only; and the Content-Security-Policy admits only the page's own
  inline script and style blocks, by hash, so markup that slipped through still could not run.
- Readable. Colour and shape by class (``templates/view.json``), size by degree centrality,
  relation names on edges, Louvain communities as a second colouring (:mod:`kg.view.layout`);
  literals (dates, roles, editions, figures) go into the node's tooltip instead of becoming nodes.
- Traceable (:mod:`kg.view.describe`). A node carries its classes, labels, how many articles
  mention it and the sentences that do, with their source URLs; an edge carries the sentences
  it was read from.
- Large graphs. Above ``layout_threshold`` nodes the layout is computed here and the page
  draws with physics off (in-browser physics needs minutes at 5,000 nodes); above
  ``max_nodes`` only the most central part is kept (:mod:`kg.view.choose`), and the page and
  stderr say what was left.
- Read what is drawn (:mod:`kg.view.read`). Choosing the nodes needs only the entity level:
  which entities have a top class, and the relations between them (:func:`load_catalogue`,
  :func:`load_links`). Labels, facts, mentions, figures and evidence are then read for the
  drawn nodes and edges only (:func:`describe_nodes`, :func:`load_evidence`), with
  VALUES-bounded queries that count and format inside Oxigraph: a point lookup costs
  microseconds in the on-disk store, a row handed to Python more, so the queries join by hash
  (subqueries) and return few rows. A hub's first sentences are read from a prefix of the
  articles that holds them (:func:`load_mentions`). This leans on the data contract: an
  article's mentions, assertions and observations are in its named graph, which gives their
  article.

The view knows the data contract (``docs/architecture.md``), not how the facts were found.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kg.export import write_atomically
from kg.store import GraphStore
from kg.view.choose import Selection, choose, select_articles, undirected, whole_graph
from kg.view.config import config
from kg.view.describe import describe_nodes, display_label, local_name, top_type
from kg.view.layout import communities, layout
from kg.view.read import Catalogue, load_anchors, load_catalogue, load_statements
from kg.view.render import TITLE, embed_json, page_data, render

# what kg stats, kg viz, the build, the tests and the benchmarks use
__all__ = ["Catalogue", "Selection", "choose", "describe_nodes", "display_label", "embed_json", "layout", "load_anchors",
           "load_catalogue", "load_statements", "local_name", "render", "top_type", "undirected", "view_data",
           "whole_graph", "write_view"]


def view_data(store: GraphStore, sel: Selection = Selection()) -> dict[str, Any]:
    """The page's data: nodes, edges, articles, legend and notes, as JSON-ready values."""
    cat = load_catalogue(store)
    articles = select_articles(cat, sel)
    part = choose(store, cat, sel, articles)
    with ThreadPoolExecutor(max_workers=1) as pool:  # tooltips are read while the layout is computed
        described = pool.submit(describe_nodes, cat, part.nodes, articles, sel.lang, part.links)
        graph = undirected(part)
        groups = communities(graph)
        positions = layout(graph) if len(part.nodes) > config()["layout_threshold"] else {}
        described.result()
    return page_data(cat, part, sel, groups, positions)


def write_view(store: GraphStore, path: Path, sel: Selection = Selection(), *, title: str | None = None) -> Path:
    """Write the page for ``sel``; a cap is reported on stderr as well as on the page."""
    data = view_data(store, sel)
    if data["omitted"]:
        print(f"{path.name}: {data['omitted']}", file=sys.stderr)
    write_atomically(path, render(data, title=title or TITLE).encode("utf-8"))
    return path
