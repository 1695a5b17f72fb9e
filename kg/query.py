"""Query: SPARQL over the stored graph, from the library in ``queries/``, a file or a string.

Parameters are bound as values (``VALUES`` block substitution through the algebra, never by
pasting text into the query), so a value with quotes, braces or ``DROP`` stays a value.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.paths import QUERIES_DIR
from kg.store import GraphStore
from kg.vocab import PREFIXES


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    summary: str


def library() -> dict[str, NamedQuery]:
    """The named queries of ``queries/``, by file stem."""
    result = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comments = [line.lstrip("# ").rstrip() for line in text.splitlines() if line.startswith("#")]
        result[path.stem] = NamedQuery(path.stem, path, text, comments[0] if comments else "")
    return result


def resolve(spec: str) -> str:
    """Query text for a library name, a ``.rq`` file path, or inline SPARQL."""
    queries = library()
    if spec in queries:
        return queries[spec].text
    path = Path(spec)
    if spec.endswith((".rq", ".sparql")) or (path.exists() and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KGError(f"{spec}: cannot read ({exc.strerror})") from exc
    if re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", spec, re.IGNORECASE):
        return spec
    raise KGError(f"no query named {spec!r}; `kg query --list` shows the library")


def prefixed(text: str) -> str:
    """Declare the project's usual prefixes unless the query does."""
    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+([\w-]*):", text, re.IGNORECASE)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return "\n".join(lines) + "\n" + text


def run(store: GraphStore, text: str, params: dict[str, str] | None = None):
    """Run SPARQL on the store; ``params`` bind variables to literal values."""
    bindings = {f"{name}": ox.Literal(value) for name, value in (params or {}).items()}
    try:
        return store.query(prefixed(text), substitutions={ox.Variable(k): v for k, v in bindings.items()})
    except SyntaxError as exc:
        raise KGError(f"SPARQL syntax error: {exc}") from exc


def _term(term) -> str:
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)


def format_solutions(result, fmt: str) -> str:
    """Rows of a SELECT as a table, CSV, TSV or SPARQL JSON results."""
    if isinstance(result, bool):
        return "true" if result else "false"
    if isinstance(result, ox.QueryTriples):
        data = ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return data.decode("utf-8")
    variables = [v.value for v in result.variables]
    rows = [[_term(row[v]) for v in variables] for row in result]
    if fmt == "json":
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": [
            {v: {"value": value} for v, value in zip(variables, row) if value} for row in rows]}},
            ensure_ascii=False, indent=1)
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(rows)
        return out.getvalue()
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    widths = [min(w, 80) for w in widths]
    line = lambda cells: "  ".join(c[:80].ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(variables), line(["-" * w for w in widths])] + [line(r) for r in rows] + [f"({len(rows)} rows)"])
