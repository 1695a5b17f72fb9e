"""Export: the stored graph as files other tools read.

``graph.trig`` keeps one named graph per article (who said what); ``graph.ttl`` is their
union for stores that do not do named graphs, and keeps the mention links, so provenance
survives there too. Triples are sorted before writing, so the same graph gives the same
bytes; every file is written beside its target and renamed into place, so an interrupted
export never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.store import GraphStore
from kg.vocab import PREFIXES

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, ".ttl", False),
    "trig": (ox.RdfFormat.TRIG, ".trig", True),
    "ntriples": (ox.RdfFormat.N_TRIPLES, ".nt", False),
    "nquads": (ox.RdfFormat.N_QUADS, ".nq", True),
}


def _key(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.DefaultGraph) -> str:
    return str(term)


def sorted_quads(store: GraphStore) -> list[ox.Quad]:
    return sorted(store.quads(), key=lambda q: (_key(q.graph_name), _key(q.subject), _key(q.predicate), _key(q.object)))


def merged_triples(store: GraphStore) -> list[ox.Triple]:
    """The union of all named graphs, without duplicates, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()}
    return sorted(triples, key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object)))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def serialise(store: GraphStore, fmt: str) -> bytes:
    """The whole graph in ``fmt`` (``turtle``, ``trig``, ``ntriples``, ``nquads``)."""
    if fmt not in FORMATS:
        raise KGError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format, _, quads = FORMATS[fmt]
    data: Iterable = sorted_quads(store) if quads else merged_triples(store)
    prefixes = PREFIXES if fmt in ("turtle", "trig") else None
    return ox.serialize(data, format=rdf_format, prefixes=prefixes)


def export(store: GraphStore, path: Path, fmt: str | None = None) -> Path:
    """Write the graph to ``path``; the format follows the extension unless given."""
    if fmt is None:
        by_suffix = {suffix: name for name, (_, suffix, _) in FORMATS.items()}
        fmt = by_suffix.get(path.suffix.lower())
        if fmt is None:
            raise KGError(f"{path}: cannot tell the format from the extension; use --format")
    write_atomically(path, serialise(store, fmt))
    return path
