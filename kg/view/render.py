"""The page: its data (nodes, edges, legends, notes) as JSON-ready values, and the HTML that
carries them inert, with the scripts and styles inlined and allowed by hash."""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from kg.view.choose import Selection, Subgraph
from kg.view.config import config, template
from kg.view.describe import OTHER, describe, display_label, term_label, top_type
from kg.view.read import Catalogue, Link, load_sources
from kg.vocab import KG_NS, TOP_TYPES

TITLE = "China–ASEAN knowledge graph"


class Quotes:
    """The sentences the page shows, each carried once and referred to by index: a sentence
    naming three hubs is the evidence of three edges and in three tooltips (a third of the
    sentences' bytes at 10,000 articles)."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self.index: dict[str, int] = {}  # sentence IRI → its place in the table, in order of first use

    def refer(self, keys: Iterable[str]) -> list[int]:
        return [self.index.setdefault(key, len(self.index)) for key in keys]

    def table(self) -> list[list[str]]:
        """``[text, article stem]`` of each sentence referred to."""
        return [[self.cat.sentences[key].text, self.cat.sentences[key].stem] for key in self.index]


def page_data(cat: Catalogue, part: Subgraph, sel: Selection, groups: list[list[str]],
              positions: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """The page's data: nodes, edges, sentences, articles, legend and notes, as JSON-ready values
    (the drawn nodes described, their communities and, for a large graph, positions computed)."""
    order = sorted(part.nodes)
    group_of = {n: i for i, members in enumerate(groups) for n in members}
    quotes = Quotes(cat)
    nodes = [_node(cat, n, part.degrees[n], group_of[n], positions.get(n), sel.lang, quotes) for n in order]
    index = {n: i for i, n in enumerate(order)}
    links = sorted(part.links)
    edges = [_edge(cat, link, index, quotes) for link in links]
    sentences = quotes.table()
    return {
        "nodes": nodes,
        "edges": edges,
        "sentences": sentences,
        "relations": {p: term_label(p, sel.lang) for p in sorted({p for _, p, _ in links})},
        "articles": _article_table(cat, {stem for _, stem in sentences}),
        "classes": _legend(nodes, sel.lang),
        "communities": _community_legend(groups, nodes, index),
        "community_other": config()["community_other"],
        "physics": not positions,
        "iterations": config()["physics_iterations"],
        "notes": notes(cat, part, sel),
        "omitted": omission(part) if part.omitted_nodes else None,
    }


def _node(cat: Catalogue, iri: str, degree: int, group: int, position: tuple[float, float] | None,
          lang: str, quotes: Quotes) -> dict[str, Any]:
    entity = cat.entity(iri)
    node = {"id": iri, "label": display_label(entity, lang), "type": top_type(entity),
            "degree": degree, "community": group}
    node.update(describe(entity, lang))
    node["sentences"] = quotes.refer(node["sentences"])
    if position is not None:
        node["x"], node["y"] = position
    return node


def _edge(cat: Catalogue, link: Link, index: dict[str, int], quotes: Quotes) -> list[Any]:
    """``[from, to, relation, evidence, more]`` by node and sentence index (compact at 10,000
    edges): the first ``evidence_per_edge`` sentences it was read from, and how many more there are."""
    evidence = quotes.refer(cat.evidence.get(link, ()))
    return [index[link[0]], index[link[2]], link[1], evidence, cat.evidence_count.get(link, 0) - len(evidence)]


def _article_table(cat: Catalogue, stems: set[str]) -> dict[str, Any]:
    """Source of every article a shown sentence comes from; only http(s) URLs become links."""
    sources = load_sources(cat, stems)
    table = {}
    for stem in sorted(stems):
        a = cat.articles[stem]
        url, title = sources.get(stem, (None, None))
        table[stem] = {"url": url if url and url.startswith(("https://", "http://")) else None, "title": title,
                       "lang": a.lang, "date": a.published.isoformat() if a.published else None}
    return table


def _legend(nodes: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    counts = Counter(n["type"] for n in nodes)
    styles = config()["classes"]
    return [dict(styles[t], type=t, label=term_label(KG_NS + t, lang) if t != OTHER else OTHER,
                 count=counts[t]) for t in (*TOP_TYPES, OTHER) if counts[t]]


def _community_legend(groups: list[list[str]], nodes: list[dict[str, Any]],
                      index: dict[str, int]) -> list[dict[str, Any]]:
    """The communities that get a colour of their own (two members or more), with their hubs."""
    palette = config()["community_palette"]
    result = []
    for i, members in enumerate(groups[:len(palette)]):
        if len(members) < 2:
            break
        hubs = sorted(members, key=lambda n: (-nodes[index[n]]["degree"], n))[:3]
        result.append({"colour": palette[i], "size": len(members),
                       "hubs": [nodes[index[n]]["label"] for n in hubs]})
    return result


def notes(cat: Catalogue, part: Subgraph, sel: Selection) -> list[str]:
    """What the page shows, in words: the selection, and what a cap left out."""
    said = []
    if sel.query:
        said.append(f"the graph the query {sel.query.name or sel.query.origin} returns")
    if sel.focus:
        names = ", ".join(sorted(display_label(cat.entity(n), sel.lang) for n in part.focus))
        said.append(f"within {sel.depth} relation(s) of {names}")
    if sel.types:
        said.append("types: " + ", ".join(t for t in TOP_TYPES if t in sel.types))
    for name, value in (("article", sel.article), ("article language", sel.article_lang),
                        ("published since", sel.since), ("published until", sel.until)):
        if value is not None:
            said.append(f"{name}: {value}")
    return said


def omission(part: Subgraph) -> str:
    shown = len(part.nodes)
    return (f"showing the {shown:,} most central of {shown + part.omitted_nodes:,} entities: "
            f"{part.omitted_nodes:,} entities and {part.omitted_links:,} relations left out "
            "(narrow with --focus, --type or the article filters, or raise --max-nodes)")


def render(data: dict[str, Any], *, title: str = TITLE) -> str:
    """The page: vis-network, the page's style and script inlined, the data as a JSON block.

    One pass fills both placeholders, so a title or an article that says ``{{DATA}}`` stays text."""
    values = {"{{TITLE}}": html.escape(title), "{{DATA}}": embed_json(data)}
    return re.sub(r"\{\{(?:TITLE|DATA)\}\}", lambda m: values[m.group(0)], _pagetemplate())


@cache
def _pagetemplate() -> str:
    """``network.html`` with the scripts, the styles and the policy in place.

    The Content-Security-Policy lists the SHA-256 of each inline script and style, so nothing
    else inline runs; the JSON data block is not script and needs no hash."""
    # pyvis's own folder, without importing pyvis (its import pulls in IPython and jinja2: 0.6 s)
    lib = Path(importlib.util.find_spec("pyvis").submodule_search_locations[0]) / "lib" / "vis-9.1.2"
    scripts = [(lib / "vis-network.min.js").read_text(encoding="utf-8"), template("network.js")]
    styles = [(lib / "vis-network.css").read_text(encoding="utf-8"), template("network.css")]
    policy = ("default-src 'none'; script-src " + " ".join(_hash(s) for s in scripts)
              + "; style-src " + " ".join(_hash(s) for s in styles)
              + "; img-src data:; base-uri 'none'; form-action 'none'")
    page = template("network.html")
    for placeholder, value in (("{{POLICY}}", html.escape(policy, quote=False)),
                               ("{{VIS_CSS}}", _inline(styles[0], "style")),
                               ("{{PAGE_CSS}}", _inline(styles[1], "style")),
                               ("{{VIS_JS}}", _inline(scripts[0], "script")),
                               ("{{PAGE_JS}}", _inline(scripts[1], "script"))):
        page = page.replace(placeholder, value)
    return page


def _hash(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"


def _inline(block: str, tag: str) -> str:
    """A block as is (its hash must match), refusing one that would end its element early or
    hold a placeholder filled later (the title and the data go in after the blocks)."""
    if f"</{tag}" in block.lower() or "{{TITLE}}" in block or "{{DATA}}" in block:
        raise ValueError(f"an inline {tag} block cannot be inlined as is")
    return block


def embed_json(data: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``: no ``<``, ``>``, ``&``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text
