"""Communities and positions: Louvain colouring, and a layout computed here for graphs too big
for in-browser physics. Seeded and in sorted order: the same graph gives the same page."""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

from kg.view.config import config

SEED = 7  # communities and layouts are reproducible: the same graph gives the same page


def communities(graph: nx.Graph) -> list[list[str]]:
    """Louvain communities (networkx), biggest first; a node without relations is its own."""
    found = nx.community.louvain_communities(graph, seed=SEED) if graph.number_of_edges() else \
        [{n} for n in graph]
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions for a graph too big for in-browser physics, computed by parts.

    networkx's spring layout costs about 1.8 s an iteration at 5,000 nodes (measured), so it
    is only run on small parts: connected components are laid out apart and packed side by
    side; a large component is split into Louvain communities, each laid out on its own and
    placed by a spring layout of the community graph; a part that will not split is drawn as a
    sunflower spiral with its best-connected nodes in the middle."""
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in _place(graph).items()}


def _radius(size: int) -> float:
    return config()["layout_spacing"] * 0.6 * math.sqrt(size)


def _place(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    size = len(graph)
    if size <= config()["layout_leaf"]:
        return _spring(graph)
    components = [_induced(graph, c) for c in nx.connected_components(graph)]
    if len(components) > 1:
        return _pack([_place(c) for c in components])
    parts = nx.community.louvain_communities(graph, seed=SEED)
    if len(parts) == 1:
        return _sunflower(graph)
    return _arrange(graph, [sorted(p) for p in parts])


def _induced(graph: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """The subgraph on ``nodes``, nodes and edges in sorted order (``graph.subgraph`` may follow a
    set's order, which changes from run to run, and the layouts depend on the order)."""
    part = nx.Graph()
    part.add_nodes_from(sorted(nodes))
    part.add_edges_from(sorted(tuple(sorted(e)) for e in graph.subgraph(part.nodes).edges()))
    return part


def _spring(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold for a part; a ring for a handful of nodes (news graphs have many
    two- and three-entity fragments, and a spring layout costs ~2 ms each even so)."""
    if len(graph) <= 6:
        return _ring(graph)
    pos = nx.spring_layout(graph, seed=SEED, iterations=50, scale=_radius(len(graph)))
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _ring(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Nodes on a circle, neighbours ``layout_spacing`` apart."""
    radius = config()["layout_spacing"] / (2 * math.sin(math.pi / len(graph))) if len(graph) > 1 else 0.0
    return {n: (radius * math.cos(2 * math.pi * i / len(graph)), radius * math.sin(2 * math.pi * i / len(graph)))
            for i, n in enumerate(sorted(graph))}


def _sunflower(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Vogel's spiral, nodes by degree: evenly spread in a disc, hubs at the centre."""
    golden = math.pi * (3 - math.sqrt(5))
    ranked = sorted(graph, key=lambda n: (-graph.degree(n), n))
    step = config()["layout_spacing"] * 0.6
    return {n: (step * math.sqrt(i) * math.cos(i * golden), step * math.sqrt(i) * math.sin(i * golden))
            for i, n in enumerate(ranked)}


def _arrange(graph: nx.Graph, parts: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Lay out each community, then place them by a spring layout of the community graph."""
    index = {n: i for i, part in enumerate(parts) for n in part}
    between = nx.Graph()
    between.add_nodes_from(range(len(parts)))
    for s, o in graph.edges():
        if index[s] != index[o]:
            weight = between.get_edge_data(index[s], index[o], {"weight": 0})["weight"]
            between.add_edge(index[s], index[o], weight=weight + 1)
    centres = nx.spring_layout(between, seed=SEED, weight="weight", scale=1.4 * _radius(len(graph)))
    result = {}
    for i, part in enumerate(parts):
        cx, cy = centres[i]
        for n, (x, y) in _place(_induced(graph, part)).items():
            result[n] = (cx + x, cy + y)
    return result


def _pack(pieces: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Shelf packing of laid-out pieces (biggest first) into a roughly square block; a piece
    less than half the size of its row's first starts a new row, so fragments do not line up
    beside a large component."""
    pieces = sorted(pieces, key=lambda p: (-len(p), min(p)))
    sizes = [_radius(len(p)) + config()["layout_spacing"] / 2 for p in pieces]
    width = math.sqrt(sum((2 * r) ** 2 for r in sizes)) * 1.1
    result: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for piece, r in zip(pieces, sizes):
        if x > 0 and (x + 2 * r > width or 2 * r < row / 2):
            x, y, row = 0.0, y + row, 0.0
        for n, (px, py) in piece.items():
            result[n] = (x + r + px, y + r + py)
        x, row = x + 2 * r, max(row, 2 * r)
    return result
