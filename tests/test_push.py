"""``kg push`` of a graph bigger than one request, against a Graph Store stub on loopback.

Virtuoso (``test_store_roundtrip.py``) shows that a merged graph sent in parts arrives whole and
answers every library query alike. Here, what only a stub can show: the parts are one PUT and
then POSTs of at most ``--batch`` triples, nothing is lost between them, and a part refused after
the first is reported as an incomplete graph, not as one the store kept.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.test_query import kg, seed_graph


class _GraphStore(BaseHTTPRequestHandler):
    """Records each request's method and triples; refuses the POST number ``refuse`` (1-based)."""

    requests: list[tuple[str, list[ox.Triple]]] = []
    refuse: int | None = None

    def _body(self) -> list[ox.Triple]:
        data = self.rfile.read(int(self.headers["Content-Length"]))
        return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]

    def do_PUT(self) -> None:  # noqa: N802 - the http.server API
        self.requests.append(("PUT", self._body()))
        self._answer(201)

    def do_POST(self) -> None:  # noqa: N802
        triples = self._body()
        posts = sum(method == "POST" for method, _ in self.requests) + 1
        if posts == self.refuse:
            self._answer(413)
            return
        self.requests.append(("POST", triples))
        self._answer(204)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def graph_store() -> Iterator[str]:
    _GraphStore.requests, _GraphStore.refuse = [], None
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GraphStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_graph(tmp_path_factory)


def _merged(seed_out: Path) -> set[ox.Triple]:
    from kg.export import merged_triples
    from kg.store import GraphStore

    return set(merged_triples(GraphStore.open(seed_out, read_only=True)))


def test_a_merged_graph_goes_in_parts_put_then_post(seed_out: Path, graph_store: str) -> None:
    run = kg("push", "--merged", "--batch", "1000", "--endpoint", "http://127.0.0.1:9/none", "--graph-store",
             graph_store, "-o", seed_out, "--retries", "0")
    methods = [method for method, _ in _GraphStore.requests]
    expected = _merged(seed_out)
    assert methods[0] == "PUT" and set(methods[1:]) == {"POST"}
    assert len(methods) == -(-len(expected) // 1000)
    assert all(len(triples) <= 1000 for _, triples in _GraphStore.requests)
    sent = [t for _, triples in _GraphStore.requests for t in triples]
    assert len(sent) == len(set(sent)) and set(sent) == expected
    assert f"sent {len(expected)} triples in 1 graph" in run.out
    assert "could not verify the counts" in run.err  # no SPARQL endpoint here: said, not hidden


def test_a_part_refused_after_the_first_is_an_incomplete_graph(seed_out: Path, graph_store: str) -> None:
    _GraphStore.refuse = 2
    run = kg("push", "--merged", "--batch", "1000", "--endpoint", "http://127.0.0.1:9/none", "--graph-store",
             graph_store, "-o", seed_out, "--retries", "0")
    assert run.code == 1
    assert "HTTP 413" in run.err and "after 2000 triples: the graph on the server is incomplete" in run.err
    assert "keeps what it held there before" not in run.err
    assert [method for method, _ in _GraphStore.requests] == ["PUT", "POST"]
