"""``kg load``: the shards of a sharded build into one store, with the counts no shard can write."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.build import FINGERPRINT_FILE
from kg.errors import KGError
from kg.export import FORMATS
from kg.paths import DEFAULT_OUT
from kg.progress import COMPACTION_STEP, QUIET, SUMMARY_STEP, ConsoleProgress, Progress
from kg.staging import staged_build
from kg.store import STORE_DIRNAME
from kg.summary import refresh_summary

_QUAD_FORMATS = {suffix: rdf_format for rdf_format, suffix, quads in FORMATS.values() if quads}
"""N-Quads and TriG: the files of a shard that keep its named graphs."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load", help="load the shards of `kg build --shard` into one store and count its mentions",
        description="Load the graph.nq (or graph.trig) of shard builds (kg build --shard I/N) into a new store "
                    "in OUT, then write the summary the shards leave out because their counts do not add up "
                    "(kg:mentionCount, kg:articleCount, kg:forumCount and the kg:YearCount nodes; "
                    "kg/summary.py), so that kg query, stats, viz and export read the whole graph. The store "
                    "is replaced as a whole, at once when it is complete. A folder that holds the output of "
                    "kg build is refused: its Turtle, view and incremental state would not match the store.")
    p.add_argument("parts", nargs="+", type=Path, metavar="SHARD",
                   help="a shard's output folder (its graph.nq is read) or a .nq or .trig file")
    p.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the folder of the loaded store (default: out/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    articles, triples = load(args.parts, args.out, ConsoleProgress())
    print(f"loaded {len(args.parts)} shard(s): {articles} articles, {triples} triples with their counts "
          f"in {args.out / STORE_DIRNAME} ({time.perf_counter() - started:.2f} s)")
    return 0


def load(parts: list[Path], out_dir: Path, progress: Progress = QUIET) -> tuple[int, int]:
    """Replace ``out_dir``'s store by the union of the shard files ``parts`` and its summary;
    return how many articles and triples it holds. ``progress`` hears of each step."""
    files = [_shard_file(part) for part in parts]
    with staged_build(out_dir) as staging:
        if (out_dir / FINGERPRINT_FILE).exists():
            raise KGError(f"{out_dir} holds the output of kg build; load the shards into a folder of their own")
        store = staging.new_store(copy_published=False)
        for number, file in enumerate(files, 1):
            progress.step(f"loading shard {number}/{len(files)}: {file} ({file.stat().st_size / 2**20:,.0f} MB)")
            try:
                store.store.bulk_load(path=str(file), format=_QUAD_FORMATS[file.suffix.lower()])
            except SyntaxError as exc:
                raise KGError(f"{file}: not valid RDF: {exc}") from exc
        progress.step(SUMMARY_STEP)
        refresh_summary(store)
        progress.step(COMPACTION_STEP)
        store.compact()
        articles, triples = len(store.articles()), store.count()
        del store  # closes the new store: no reader may open a store a writer still holds
        staging.publish([])
    return articles, triples


def _shard_file(part: Path) -> Path:
    if not part.exists():
        raise KGError(f"{part}: no such file or folder")
    file = part / "graph.nq" if part.is_dir() else part
    if file.suffix.lower() not in _QUAD_FORMATS:
        raise KGError(f"{part}: expected a shard's folder or its graph.nq or graph.trig")
    if not file.is_file():
        raise KGError(f"{file}: no such file (build the shard with kg build --shard I/N -o {part})")
    return file
