"""Build: read → extract → map → store for a folder of articles, incrementally.

An article's named graph is rebuilt only when its file is new or its bytes changed; a file
that disappeared has its graph dropped; when the code or the data files (ontology, lexicon,
patterns) change, everything is rebuilt, since any article could now yield something else.
The result is the same graph a full rebuild gives.

Bad input never stops a build: an input that gives no article (empty, binary, too large,
unreadable, invalid, a second copy of another article's bytes, a second article with the same
id) is one :class:`~kg.reader.Skipped` in the report, and the build goes on. Nothing is written
where readers look until the build is complete (:mod:`kg.staging`), so a build interrupted in
any way leaves the previous graph and store as they were.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.export import INDEX_FILE, BlockFiles, article_blocks, write_atomically
from kg.lexicon import load_lexicon
from kg.mapper import EntitySummary, describe_entities
from kg.mapper.iris import entity_ref, graph_node
from kg.mapper.resolve import DEFAULT_THRESHOLD, Resolver, apply_merges, merged_summaries
from kg.parallel import Shard, default_workers, process_all
from kg.paths import ONTOLOGY_DIR, ROOT
from kg.progress import COMPACTION_STEP, QUIET, SUMMARY_STEP, Progress
from kg.reader import DEFAULT_MAX_BYTES, Skipped, Source, find_article_files, read_sources
from kg.staging import staged_build
from kg.store import GraphStore
from kg.summary import COUNT_NS, refresh_summary
from kg.vocab import ENTITIES_GRAPH, KG_NS

FINGERPRINT_FILE = ".build-fingerprint"
COMPACT_SHARE = 10
"""An incremental build compacts the store when it adds, replaces or removes at least one
article in ``COMPACT_SHARE``; a full build always does."""

AUTO_PARALLEL_FROM = 500
"""Articles to build from which ``workers=None`` (``kg build`` without ``--workers``) starts one
process per CPU. Below, starting them (each loads the language models) costs about what they save:
100 and 300 generated articles took the same time with one worker and with two (3.5-8 s either
way, the host's noise), 1,000 took 20 s with two against about 26 with one, 10,000 235 s against 299."""

STORE_BYTES_PER_INPUT_BYTE = 80
EXPORT_BYTES_PER_INPUT_BYTE = 35
"""Disk a build takes for each byte of article text, measured on generated news (100,000
articles, 417 MB: the store peaked at 32 GB before its final compaction, graph.ttl and graph.trig
took 14.4 GB). :func:`check_disk` refuses a build that would run out of space hours in."""


@dataclass
class BuildReport:
    """What a build did, for the terminal summary and for tests."""

    read: int = 0
    added: int = 0
    replaced: int = 0
    removed: int = 0
    unchanged: int = 0
    merges: int = 0
    """New entities taken for known ones of the same type (see :mod:`kg.mapper.resolve`)."""
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    """Wall seconds of the build's steps, in order (where the time of a big build goes)."""
    outputs: list[Path] = field(default_factory=list)
    full: bool = False
    workers: int = 1
    """The processes that read and extracted the articles."""


_GRAPH_CODE = ("reader", "extractor", "mapper", "build.py", "parallel.py", "export.py", "store.py",
               "summary.py", "dates.py", "lexicon.py", "vocab.py", "datafiles.py", "paths.py")
"""The parts of the package that decide what a build writes (the query, view and command code
does not: changing it must not rebuild a corpus)."""


def fingerprinted_files() -> list[Path]:
    """The code and data files whose bytes the build fingerprint covers."""
    package = Path(__file__).resolve().parent
    code = [p for part in _GRAPH_CODE for p in ((package / part).rglob("*.py") if (package / part).is_dir()
                                                 else [package / part])]
    return sorted(code + [p for p in ONTOLOGY_DIR.rglob("*") if p.is_file()])


def fingerprint() -> str:
    """Hash of everything besides the articles that decides the graph and the exported files."""
    digest = hashlib.sha256()
    for path in fingerprinted_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build(paths: Iterable[Path], out_dir: Path, *, full: bool = False, html: bool = True,
          progress: Progress = QUIET, workers: int | None = 1, shard: Shard | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES, merge_threshold: float = DEFAULT_THRESHOLD,
          disk_check: bool = True) -> BuildReport:
    """Build (or bring up to date) the graph of the articles under ``paths`` in ``out_dir``.

    ``workers`` processes read, extract and map articles (:mod:`kg.parallel`); the graph is the
    same for any number. ``None`` chooses: one per CPU for :data:`AUTO_PARALLEL_FROM` articles to
    build or more, else one (in this process). With ``shard``, only the articles of that shard are built, and N-Quads
    are written for a production store to bulk-load beside the other shards. A file (or JSON
    Lines record) over ``max_bytes`` is skipped. New entities of one type whose names are at
    least ``merge_threshold`` similar (0–100) become one (:mod:`kg.mapper.resolve`). Unless
    ``disk_check`` is false, a build that would not fit on the disk stops before it starts
    (:func:`check_disk`).
    """
    started = time.perf_counter()
    report = BuildReport()

    def lap(step: str) -> None:
        """Record the wall time since the previous step as ``step``'s."""
        report.phases[step] = time.perf_counter() - started - sum(report.phases.values())

    files = list(find_article_files(paths))
    with staged_build(out_dir) as staging:
        current = f"{fingerprint()} merge>={merge_threshold}"
        marker = out_dir / FINGERPRINT_FILE
        incremental = not full and marker.exists() and marker.read_text().strip() == current
        try:
            store = staging.new_store(copy_published=incremental)
        except KGError as exc:
            report.warnings.append(f"{exc}; rebuilding every article")
            incremental, store = False, staging.new_store(copy_published=False)
        report.full = not incremental
        existing = store.articles()
        lexicon = load_lexicon()
        order, todo = _survey(files, existing, shard, max_bytes, report)
        if disk_check:  # a shard exports its share of the articles
            sizes = {path: path.stat().st_size for path in files}
            check_disk(out_dir, sum(sizes[path] for path in todo), sum(sizes.values()) // (shard.count if shard else 1))
        lap("survey")
        names = ["graph.trig", "graph.nq"] if shard else ["graph.ttl", "graph.trig"]
        exports = BlockFiles(staging.dir, out_dir, names, list(order), set(existing), store)
        resolver = Resolver.from_store(store.store, lexicon, merge_threshold)
        summaries: dict[str, EntitySummary] = {}
        total = sum(map(len, todo.values()))
        if workers is None:
            workers = default_workers() if total >= AUTO_PARALLEL_FROM else 1
        report.workers = workers
        # one worker loads between articles (profiling, shared machines); more load in the background
        with store.writer(background=workers > 1) as writer:
            outcomes = process_all(_reread(todo, max_bytes), workers=workers, exports=tuple(names))
            for number, outcome in enumerate(outcomes, 1):
                progress.article(number, total, outcome.path)
                if outcome.skipped is not None:
                    report.skipped.append(outcome.skipped)
                    continue
                report.read += 1
                report.warnings.extend(outcome.warnings)
                if not outcome.summaries:
                    report.warnings.append(f"{outcome.path}: no entity found; the article is kept")
                merges = resolver.resolve(outcome.summaries)
                report.merges += len(merges)
                nquads, blocks = outcome.nquads, outcome.blocks
                if merges:
                    nquads = apply_merges(outcome.stem, nquads, merges)
                    blocks = article_blocks(nquads, names)
                writer.replace(graph_node(outcome.stem), nquads)
                exports.add(outcome.stem, blocks)
                for summary in merged_summaries(outcome.summaries, merges):
                    _remember(summaries, summary)
                if outcome.stem in existing:
                    report.replaced += 1
                else:
                    report.added += 1
        for stem, (_, graph) in existing.items():
            if stem not in order:
                store.drop_graph(graph)
                report.removed += 1
        lap("articles")
        progress.step(f"entities: the entities graph, for the {len(summaries):,} entities of the articles read")
        _refresh_entities(store, ox.NamedNode(ENTITIES_GRAPH), summaries.values(), lexicon)
        lap("entities")
        progress.step(SUMMARY_STEP)
        refresh_summary(store, counts=shard is None)
        lap("summary")
        # Compacted last: RocksDB compacts the files the bulk loads left in the background
        # meanwhile. Compacting first made a 100,000-article build 240 s slower (the flush
        # waited 247 s for those compactions, then optimize took 548 s, against 361 s here).
        # A small incremental build leaves its few new files as they are: compacting would
        # rewrite the whole store (6 minutes and 21 GB at 100,000 articles) for them.
        if not incremental or COMPACT_SHARE * (report.added + report.replaced + report.removed) >= len(order):
            progress.step(COMPACTION_STEP)
            store.compact()
            lap("compaction")
        else:
            store.flush()
        report.entities = store.type_counts()
        report.triples = store.count()
        lap("counts")
        progress.step("exports: " + ", ".join(names))
        # a shard is one part of a graph: no merged Turtle or view of its own, N-Quads for bulk loaders
        exports.finish(staging.path(INDEX_FILE))
        lap("exports")
        if html and shard is None:
            from kg.view import write_view
            progress.step("view: graph.html")
            write_view(store, staging.path("graph.html"))
            names.append("graph.html")
            lap("view")
        write_atomically(staging.path(FINGERPRINT_FILE), current.encode())
        del writer, store, exports  # closes the new store: no reader may open a store a writer still holds
        staging.publish([*names, INDEX_FILE, FINGERPRINT_FILE])
        report.outputs = [out_dir / name for name in names]
    lap("publish")
    report.seconds = sum(report.phases.values())
    return report


def check_disk(out_dir: Path, new_bytes: int, all_bytes: int) -> None:
    """Stop with a clear error when the free space where ``out_dir`` is looks too small for a
    build of articles of ``new_bytes`` to (re)build among ``all_bytes``: the store grows with the
    new ones, the exported files are written anew for all of them."""
    need = STORE_BYTES_PER_INPUT_BYTE * new_bytes + EXPORT_BYTES_PER_INPUT_BYTE * all_bytes
    free = shutil.disk_usage(out_dir).free
    if free < need:
        raise KGError(f"not enough free disk for {out_dir}: this build needs about {_bytes(need)} (the store "
                      f"takes up to {STORE_BYTES_PER_INPUT_BYTE}× the size of the articles it adds, graph.ttl and "
                      f"graph.trig {EXPORT_BYTES_PER_INPUT_BYTE}× the size of all of them) and {_bytes(free)} "
                      "are free; free some space or build into another --out (--no-disk-check builds anyway)")


def _bytes(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def _survey(files: list[Path], existing: dict[str, tuple[str, ox.NamedNode]], shard: Shard | None,
            max_bytes: int, report: BuildReport) -> tuple[dict[str, str], dict[Path, dict[str, str]]]:
    """Every article the new graph holds (id → where it was found, in file order), and the new
    or changed ones by file (id → hash).

    Only ids and hashes are kept: the bytes of the articles to build are read again when a
    worker is ready for them, so memory does not grow with the corpus.
    """
    where: dict[str, str] = {}
    copies: dict[str, str] = {}
    todo: dict[Path, dict[str, str]] = {}
    for path in files:
        for item in read_sources(path, max_bytes=max_bytes):
            if isinstance(item, Skipped):
                report.skipped.append(item)
                continue
            stem, digest = item.stem, item.content_hash
            if stem in where:
                report.skipped.append(Skipped(item.path, "same id", f"same article id as {where[stem]}: "
                                                                    "article ids must be unique"))
                continue
            if digest in copies:
                report.skipped.append(Skipped(item.path, "duplicate", f"same bytes as {copies[digest]}"))
                continue
            copies[digest] = item.path
            if shard is not None and not shard.holds(stem):
                continue
            where[stem] = item.path
            if stem in existing and existing[stem][0] == digest:
                report.unchanged += 1
            else:
                todo.setdefault(path, {})[stem] = digest
    return where, todo


def _reread(todo: dict[Path, dict[str, str]], max_bytes: int) -> Iterator[Source]:
    """The sources of the articles to build (id → hash by file), read again, in file order."""
    for path, wanted in todo.items():
        for item in read_sources(path, max_bytes=max_bytes):
            if isinstance(item, Source) and wanted.get(item.stem) == item.content_hash:
                del wanted[item.stem]
                yield item


def _remember(summaries: dict[str, EntitySummary], summary: EntitySummary) -> None:
    """Keep one summary an entity: the first, unless a later one comes from the lexicon."""
    known = summaries.get(summary.key)
    if known is None or (summary.from_lexicon and not known.from_lexicon):
        summaries[summary.key] = summary


_MENTIONED = f"SELECT DISTINCT ?e WHERE {{ ?m <{KG_NS}denotes> ?e }}"


def _refresh_entities(store: GraphStore, graph: ox.NamedNode, summaries, lexicon) -> None:
    """Describe newly mentioned entities; forget those no article mentions any more. The summary's
    count nodes (``…/count/``) are no entities: :func:`refresh_summary` keeps them."""
    mentioned = {row["e"].value for row in store.query(_MENTIONED)}
    described = {q.subject.value for q in store.store.quads_for_pattern(None, None, None, graph)
                 if not q.subject.value.startswith(COUNT_NS)}
    for iri in described - mentioned:
        for quad in list(store.store.quads_for_pattern(ox.NamedNode(iri), None, None, graph)):
            store.store.remove(quad)
    fresh = [s for s in summaries if entity_ref(s.key) not in described]
    # the bulk loader: in one transaction a quad cost 13 µs among 140,000 and 20 among 560,000,
    # more the bigger it grows; the build writes into a store version it publishes when complete
    store.store.bulk_extend(describe_entities(fresh, lexicon))

