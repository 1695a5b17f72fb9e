"""Push: the built graph into a remote store through the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of the local store (one per article, plus ``graph/entities``) is sent with a
``PUT``, which replaces that graph on the server as a whole; with ``merged`` the union of all
of them goes into one graph (:data:`MERGED_GRAPH` unless told otherwise). A PUT is atomic per
graph on Virtuoso, so a graph whose PUT fails keeps what the store held before. A graph of more
than ``batch`` triples (the merged graph of a big build: 12 million triples for 10,000 articles)
is sent in parts, streamed from the store: the first part replaces the graph (``PUT``), the
others add to it (``POST``), so neither side holds the whole graph in memory or in one request;
if a later part fails, the report says the graph on the server is incomplete. Graphs an earlier
push left under the project's graph namespace that this push did not write are then deleted, so
the store holds exactly the built graph, either way.

Afterwards a ``COUNT`` query per graph on the SPARQL endpoint checks that the store holds as
many triples as were sent: a push is reported as done only when the store says so.
"""

from __future__ import annotations

import itertools
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import KGError
from kg.export import merged_triples
from kg.query import Endpoint, with_retries
from kg.store import GraphStore
from kg.vocab import GRAPH_NS

MERGED_GRAPH = GRAPH_NS.rstrip("/")
"""Where ``--merged`` puts the union: next to the article graphs, never one of them."""

_COUNT_BATCH = 200
DEFAULT_BATCH = 100_000
"""Triples a request (about 20 MB of N-Triples)."""
_OK = (200, 201, 204)


@dataclass
class GraphPush:
    """One graph of a push: its triples, why it was not stored (if so), what the store holds."""

    graph: str
    triples: int
    error: str | None = None
    stored: int | None = None
    partial: bool = False
    """Whether the failure came after a first part had replaced the graph on the server."""

    @property
    def verified(self) -> bool:
        return self.error is None and self.stored == self.triples


@dataclass
class PushReport:
    graphs: list[GraphPush] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unverified: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(g.verified for g in self.graphs)

    @property
    def sent(self) -> list[GraphPush]:
        return [g for g in self.graphs if g.error is None]


def _graphs(store: GraphStore, merged_graph: str | None) -> Iterator[tuple[str, Iterator[ox.Triple]]]:
    """(graph IRI, its triples, read lazily) for every graph to send."""
    if merged_graph is not None:
        yield merged_graph, merged_triples(store)
        return
    for graph in store.graph_names():
        yield graph.value, (q.triple for q in store.store.quads_for_pattern(None, None, None, graph))


def _graph_url(graph_store: str, graph: str) -> str:
    """The Graph Store Protocol's indirect identification: ``…?graph=<encoded IRI>``."""
    separator = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    return f"{graph_store}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _send(endpoint: Endpoint, opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> None:
    """One Graph Store request, retried while the server cannot be reached; HTTP errors raise."""
    def attempt() -> None:
        with opener.open(request, timeout=endpoint.timeout) as response:
            if response.status not in _OK:
                raise urllib.error.HTTPError(request.full_url, response.status, response.reason,
                                             response.headers, None)

    url = request.full_url.split("?", 1)[0]
    try:
        with_retries(attempt, what=url, retries=endpoint.retries)
    except TimeoutError as exc:
        raise KGError(f"{url}: no answer within {endpoint.timeout:g} s") from exc


def _failure(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        body = exc.read().decode("utf-8", "replace").strip() if exc.fp else ""
        return f"HTTP {exc.code} {exc.reason}" + (f": {body[:300]}" if body else "")
    return str(exc)


def _send_graph(endpoint: Endpoint, opener: urllib.request.OpenerDirector, graph_store: str, graph: str,
                triples: Iterator[ox.Triple], batch: int) -> tuple[GraphPush, bool]:
    """Send one graph in parts of ``batch`` triples (N-Triples, which every Turtle parser reads):
    ``PUT`` the first, ``POST`` the others. Also says whether the store could not be reached (then
    the push stops trying)."""
    sent = 0
    for number, part in enumerate(_parts(triples, batch)):
        body = ox.serialize(part, format=ox.RdfFormat.N_TRIPLES) or b""
        request = urllib.request.Request(_graph_url(graph_store, graph), data=body, method="POST" if number else "PUT",
                                         headers={"Content-Type": "text/turtle; charset=utf-8"})
        try:
            _send(endpoint, opener, request)
        except (urllib.error.HTTPError, KGError) as exc:
            error = _failure(exc)
            if number:
                error += f" (after {sent} triples: the graph on the server is incomplete)"
            return GraphPush(graph, sent, error, partial=number > 0), isinstance(exc, KGError)
        sent += len(part)
    return GraphPush(graph, sent), False


def _parts(triples: Iterator[ox.Triple], batch: int) -> Iterator[list[ox.Triple]]:
    """Lists of ``batch`` triples; one empty list for no triples (a PUT of nothing empties the graph)."""
    part = list(itertools.islice(triples, batch))
    yield part
    while part := list(itertools.islice(triples, batch)):
        yield part


def _delete(endpoint: Endpoint, opener: urllib.request.OpenerDirector, graph_store: str, graph: str) -> str | None:
    """DELETE one graph; one that is already gone (404) is no failure."""
    try:
        _send(endpoint, opener, urllib.request.Request(_graph_url(graph_store, graph), method="DELETE"))
    except urllib.error.HTTPError as exc:
        return None if exc.code == 404 else _failure(exc)
    except KGError as exc:
        return str(exc)
    return None


def _iri_list(graphs: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(g)) for g in graphs)


def _select(endpoint: Endpoint, text: str) -> list[ox.QuerySolution]:
    raw, media_type = endpoint.post_query(text, "SELECT")
    results_format = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
    solutions = ox.parse_query_results(raw, format=results_format)
    if not isinstance(solutions, ox.QuerySolutions):
        raise KGError(f"{endpoint.url} answered a SELECT with a boolean")
    return list(solutions)


def stored_counts(endpoint: Endpoint, graphs: list[str]) -> dict[str, int]:
    """Triples each graph holds on the server, by COUNT queries (graphs missing there: 0)."""
    counts = dict.fromkeys(graphs, 0)
    for start in range(0, len(graphs), _COUNT_BATCH):
        batch = graphs[start:start + _COUNT_BATCH]
        text = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {_iri_list(batch)} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        for row in _select(endpoint, text):
            counts[row["g"].value] = int(row["n"].value)
    return counts


def project_graphs(endpoint: Endpoint) -> list[str]:
    """The graphs on the server that belong to this project (the article graphs, the entities
    graph and the merged graph)."""
    text = (f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(STR(?g) = {ox.Literal(MERGED_GRAPH)} || STRSTARTS(STR(?g), {ox.Literal(GRAPH_NS)})) }}")
    return sorted(row["g"].value for row in _select(endpoint, text))


def push(store: GraphStore, endpoint: Endpoint, graph_store: str, *,
         merged_graph: str | None = None, batch: int = DEFAULT_BATCH) -> PushReport:
    """Replace the project's graphs on the server by the built ones (or by one merged graph),
    ``batch`` triples a request at most, then verify the counts; see the module docstring.
    Once the store cannot be reached, the remaining graphs are not tried."""
    started = time.perf_counter()
    report = PushReport()
    opener = endpoint.opener(graph_store)
    unreachable = False
    for graph, triples in _graphs(store, merged_graph):
        if unreachable:
            report.graphs.append(GraphPush(graph, 0, "not sent: the store could not be reached"))
            continue
        pushed, unreachable = _send_graph(endpoint, opener, graph_store, graph, triples, batch)
        report.graphs.append(pushed)
    if not report.graphs:
        raise KGError("the built graph is empty: nothing to push")
    try:
        if not any(g.error for g in report.graphs):
            _remove_stale(endpoint, opener, graph_store, report)
        counts = stored_counts(endpoint, [g.graph for g in report.graphs])
    except KGError as exc:
        report.unverified = str(exc)
    else:
        for g in report.graphs:
            g.stored = counts[g.graph]
    report.seconds = time.perf_counter() - started
    return report


def _remove_stale(endpoint: Endpoint, opener: urllib.request.OpenerDirector, graph_store: str,
                  report: PushReport) -> None:
    """DELETE the project graphs on the server that this push did not write."""
    pushed = {g.graph for g in report.graphs}
    for graph in project_graphs(endpoint):
        if graph in pushed:
            continue
        error = _delete(endpoint, opener, graph_store, graph)
        if error:
            report.graphs.append(GraphPush(graph, 0, f"could not delete what an earlier push left: {error}"))
        else:
            report.removed.append(graph)
