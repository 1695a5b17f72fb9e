"""``kg build``: articles → graph (store, Turtle, TriG, HTML view) and a summary."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from kg.build import (AUTO_PARALLEL_FROM, EXPORT_BYTES_PER_INPUT_BYTE, STORE_BYTES_PER_INPUT_BYTE, BuildReport,
                      build)
from kg.errors import KGError
from kg.mapper.resolve import DEFAULT_THRESHOLD
from kg.parallel import Shard, default_workers
from kg.paths import DEFAULT_OUT, SEEDS_DIR
from kg.progress import QUIET, ConsoleProgress
from kg.reader import DEFAULT_MAX_BYTES
from kg.vocab import TOP_TYPES, top_type_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the graph from article files (default: seeds/ → out/)",
                       description="Read article files, extract entities and facts, and write the graph: "
                                   "an on-disk store, graph.ttl (merged), graph.trig (one named graph per "
                                   "article) and graph.html (network view). Only new or changed articles "
                                   "are processed again. A file that is no article (empty, binary, too "
                                   "large, unreadable, a copy) is reported with its reason and skipped; an "
                                   "interrupted build leaves the previous output as it was.")
    p.add_argument("paths", nargs="*", type=Path,
                   help="article files or folders, read recursively: text (.txt .md, any encoding), HTML pages "
                        "(.html .htm) and JSON Lines (.jsonl, one {\"text\": …} article a line) "
                        "(default: seeds/)")
    p.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: out/)")
    p.add_argument("--full", action="store_true", help="rebuild every article, not only new or changed ones")
    p.add_argument("--no-html", action="store_true", help="do not write the HTML network view")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress, summary only")
    p.add_argument("-j", "--workers", type=int, metavar="N",
                   help="processes that read and extract articles (default: one per CPU when there are "
                        f"{AUTO_PARALLEL_FROM} articles to build or more, else 1, in this process; 0 = one per "
                        "CPU; with 2 or more the store is loaded in the background); the graph is the same for "
                        "any number")
    p.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"skip any file or JSON Lines record larger than N bytes (default {DEFAULT_MAX_BYTES:,})")
    p.add_argument("--merge-threshold", type=_score, default=DEFAULT_THRESHOLD, metavar="SCORE",
                   help="how similar (0-100) two new names of one type must be to be one entity "
                        f"(default: {DEFAULT_THRESHOLD:g}; each merge is recorded as a kg:EntityResolution)")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when any input was skipped (the good articles are still built)")
    p.add_argument("--shard", type=_shard, metavar="I/N",
                   help="build only shard I of N (1-based; articles chosen by a stable hash of the file "
                        "name) and write graph.trig and graph.nq for bulk loading beside the other shards")
    p.add_argument("--no-disk-check", action="store_true",
                   help="build even when the free disk looks too small (by default a build stops before it "
                        f"starts when it would need more than is free: about {STORE_BYTES_PER_INPUT_BYTE}× the "
                        f"size of the articles it adds and {EXPORT_BYTES_PER_INPUT_BYTE}× that of all of them)")
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of bytes, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except KGError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--shard {text!r}: ")) from None


def run(args: argparse.Namespace) -> int:
    paths = args.paths or [SEEDS_DIR]
    if args.workers is not None and args.workers < 0:
        raise KGError("--workers must be 0 (one per CPU) or more")
    report = build(paths, args.out, full=args.full, html=not args.no_html,
                   progress=QUIET if args.quiet else ConsoleProgress(),
                   workers=default_workers() if args.workers == 0 else args.workers, shard=args.shard,
                   max_bytes=args.max_bytes,
                   merge_threshold=args.merge_threshold, disk_check=not args.no_disk_check)
    for skip in report.skipped:
        print(f"skipped {skip.path}: {skip.reason}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"articles: {report.added} added, {report.replaced} replaced, {report.removed} removed, "
          f"{report.unchanged} unchanged, {len(report.skipped)} skipped" + _reasons(report)
          + (f"; {report.merges} name(s) merged into known entities" if report.merges else "")
          + (" (full rebuild)" if report.full else "")
          + (f"; read by {report.workers} worker processes" if report.workers > 1 else ""))
    if report.entities:
        print("entities: " + ", ".join(f"{t} {n}" for t, n in per_top_type(report.entities).items()))
    print(f"triples: {report.triples}")
    print("wrote: " + ", ".join(str(p) for p in report.outputs))
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in report.phases.items())
    print(f"time: {report.seconds:.2f} s ({steps})")
    if args.strict and report.skipped:
        print(f"kg: error: {len(report.skipped)} input(s) skipped (--strict)", file=sys.stderr)
        return 1
    return 0


def _reasons(report: BuildReport) -> str:
    """" (2 empty, 1 too large)": the skips counted by kind."""
    counts = Counter(skip.kind for skip in report.skipped)
    return " (" + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) + ")" if counts else ""


def per_top_type(counts: dict[str, int]) -> dict[str, int]:
    """Counts per class folded into the nine top types, in the ontology's order."""
    tops = top_type_of()
    folded = {t: 0 for t in TOP_TYPES}
    for cls, n in counts.items():
        if cls in tops and cls != "ForumSeries":
            folded[tops[cls]] += n
    return {t: n for t, n in folded.items() if n}


def _score(text: str) -> float:
    """A similarity from 0 to 100, for argparse."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 100")
    return value
