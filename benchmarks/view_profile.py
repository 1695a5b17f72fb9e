"""Where the network view of a built store spends its time and its bytes.

    python benchmarks/view_profile.py OUT [--max-nodes 1000] [--html PAGE]

Renders the page of the ``--max-nodes`` most central entities of ``OUT/store`` (opened
read-only) as ``kg viz`` does, and prints the wall time of each step of ``view_data``
(several run side by side, so their sum exceeds the whole), each store query by the function
that sent it, and the page's bytes by part (per tooltip field, summed over the nodes; edges'
evidence; the article table), with the heaviest tooltips. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.store import GraphStore  # noqa: E402
import kg.view  # noqa: E402

STEPS = ("load_catalogue", "select_articles", "choose", "load_links", "cap", "describe_nodes", "load_statements",
         "load_anchors", "load_mentions", "load_figures", "load_evidence", "communities", "layout", "render")
_lock = threading.Lock()
spent: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)


def timed_step(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            with _lock:
                spent[name] += time.perf_counter() - started
                calls[name] += 1
    return wrapper


def instrument() -> None:
    """Wrap the steps wherever the view's modules look them up, and time every store query
    (sending and reading its rows) under the function that sent it and what it selects."""
    modules = [m for n, m in sys.modules.items() if n == "kg.view" or n.startswith("kg.view.")]
    for name in STEPS:
        originals = {getattr(m, name) for m in modules if callable(getattr(m, name, None))}
        for original in originals:
            wrapper = timed_step(name, original)
            for module in modules:
                if getattr(module, name, None) is original:
                    setattr(module, name, wrapper)
    query = GraphStore.query

    def timed_query(self: GraphStore, sparql: str, **kwargs: Any) -> Iterator[Any]:
        caller = sys._getframe(1).f_code.co_name
        selected = re.search(r"SELECT\s+(.*?)\s+WHERE", sparql, re.S)
        key = f"query from {caller}: {' '.join(selected.group(1).split())[:50] if selected else '?'}"
        started = time.perf_counter()
        rows = list(query(self, sparql, **kwargs))
        with _lock:
            spent[key] += time.perf_counter() - started
            calls[key] += 1
        return iter(rows)

    GraphStore.query = timed_query  # type: ignore[method-assign]


def size(value: Any) -> int:
    return len(kg.view.embed_json(value).encode("utf-8"))


def byte_parts(data: dict[str, Any]) -> dict[str, int]:
    parts: dict[str, int] = defaultdict(int)
    for node in data["nodes"]:
        for key, value in node.items():
            parts[f"node {key}"] += size(value)
    for edge in data["edges"]:
        parts["edge evidence"] += size(edge[3])
        parts["edge ends, relation, count"] += size(edge[:3] + edge[4:])
    for key, value in data.items():
        if key not in ("nodes", "edges"):
            parts[key] += size(value)
    return parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--max-nodes", type=int, default=1000)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()
    instrument()
    store = GraphStore.open(args.out, read_only=True)
    started = time.perf_counter()
    data = kg.view.view_data(store, kg.view.Selection(max_nodes=args.max_nodes))
    page = kg.view.render(data)
    whole = time.perf_counter() - started
    encoded = page.encode("utf-8")
    if args.html:
        args.html.write_bytes(encoded)
    print(f"{args.out}: {len(data['nodes']):,} nodes, {len(data['edges']):,} edges, page {len(encoded) / 1e6:.2f} MB "
          f"in {whole:.1f} s")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:8.2f} s  {calls[name]:5d}×  {name}")
    parts = byte_parts(data)
    print(f"  data block {size(data) / 1e6:.2f} MB:")
    for name, count in sorted(parts.items(), key=lambda kv: -kv[1]):
        if count > 10_000:
            print(f"  {count / 1e6:8.2f} MB  {name}")
    heaviest = sorted(data["nodes"], key=lambda n: -size(n))[:5]
    print("  heaviest tooltips: " + "; ".join(
        f"{n['label']} {size(n) / 1e3:,.0f} kB ({len(n['facts'])} facts, {len(n['figures'])} figures, "
        f"{len(n['labels'])} labels)" for n in heaviest))
    print(json.dumps({"seconds": round(whole, 2), "bytes": len(encoded)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
