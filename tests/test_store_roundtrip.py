"""A real triple-store round trip: the seed graph pushed into a private Virtuoso and queried
back, and the exported files read by an independent parser (Apache Jena's riot).

Every query of the library must give on Virtuoso exactly the rows it gives on the local store,
whether the graph was pushed one graph per article or merged into one. These tests drive real
components and never skip: a missing one fails with the way to install it.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_query import HOSTILE, LIBRARY, answer_args, kg, rows, same_answer, seed_graph, triple_count

pytestmark = pytest.mark.component

GRAPH_NS = "https://w3id.org/cn-asean-kg/graph/"


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_graph(tmp_path_factory)


@pytest.fixture(scope="module")
def store(seed_out: Path) -> Iterator:
    """A private Virtuoso for this module, holding the seed graph pushed one graph per article,
    with the push credentials in the environment (the only place kg reads them from)."""
    from tests.support.virtuoso import VirtuosoServer

    with VirtuosoServer() as server, pytest.MonkeyPatch.context() as env:
        env.setenv("KG_ENDPOINT_USER", server.user)
        env.setenv("KG_ENDPOINT_PASSWORD", server.password)
        env.delenv("KG_ENDPOINT_AUTH", raising=False)
        run = push(server, seed_out)
        assert run.code == 0, run.out + run.err
        yield server


def push(server, seed_out: Path, *extra: str):
    return kg("push", "--endpoint", server.sparql_url, "--graph-store", server.graph_store_url,
              "-o", seed_out, "--timeout", "120", *extra)


def graph_counts(server) -> dict[str, int]:
    """Triples per project graph on the server."""
    run = kg("query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                      "FILTER(STRSTARTS(STR(?g), \"https://w3id.org/cn-asean-kg/graph\")) } GROUP BY ?g",
             "-f", "json", "--endpoint", server.sparql_url)
    assert run.code == 0, run.err
    return {row[0][1]: int(row[1][1]) for row in rows(run.out)[1]}


def local_graph_counts(seed_out: Path) -> dict[str, int]:
    run = kg("query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "-f", "json",
             "-o", seed_out)
    return {row[0][1]: int(row[1][1]) for row in rows(run.out)[1]}


def test_push_sends_every_graph_and_verifies_the_counts(store, seed_out: Path) -> None:
    local = local_graph_counts(seed_out)
    assert graph_counts(store) == local
    assert sum(local.values()) == triple_count("-o", seed_out)
    # pushing again replaces each graph: nothing doubles
    run = push(store, seed_out)
    assert run.code == 0, run.err
    total = sum(local.values())
    assert f"sent {total} triples in {len(local)} graphs" in run.out
    assert f"verified with COUNT on {store.sparql_url}: {total} triples in {len(local)} of {len(local)} graphs" in run.out
    assert graph_counts(store) == local


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_library_query_gives_the_same_rows_on_virtuoso(store, seed_out: Path, name: str) -> None:
    local = kg(*answer_args(name), "-o", seed_out)
    remote = kg(*answer_args(name), "--endpoint", store.sparql_url, "--timeout", "60")
    assert local.code == 0 and remote.code == 0, local.err + remote.err
    same_answer(name, local.out, remote.out)


def test_merged_push_replaces_the_article_graphs_and_answers_the_same(store, seed_out: Path) -> None:
    """Sent in parts of 1,000 triples (a PUT, then POSTs), as a big build's merged graph is."""
    local = local_graph_counts(seed_out)
    try:
        run = push(store, seed_out, "--merged", "--batch", "1000")
        assert run.code == 0, run.err
        counts = graph_counts(store)
        assert list(counts) == ["https://w3id.org/cn-asean-kg/graph"]
        assert f"removed {GRAPH_NS}entities (an earlier push left it)" in run.out
        distinct = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                      "-f", "csv", "-o", seed_out)
        assert counts["https://w3id.org/cn-asean-kg/graph"] == int(distinct.out.split()[1])
        for name in sorted(LIBRARY):
            answers = [kg(*answer_args(name), *where) for where in (("-o", seed_out),
                                                                     ("--endpoint", store.sparql_url))]
            assert all(a.code == 0 for a in answers), answers[0].err + answers[1].err
            same_answer(name, answers[0].out, answers[1].out)
    finally:
        run = push(store, seed_out)
        assert run.code == 0, run.err
    assert graph_counts(store) == local


def test_a_failed_push_says_what_failed_and_keeps_the_previous_state(store, seed_out: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = graph_counts(store)
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "wrong")
    run = push(store, seed_out)
    assert run.code == 1
    for graph, count in before.items():
        assert re.search(rf"failed: {re.escape(graph)}: HTTP 401 .*held there before \({count} triples\)", run.err), run.err
    assert "verified with COUNT" in run.out and f"0 of {len(before)} graphs" in run.out
    assert graph_counts(store) == before

    # a PUT that fails part-way (the body breaks off mid-document) leaves that graph as it was:
    # the property kg push relies on
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", store.password)
    graph = GRAPH_NS + "entities"
    broken = b'<urn:x:a> <urn:x:b> "one" .\n<urn:x:a> <urn:x:b> "unterminated .\n'
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, store.graph_store_url, store.user, store.password)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    request = urllib.request.Request(f"{store.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}",
                                     data=broken, method="PUT", headers={"Content-Type": "text/turtle"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=60)
    assert 400 <= refused.value.code < 600
    assert graph_counts(store) == before


def test_unreachable_store_is_reported(seed_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_query import free_port

    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.delenv("KG_ENDPOINT_USER", raising=False)
    run = kg("push", "--endpoint", f"{url}/sparql", "--graph-store", f"{url}/gsp", "-o", seed_out, "--retries", "0")
    assert run.code != 0
    assert "no answer after 1 attempt" in run.err and "refused" in run.err.lower(), run.err


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameter_values_change_nothing_on_virtuoso(store, value: str) -> None:
    before = graph_counts(store)
    for name, param in (("mentions", "entity"), ("find-entity", "text"), ("figures", "about")):
        run = kg("query", name, "--param", f"{param}={value}", "-f", "json", "--endpoint", store.sparql_url)
        assert run.code == 0, run.err
        assert rows(run.out)[1] == [], (name, value)
    assert graph_counts(store) == before


@pytest.mark.parametrize("export", ["graph.ttl", "graph.trig"])
def test_exports_pass_jena_riot_validate(seed_out: Path, export: str) -> None:
    from tests.support.jena import riot_validate

    proc = riot_validate(seed_out / export)
    assert proc.returncode == 0, proc.stderr
