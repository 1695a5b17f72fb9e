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

from kg.errors import KGError
from kg.export import export, write_atomically
from kg.extractor import extract
from kg.lexicon import load_lexicon
from kg.mapper import describe_entities, map_article, summarise
from kg.mapper.iris import entity_node, graph_node
from kg.paths import ONTOLOGY_DIR, ROOT
from kg.reader import article_from_bytes, find_article_files
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
          progress: Progress | None = None) -> BuildReport:
    """Build (or bring up to date) the graph of the articles under ``paths`` in ``out_dir``."""
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
    for number, path in enumerate(files, 1):
        if progress:
            progress(number, len(files), str(path))
        stem = path.stem
        if stem in seen:
            report.skipped.append((str(path), f"same file name as {seen[stem]}: article ids must be unique"))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.skipped.append((str(path), f"cannot read ({exc.strerror})"))
            continue
        seen[stem] = str(path)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if stem in existing and existing[stem][0] == digest:
            report.unchanged += 1
            continue
        try:
            article = article_from_bytes(data, stem=stem, path=str(path))
        except KGError as exc:
            report.skipped.append((str(path), str(exc).split(": ", 1)[-1]))
            continue
        report.read += 1
        extraction = extract(article)
        report.warnings.extend(extraction.warnings)
        store.replace_graph(graph_node(stem), map_article(article, extraction))
        summaries.extend(summarise(extraction.entities.values()))
        if stem in existing:
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
    report.outputs.append(export(store, out_dir / "graph.ttl"))
    report.outputs.append(export(store, out_dir / "graph.trig"))
    if html:
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
