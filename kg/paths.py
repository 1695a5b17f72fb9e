"""Where the project's data files live.

Data (ontology, lexicon, patterns, queries) is kept in files beside the package, not in
Python literals; this module is the one place that knows where. ``KG_HOME`` overrides the
project root, e.g. for an installed copy that keeps its data elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("KG_HOME") or Path(__file__).resolve().parent.parent).resolve()
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
LEXICON_DIR = ONTOLOGY_DIR / "lexicon"
PATTERNS_DIR = ONTOLOGY_DIR / "patterns"
QUERIES_DIR = ROOT / "queries"
SEEDS_DIR = ROOT / "seeds"
DEFAULT_OUT = Path("out")
