"""``kg build``: articles → graph (store, Turtle, TriG, HTML view) and a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.build import build, print_progress
from kg.errors import KGError
from kg.parallel import Shard, default_workers
from kg.paths import DEFAULT_OUT, SEEDS_DIR


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the graph from article files (default: seeds/ → out/)",
                       description="Read article files, extract entities and facts, and write the graph: "
                                   "an on-disk store, graph.ttl (merged), graph.trig (one named graph per "
                                   "article) and graph.html (network view). Only new or changed articles "
                                   "are processed again.")
    p.add_argument("paths", nargs="*", type=Path, help="article files or folders (default: seeds/)")
    p.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: out/)")
    p.add_argument("--full", action="store_true", help="rebuild every article, not only new or changed ones")
    p.add_argument("--no-html", action="store_true", help="do not write the HTML network view")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress, summary only")
    p.add_argument("-j", "--workers", type=int, default=1, metavar="N",
                   help="processes that read and extract articles (default 1; 0 = one per CPU); "
                        "the graph is the same for any number")
    p.add_argument("--shard", type=_shard, metavar="I/N",
                   help="build only shard I of N (1-based; articles chosen by a stable hash of the file "
                        "name) and write graph.trig and graph.nq for bulk loading beside the other shards")
    p.set_defaults(func=run)


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except KGError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--shard {text!r}: ")) from None


def run(args: argparse.Namespace) -> int:
    paths = args.paths or [SEEDS_DIR]
    if args.workers < 0:
        raise KGError("--workers must be 0 (one per CPU) or more")
    report = build(paths, args.out, full=args.full, html=not args.no_html,
                   progress=None if args.quiet else print_progress,
                   workers=args.workers or default_workers(), shard=args.shard)
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"articles: {report.added} added, {report.replaced} replaced, {report.removed} removed, "
          f"{report.unchanged} unchanged, {len(report.skipped)} skipped"
          + (" (full rebuild)" if report.full else ""))
    if report.entities:
        print("entities: " + ", ".join(f"{t} {n}" for t, n in sorted(report.entities.items())))
    print(f"triples: {report.triples}")
    print("wrote: " + ", ".join(str(p) for p in report.outputs))
    print(f"time: {report.seconds:.2f} s")
    return 0
