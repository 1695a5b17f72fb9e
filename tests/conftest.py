"""Shared pytest set-up.

- registers the ``component`` marker: tests that drive a real external component (Apache Jena's
  riot, a private Virtuoso, headless Chromium). They are slower; select or leave them out with
  ``-m component`` / ``-m "not component"``. They never skip when a component is missing: they
  fail with a message telling to run ``scripts/install-test-deps.sh``.
- puts the repository root on ``sys.path`` so ``from tests.support import ...`` works however
  pytest is started.
- fixtures: ``virtuoso`` (one private Virtuoso for the session), ``artifacts_dir``
  (``tests/artifacts/<test>/``, git-ignored, kept after the run for screenshots and outputs).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "component: uses a real external component (Apache Jena riot, a private Virtuoso, headless "
        "Chromium); slower; install them with scripts/install-test-deps.sh",
    )


@pytest.fixture(scope="session")
def virtuoso():
    """A private Virtuoso server shared by the session (use your own graph IRIs)."""
    from tests.support.virtuoso import VirtuosoServer

    with VirtuosoServer() as server:
        yield server


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """A per-test folder under tests/artifacts/ (git-ignored) that survives the run."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])[:120]
    path = ROOT / "tests" / "artifacts" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
