"""``kg build --shard i/n``: shards that together are the whole graph, and load into Virtuoso."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.corpus import article_text
from kg.build import build
from kg.cli import main
from kg.paths import SEEDS_DIR
from kg.store import GraphStore
from kg.summary import COUNT_NS
from kg.vocab import GRAPH_NS, KG_NS

GENERATED = 12
NO_MERGES = 100


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A full build of the seeds and 12 generated articles, and the same built as shards 1/2 and 2/2.

    Entity resolution across articles runs within one build, so shards built apart can only equal
    the full build where it merged nothing (docs/benchmarks.md, "Beyond one machine")."""
    root = tmp_path_factory.mktemp("shards")
    corpus = root / "corpus"
    corpus.mkdir()
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        shutil.copy(seed, corpus / seed.name)
    for number in range(GENERATED):
        stem, text, _ = article_text(number)
        (corpus / f"{stem}.txt").write_text(text, encoding="utf-8")
    # name merging across articles is off: a shard cannot merge with a name another shard holds
    report = build([corpus], root / "full", html=False, workers=2, merge_threshold=NO_MERGES)
    assert report.merges == 0
    parts = [root / "shard-1", root / "shard-2"]
    for index, out in enumerate(parts, 1):
        assert main(["build", str(corpus), "-o", str(out), "--shard", f"{index}/2", "-q", "--workers", "2",
                     "--merge-threshold", str(NO_MERGES)]) == 0
    return root / "full", parts


def _quads(path: Path) -> set[bytes]:
    return {line for line in path.read_bytes().splitlines() if line.strip()}


def _article_graphs(out: Path) -> set[str]:
    store = GraphStore.open(out, read_only=True)
    return {g.value for g in store.graph_names() if g.value != GRAPH_NS + "entities"}


def test_shards_partition_the_articles_and_their_union_is_the_full_graph(shards) -> None:
    full, parts = shards
    one, two = (_article_graphs(p) for p in parts)
    assert one and two and not one & two and one | two == _article_graphs(full)
    assert all((p / "graph.nq").exists() and (p / "graph.trig").exists() for p in parts)
    assert not any((p / "graph.ttl").exists() or (p / "graph.html").exists() for p in parts)
    union = _quads(parts[0] / "graph.nq") | _quads(parts[1] / "graph.nq")
    whole = {line for line in GraphStore.open(full, read_only=True).store.dump(format=ox.RdfFormat.N_QUADS).splitlines()
             if line}
    assert union == {line for line in whole if not _is_count(line)}
    assert not any(_is_count(line) for line in union)


COUNTS = tuple(f"<{KG_NS}{name}>".encode() for name in ("mentionCount", "articleCount", "forumCount"))


def _is_count(line: bytes) -> bool:
    """A statistic of the whole graph (kg/summary.py): shards do not write them, since the counts of
    several shards do not add up to the whole graph's; a store loaded from shards computes them once."""
    return line.startswith(f"<{COUNT_NS}".encode()) or line.split(b" ", 2)[1] in COUNTS


def _dump(out: Path) -> set[bytes]:
    return set(GraphStore.open(out, read_only=True).store.dump(format=ox.RdfFormat.N_QUADS).splitlines())


def test_kg_load_makes_the_shards_one_store_equal_to_the_full_build_counts_included(shards, tmp_path: Path) -> None:
    full, parts = shards
    whole = _dump(full)
    loaded = tmp_path / "loaded"
    # a shard's folder (its graph.nq) and a shard's TriG
    assert main(["load", str(parts[0]), str(parts[1] / "graph.trig"), "-o", str(loaded)]) == 0
    assert _dump(loaded) == whole
    assert sum(_is_count(line) for line in whole) > 100  # the mention, article, forum and year counts
    # the folder of a build keeps its store: its Turtle and view would not match the shards'
    assert main(["load", str(parts[0]), "-o", str(full)]) == 2
    assert _dump(full) == whole


@pytest.mark.component
def test_virtuoso_bulk_loads_the_shards_to_the_full_graph(shards, tmp_path: Path) -> None:
    """ld_dir + rdf_loader_run over the shard files gives the full build's triple count.

    A Virtuoso of its own, not the session's: the shards carry the project's real graph IRIs,
    which other tests may load too.
    """
    from tests.support.virtuoso import VirtuosoServer

    full, parts = shards
    load_dir = tmp_path / "load"
    load_dir.mkdir()
    for index, part in enumerate(parts, 1):
        shutil.copy(part / "graph.nq", load_dir / f"shard-{index}-of-2.nq")
    with VirtuosoServer() as virtuoso:
        # N-Quads keep their graphs; the fallback graph must still be given: Virtuoso 7.2's
        # ld_dir registers no file at all when it is NULL
        assert virtuoso.bulk_load(load_dir, "urn:kg:test:no-graph", pattern="*.nq") == 2
        in_graphs = f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH_NS}"))'
        quads = virtuoso.sparql_select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {in_graphs} }}")
        graphs = virtuoso.sparql_select(f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ {in_graphs} }}")
    whole = GraphStore.open(full, read_only=True).store.dump(format=ox.RdfFormat.N_QUADS).splitlines()
    assert int(quads[0]["n"]["value"]) == sum(1 for line in whole if line and not _is_count(line))
    assert int(graphs[0]["n"]["value"]) == len(_article_graphs(full)) + 1
