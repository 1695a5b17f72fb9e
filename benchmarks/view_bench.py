"""How long the network view takes: building the page for 1,000 and 5,000 entities, and
drawing the 5,000-entity page in headless Chromium. Figures are printed, not asserted.

    python benchmarks/view_bench.py            # from the repository root

The graphs are synthetic but follow the data contract (``synthetic_store`` in
tests/test_view.py: articles, mentions, sentences, relations with evidence). The browser part
needs what the browser tests need (Debian chromium, playwright-core; see
scripts/install-test-deps.sh).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.store import GraphStore  # noqa: E402
from kg.view import (Selection, choose, describe_nodes, layout, load_catalogue, render, undirected,  # noqa: E402
                     view_data)
from tests.test_view import synthetic_store  # noqa: E402

SIZES = (1000, 5000)


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def page_timings(store: GraphStore, entities: int, folder: Path) -> Path:
    """Print the stages of making the page for ``entities`` entities; return the page."""
    selection = Selection(max_nodes=entities)
    cat, read = timed(lambda: load_catalogue(store))
    part, chosen = timed(lambda: choose(store, cat, selection, None))
    _, described = timed(lambda: describe_nodes(cat, part.nodes, None, selection.lang, part.links))
    _, placed = timed(lambda: layout(undirected(part)))
    data, whole = timed(lambda: view_data(store, selection))
    page, rendered = timed(lambda: render(data))
    path = folder / f"view-{entities}.html"
    path.write_text(page, encoding="utf-8")
    print(f"{entities:>6,} entities, {len(data['edges']):>6,} relations: page in {whole + rendered:5.2f} s "
          f"(choosing the nodes {read + chosen:.2f} s, their tooltips {described:.2f} s, layout {placed:.2f} s, "
          f"HTML {rendered:.2f} s; "
          f"{len(page.encode()) / 1e6:.1f} MB)")
    return path


def browser_timings(page: Path) -> None:
    from tests.support.browser import inspect_page

    result, wall = timed(lambda: inspect_page(page, timeout=600, wait_stabilized_ms=300_000))
    drawn = re.search(r"drawn in ([\d.]+) s", result["text"])
    t = result["timings_ms"]
    print(f"headless Chromium, {result['nodes']:,} nodes: loaded {(t['load'] - t['launch']) / 1000:.2f} s after launch, "
          f"drawn {(t['stabilized'] - t['launch']) / 1000:.2f} s after launch ({result['stabilization']}); "
          f"the page's own count: drawn in {drawn.group(1) if drawn else '?'} s; "
          f"JS errors: {len(result['console_errors']) + len(result['page_errors'])}; whole run {wall:.1f} s")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pages = {}
        for entities in SIZES:
            store, made = timed(lambda: synthetic_store(folder / f"out{entities}", entities))
            print(f"(synthetic store of {entities:,} entities, {len(store.store):,} quads, made in {made:.1f} s)")
            pages[entities] = page_timings(store, entities, folder)
        browser_timings(pages[max(SIZES)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
