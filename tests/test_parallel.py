"""Parallel builds (``kg build --workers N``) give the graph of a one-process build, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.corpus import article_text
from kg.build import build
from kg.export import export
from kg.parallel import Shard, process_all
from kg.paths import SEEDS_DIR
from kg.reader import Source
from kg.store import GraphStore

GENERATED = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles and 50 generated ones (en, nl, vi)."""
    folder = tmp_path_factory.mktemp("corpus")
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    for number in range(GENERATED):
        stem, text, _ = article_text(number)
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    return folder


def _nquads(out: Path) -> bytes:
    return export(GraphStore.open(out, read_only=True), out / "graph.nq").read_bytes()


def test_two_workers_build_the_same_graph_as_one(corpus: Path, tmp_path: Path) -> None:
    one = build([corpus], tmp_path / "one", html=False, workers=1)
    two = build([corpus], tmp_path / "two", html=False, workers=2)
    assert one.added == two.added == GENERATED + 5 and not one.skipped and not two.skipped
    assert (one.triples, one.entities, one.warnings) == (two.triples, two.entities, two.warnings)
    nquads = _nquads(tmp_path / "one")
    assert sorted(nquads.splitlines()) == sorted(_nquads(tmp_path / "two").splitlines())
    # determinism: the exports are the same bytes, whatever order the graphs were loaded in
    assert nquads == _nquads(tmp_path / "two")
    for name in ("graph.trig", "graph.ttl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_outcomes_come_back_in_source_order_and_bad_sources_are_skipped(corpus: Path) -> None:
    files = sorted(corpus.glob("bench-*.txt"))[:3]
    sources = [Source(p.stem, str(p), p.read_bytes(), "text") for p in files]
    sources += [Source("blank", "blank.txt", b"  \n", "text"), Source("nul", "nul.txt", b"\x00\x01\x02", "text")]
    outcomes = list(process_all(sources, workers=2))
    assert [o.stem for o in outcomes] == [s.stem for s in sources]
    assert all(o.nquads and o.skipped is None for o in outcomes[:3])
    assert all(o.skipped and not o.nquads for o in outcomes[3:])


def test_shards_split_articles_by_a_stable_hash() -> None:
    stems = [f"article-{n}" for n in range(400)]
    shards = [Shard(i, 4) for i in range(1, 5)]
    held = [[s for s in stems if shard.holds(s)] for shard in shards]
    assert sorted(sum(held, [])) == sorted(stems)
    assert all(60 < len(h) < 140 for h in held)
    assert Shard.parse("2/4") == Shard(2, 4) and str(Shard(2, 4)) == "2/4"
    # the same on every machine and in every process (Python's own hash() is salted per process)
    assert Shard(2, 4).holds("000_d18b5ccdbd353e4f") and Shard(2, 4).holds("bench-000007-nl")


def test_kg_build_uses_every_cpu_for_a_big_build_only(corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --workers, ``kg build`` reads in one process per CPU from AUTO_PARALLEL_FROM
    articles to build (lowered here to the size of this corpus), in one process below."""
    import kg.build
    from kg.cli import main
    from kg.parallel import default_workers

    monkeypatch.setattr(kg.build, "AUTO_PARALLEL_FROM", GENERATED + 5)
    big = build([corpus], tmp_path / "big", html=False, workers=None)
    assert big.workers == default_workers()
    monkeypatch.setattr(kg.build, "AUTO_PARALLEL_FROM", GENERATED + 6)
    small = build([corpus], tmp_path / "small", html=False, workers=None)
    assert small.workers == 1
    assert _nquads(tmp_path / "big") == _nquads(tmp_path / "small")
    # and the command line leaves the choice to build() unless told
    seen: list[int | None] = []
    monkeypatch.setattr("kg.commands.build.build", lambda *a, **k: seen.append(k["workers"]) or big)
    for argv, expected in ((["build", "-q"], None), (["build", "-q", "-j", "0"], default_workers()),
                           (["build", "-q", "-j", "1"], 1)):
        assert main(argv) == 0
        assert seen.pop() == expected
