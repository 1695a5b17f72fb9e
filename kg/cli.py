"""The ``kg`` command: one sub-command per module in :mod:`kg.commands`.

Each command module exposes ``register(subparsers)`` which adds its parser and sets
``func``. A user mistake (:class:`KGError`) is one line on stderr and a non-zero exit code;
a traceback means a bug.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kg import __version__
from kg.errors import KGError

COMMANDS = ("build", "load", "query", "viz", "stats", "export", "validate", "evaluate", "push", "serve")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="kg",
        description="Build an RDF knowledge graph of China–ASEAN cooperation from news articles "
                    "(Dutch, English, Vietnamese), then query, view, validate and export it.",
        epilog="Run `kg COMMAND --help` for a command's options.")
    root.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"kg.commands.{name}").register(sub)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KGError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
