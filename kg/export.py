"""Export: the stored graph as files other tools read.

``graph.trig`` keeps one named graph per article (who said what); ``graph.ttl`` is their
union for stores that do not do named graphs, and keeps the mention links, so provenance
survives there too. Every file is written beside its target and renamed into place, so an
interrupted export never leaves half a file.

The same graph gives the same bytes, without sorting millions of quads in Python: TriG and
N-Quads are dumped by Oxigraph in its index order, which depends on the quads alone (RocksDB
keys are the encoded terms), not on the order they were loaded in or the number of workers that
made them. The merged formats take the subjects in sorted order and read each one's quads from
the subject-first index, where the copies of a triple held by several graphs lie side by side,
so duplicates drop out with a look at the previous quad and memory holds only the subject names.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

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

_SUBJECTS = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"


def merged_triples(store: GraphStore) -> Iterator[ox.Triple]:
    """The union of the named graphs (the store keeps nothing in its default graph), without
    duplicates, subject by subject in sorted order."""
    subjects = sorted((row["s"] for row in store.store.query(_SUBJECTS)), key=str)
    for subject in subjects:
        previous: ox.Triple | None = None
        for quad in store.store.quads_for_pattern(subject, None, None, None):
            triple = quad.triple
            if triple != previous:
                previous = triple
                yield triple


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` only when the ``with`` block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    with atomic_output(path) as handle:
        handle.write(data)


def write_graph(store: GraphStore, output: BinaryIO, fmt: str) -> None:
    """Write the whole graph to ``output`` in ``fmt`` (``turtle``, ``trig``, ``ntriples``, ``nquads``)."""
    if fmt not in FORMATS:
        raise KGError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format, _, quads = FORMATS[fmt]
    prefixes = PREFIXES if fmt in ("turtle", "trig") else None
    if quads:
        store.store.dump(output, rdf_format, prefixes=prefixes)
    else:
        ox.serialize(merged_triples(store), output, rdf_format, prefixes=prefixes)


def export(store: GraphStore, path: Path, fmt: str | None = None) -> Path:
    """Write the graph to ``path``; the format follows the extension unless given."""
    if fmt is None:
        by_suffix = {suffix: name for name, (_, suffix, _) in FORMATS.items()}
        fmt = by_suffix.get(path.suffix.lower())
        if fmt is None:
            raise KGError(f"{path}: cannot tell the format from the extension; use --format")
    with atomic_output(path) as handle:
        write_graph(store, handle, fmt)
    return path
