"""Build: read → extract → map → store for a folder of articles, incrementally.

An article's named graph is rebuilt only when its file is new or its bytes changed; a file
that disappeared has its graph dropped; when the code or the data files (ontology, lexicon,
patterns) change, everything is rebuilt, since any article could now yield something else.
The result is the same graph a full rebuild gives.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.export import export, write_atomically
from kg.lexicon import load_lexicon
from kg.mapper import describe_entities
from kg.mapper.iris import entity_node, graph_node
from kg.paths import ONTOLOGY_DIR, ROOT
from kg.parallel import Job, Shard, process_all
from kg.reader import find_article_files
from kg.store import GraphStore
from kg.vocab import ENTITIES_GRAPH, KG_NS

FINGERPRINT_FILE = ".build-fingerprint"
Progress = Callable[[int, int, str], None]


@dataclass
class BuildReport:
    """What a build did, for the terminal summary and for tests."""

    read: int = 0
    added: int = 0
    replaced: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    full: bool = False


def fingerprint() -> str:
    """Hash of everything besides the articles that decides what a build produces."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    files = sorted(list(package.rglob("*.py")) + [p for p in ONTOLOGY_DIR.rglob("*") if p.is_file()])
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build(paths: Iterable[Path], out_dir: Path, *, full: bool = False, html: bool = True,
          progress: Progress | None = None, workers: int = 1, shard: Shard | None = None) -> BuildReport:
    """Build (or bring up to date) the graph of the articles under ``paths`` in ``out_dir``.

    ``workers`` processes read, extract and map articles (:mod:`kg.parallel`); the graph is the
    same for any number. With ``shard``, only the articles of that shard are built, and N-Quads
    are written for a production store to bulk-load beside the other shards.
    """
    started = time.perf_counter()
    report = BuildReport()
    files = list(find_article_files(paths))
    out_dir.mkdir(parents=True, exist_ok=True)
    store = GraphStore.open(out_dir, create=True)
    current = fingerprint()
    marker = out_dir / FINGERPRINT_FILE
    if full or not marker.exists() or marker.read_text().strip() != current:
        report.full = True
        store.store.clear()
    existing = store.articles()
    lexicon = load_lexicon()
    entities_graph = ox.NamedNode(ENTITIES_GRAPH)
    seen: dict[str, str] = {}
    summaries = []
    jobs: list[Job] = []
    for path in files:
        stem = path.stem
        if stem in seen:
            report.skipped.append((str(path), f"same file name as {seen[stem]}: article ids must be unique"))
            continue
        if shard is not None and not shard.holds(stem):
            continue
        if stem in existing:
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.skipped.append((str(path), f"cannot read ({exc.strerror})"))
                continue
            if existing[stem][0] == "sha256:" + hashlib.sha256(data).hexdigest():
                seen[stem] = str(path)
                report.unchanged += 1
                continue
        seen[stem] = str(path)
        jobs.append(Job(str(path), stem))
    if jobs:
        marker.unlink(missing_ok=True)  # bulk loads are not transactional: a crash now means a full rebuild
    with store.writer() as writer:
        for number, outcome in enumerate(process_all(jobs, workers=workers), 1):
            if progress:
                progress(number, len(jobs), outcome.path)
            if outcome.skipped is not None:
                report.skipped.append((outcome.path, outcome.skipped))
                continue
            report.read += 1
            report.warnings.extend(outcome.warnings)
            writer.replace(graph_node(outcome.stem), outcome.nquads)
            summaries.extend(outcome.summaries)
            if outcome.stem in existing:
                report.replaced += 1
            else:
                report.added += 1
    for stem, (_, graph) in existing.items():
        if stem not in seen:
            store.drop_graph(graph)
            report.removed += 1
    _refresh_entities(store, entities_graph, summaries, lexicon)
    store.flush()
    write_atomically(marker, current.encode())
    report.entities = store.type_counts()
    report.triples = store.count()
    # a shard is one part of a graph: no merged Turtle or view of its own, N-Quads for bulk loaders
    for name in ("graph.trig", "graph.nq") if shard else ("graph.ttl", "graph.trig"):
        report.outputs.append(export(store, out_dir / name))
    if html and shard is None:
        from kg.view import write_view
        report.outputs.append(write_view(store, out_dir / "graph.html"))
    report.seconds = time.perf_counter() - started
    return report


_MENTIONED = f"SELECT DISTINCT ?e WHERE {{ ?m <{KG_NS}denotes> ?e }}"


def _refresh_entities(store: GraphStore, graph: ox.NamedNode, summaries, lexicon) -> None:
    """Describe newly mentioned entities; forget those no article mentions any more."""
    mentioned = {row["e"].value for row in store.query(_MENTIONED)}
    described = {q.subject.value for q in store.store.quads_for_pattern(None, None, None, graph)}
    for iri in described - mentioned:
        for quad in list(store.store.quads_for_pattern(ox.NamedNode(iri), None, None, graph)):
            store.store.remove(quad)
    fresh = [s for s in summaries if entity_node(s.key).value not in described]
    store.store.extend(describe_entities(fresh, lexicon))


def print_progress(number: int, total: int, path: str) -> None:
    """A one-line progress note on stderr, refreshed in place on a terminal."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r[{number}/{total}] {Path(path).name[:60]:60s}")
        if number == total:
            sys.stderr.write("\n")
    elif number == total or number % 500 == 0:
        sys.stderr.write(f"[{number}/{total}] read\n")
