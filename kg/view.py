"""View: the stored graph as a self-contained interactive network page (vis.js).

The page inlines vis-network from the pyvis wheel, so it opens with no network. Article
text reaches the page only as JSON data and is put on screen with ``textContent``, never as
HTML, so a `<script>` in an article cannot run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.export import write_atomically
from kg.store import GraphStore
from kg.vocab import KG_NS, NIF, RDF, RDFS, TOP_TYPES, top_type_of

RELATIONS = ("heldIn", "partOf", "organizer", "participant", "topic", "party", "affiliation",
             "locatedIn", "memberOf", "cooperatesWith")
LITERAL_RELATIONS = ("startDate", "endDate", "edition", "date", "role")

COLOURS = {
    "Country": "#e15759", "Organization": "#4e79a7", "Person": "#f28e2b", "Forum": "#59a14f",
    "Agreement": "#b07aa1", "Initiative": "#9c755f", "Project": "#76b7b2", "Place": "#edc948",
    "Topic": "#bab0ac",
}
SHAPES = {
    "Country": "hexagon", "Organization": "box", "Person": "ellipse", "Forum": "star",
    "Agreement": "diamond", "Initiative": "triangle", "Project": "square", "Place": "dot", "Topic": "text",
}

_ENTITIES = f"""
SELECT ?e ?cls (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?articles) WHERE {{
  ?m <{KG_NS}denotes> ?e ; <{KG_NS}inArticle> ?a .
  ?e a ?cls . FILTER(STRSTARTS(STR(?cls), "{KG_NS}"))
  OPTIONAL {{ ?e <{RDFS}label> ?l }}
}} GROUP BY ?e ?cls"""
_EDGES = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  VALUES ?p {{ {' '.join(f'<{KG_NS}{r}>' for r in RELATIONS)} }}
  ?s ?p ?o .
}}"""
_LITERALS = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  VALUES ?p {{ {' '.join(f'<{KG_NS}{r}>' for r in LITERAL_RELATIONS)} }}
  ?s ?p ?o .
}}"""
_SENTENCES = f"""
SELECT ?e ?text ?url ?stem WHERE {{
  ?m <{KG_NS}denotes> ?e ; <{KG_NS}inSentence> ?s ; <{KG_NS}inArticle> ?a .
  ?s <{NIF}anchorOf> ?text .
  ?a <http://purl.org/dc/terms/identifier> ?stem .
  OPTIONAL {{ ?a <https://schema.org/url> ?url }}
}}"""


@dataclass
class ViewData:
    nodes: list[dict]
    edges: list[dict]


def collect(store: GraphStore, *, max_sentences: int = 5) -> ViewData:
    """Nodes (entities) and edges (relations) of the stored graph, with tooltip data."""
    tops = top_type_of()
    nodes: dict[str, dict] = {}
    for row in store.query(_ENTITIES):
        iri = row["e"].value
        cls = row["cls"].value[len(KG_NS):]
        top = tops.get(cls)
        if top is None:
            continue
        node = nodes.setdefault(iri, {"id": iri, "label": row["label"].value if row["label"] else iri.rsplit("/", 1)[-1],
                                      "type": top, "classes": set(), "articles": int(row["articles"].value),
                                      "facts": [], "sentences": []})
        node["classes"].add(cls)
    for row in store.query(_LITERALS):
        if row["s"].value in nodes:
            nodes[row["s"].value]["facts"].append([row["p"].value[len(KG_NS):], row["o"].value])
    for row in store.query(_SENTENCES):
        node = nodes.get(row["e"].value)
        if node is not None and len(node["sentences"]) < max_sentences:
            entry = {"text": row["text"].value, "article": row["stem"].value,
                     "url": row["url"].value if row["url"] else None}
            if entry not in node["sentences"]:
                node["sentences"].append(entry)
    edges = [{"from": row["s"].value, "to": row["o"].value, "label": row["p"].value[len(KG_NS):]}
             for row in store.query(_EDGES) if row["s"].value in nodes and row["o"].value in nodes]
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((e["from"], e["to"]) for e in edges)
    centrality = nx.degree_centrality(graph) if len(graph) > 1 else {n: 0.0 for n in graph}
    result = []
    for iri in sorted(nodes):
        node = nodes[iri]
        top = node["type"]
        result.append({
            "id": iri, "label": node["label"], "group": top, "color": COLOURS[top], "shape": SHAPES[top],
            "value": 1 + round(centrality.get(iri, 0.0) * 100, 2),
            "kg": {"type": top, "classes": sorted(node["classes"]), "articles": node["articles"],
                   "facts": sorted(node["facts"]), "sentences": node["sentences"]},
        })
    edges.sort(key=lambda e: (e["from"], e["label"], e["to"]))
    return ViewData(result, edges)


def render(data: ViewData, *, title: str = "China–ASEAN knowledge graph") -> str:
    """The page's HTML, with vis-network and the data inlined."""
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    style = (lib / "vis-network.css").read_text(encoding="utf-8")
    template = (resources.files("kg") / "templates" / "network.html").read_text(encoding="utf-8")
    payload = json.dumps({"nodes": data.nodes, "edges": data.edges, "colours": COLOURS, "shapes": SHAPES,
                          "types": [t for t in TOP_TYPES if any(n["group"] == t for n in data.nodes)]},
                         ensure_ascii=False)
    payload = payload.replace("</", "<\\/").replace("<!--", "<\\!--")
    return (template.replace("/*VIS_CSS*/", style.replace("</", "<\\/"))
            .replace("/*VIS_JS*/", script.replace("</script", "<\\/script"))
            .replace("/*KG_DATA*/null", payload)
            .replace("KG_TITLE", _escape(title)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_view(store: GraphStore, path: Path) -> Path:
    write_atomically(path, render(collect(store)).encode("utf-8"))
    return path
