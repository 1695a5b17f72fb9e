"""Headless Chromium (Debian ``chromium``) for the HTML views, driven by playwright-core.

The work happens in ``tests/browser/inspect_page.js``; this module runs it and parses its JSON.
Every network request except ``file:``/``data:``/``blob:`` is blocked and recorded.

Usage::

    from tests.support.browser import inspect_page
    r = inspect_page("out/view.html", hover_node_id="https://w3id.org/…/id/country/china",
                     screenshot="tests/artifacts/view.png")
    assert r["nodes"] == 12 and not r["blocked_requests"] and not r["console_errors"]
    assert "China" in r["tooltip"]["text"]

The returned dict has: ``nodes``, ``edges`` (from ``network.body.data`` or ``window.kgView``;
``None`` when the page exposes neither), ``count_source`` (``'network'``/``'kgView'``/``None``),
``has_network``, ``has_kg_view``, ``stabilization`` (``'stabilized'``, ``'no-network'`` or
``'timeout'``), ``blocked_requests`` (URLs the page tried to fetch),
``console_errors``, ``console_warnings``, ``page_errors``, ``dialogs`` (alert/confirm/prompt
opened by the page, dismissed), ``text`` (``document.body.innerText``, cut at ``max_text``),
``text_truncated``, ``title``, ``tooltip`` (``None`` unless ``hover_node_id``; else a dict with
``text``, ``html``, ``selector``, ``node_under_mouse``, ``error``), ``xss`` (``window.__xss``
was set), ``screenshot`` (absolute path or ``None``), ``timings_ms``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from . import ROOT, ComponentMissing

BROWSER_DIR = ROOT / "tests" / "browser"
SCRIPT = BROWSER_DIR / "inspect_page.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    return os.environ.get("KG_CHROMIUM", DEFAULT_CHROMIUM)


def _require() -> str:
    node = shutil.which("node")
    if node is None:
        raise ComponentMissing("node (Node.js >= 20) is not installed")
    if not Path(chromium_path()).exists():
        raise ComponentMissing(f"Chromium not found at {chromium_path()} (Debian package chromium)")
    if not (BROWSER_DIR / "node_modules" / "playwright-core" / "package.json").exists():
        raise ComponentMissing(f"playwright-core is not installed in {BROWSER_DIR / 'node_modules'}")
    return node


def browser_available() -> bool:
    try:
        _require()
        return True
    except ComponentMissing:
        return False


def inspect_page(html_path: str | os.PathLike, *, hover_node_id: Any = None,
                 screenshot: str | os.PathLike | None = None, wait_stabilized_ms: int = 30000,
                 tooltip_timeout_ms: int = 3000, max_text: int = 20000,
                 viewport: tuple[int, int] = (1400, 900), timeout: float = 180) -> dict:
    """Open ``html_path`` from ``file://`` in headless Chromium with the network blocked and
    report what it shows (see the module docstring for the keys)."""
    node = _require()
    html = Path(html_path).resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    args = {
        "html": str(html),
        "hover_node_id": hover_node_id,
        "screenshot": str(Path(screenshot).resolve()) if screenshot else None,
        "wait_stabilized_ms": int(wait_stabilized_ms),
        "tooltip_timeout_ms": int(tooltip_timeout_ms),
        "max_text": int(max_text),
        "viewport": list(viewport),
        "chromium": chromium_path(),
        "timeout_ms": int(timeout * 1000) - 5000,
    }
    try:
        proc = subprocess.run([node, str(SCRIPT), json.dumps(args)], capture_output=True, text=True,
                              timeout=timeout, cwd=BROWSER_DIR, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"inspect_page.js did not finish within {timeout} s for {html}") from e
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    try:
        result = json.loads(last) if last else None
    except json.JSONDecodeError:
        result = None
    if proc.returncode != 0 or not isinstance(result, dict) or "error" in result:
        message = (result or {}).get("error") if isinstance(result, dict) else None
        if proc.returncode == 3:
            raise ComponentMissing(message or "a browser component is missing")
        raise RuntimeError(
            f"inspect_page.js failed (exit {proc.returncode}) for {html}: {message or ''}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}")
    return result


__all__ = ["inspect_page", "browser_available", "chromium_path"]
