"""Export: the stored graph as files other tools read.

``graph.trig`` keeps one named graph per article (who said what); ``graph.ttl`` is their
union for stores that do not do named graphs, and keeps the mention links, so provenance
survives there too. Every file is written beside its target and renamed into place, so an
interrupted export never leaves half a file.

``kg export`` writes any format from the store. The same graph gives the same bytes, without
sorting millions of quads in Python: TriG and N-Quads are dumped by Oxigraph in its index order,
which depends on the quads alone (RocksDB keys are the encoded terms), not on the order they
were loaded in or the number of workers that made them. The merged formats take the subjects in
sorted order and read each one's quads from the subject-first index, where the copies of a
triple held by several graphs lie side by side, so duplicates drop out with a look at the
previous quad and memory holds only the subject names.

A build does not read its files back out of the store: every term would be looked up in RocksDB
again, about 6 µs a quad, more than loading the quads cost. It writes them block by block
instead (:class:`BlockFiles`): each article's block is serialised by the worker that made the
article, from its own quads; the build writes the blocks in the order of the article files and
ends with what is shared (the entities graph, and in ``graph.ttl`` the union of the statements
about entities, the only triples several articles hold). An incremental build copies the
unchanged articles' blocks from the previous files, found through an index of byte ranges
published beside them, so the files are byte for byte those of a full build.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.errors import KGError
from kg.mapper.iris import graph_node
from kg.mapper.nquads import statements
from kg.store import GraphStore
from kg.vocab import ARTICLE_NS, ENTITIES_GRAPH, PREFIXES, RDF, XSD

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


def _prefixes(fmt: str) -> dict[str, str] | None:
    """The prefixes a format is written with (the line formats have none)."""
    return PREFIXES if fmt in ("turtle", "trig") else None


def write_graph(store: GraphStore, output: BinaryIO, fmt: str) -> None:
    """Write the whole graph to ``output`` in ``fmt`` (``turtle``, ``trig``, ``ntriples``, ``nquads``)."""
    if fmt not in FORMATS:
        raise KGError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format, _, quads = FORMATS[fmt]
    prefixes = _prefixes(fmt)
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


BLOCK_FORMATS = {"graph.trig": "trig", "graph.ttl": "turtle", "graph.nq": "nquads"}
"""The files a build writes block by block, and their formats."""
INDEX_FILE = ".export-index.json"
_INDEX_VERSION = 1
_ENTITY_UNION = f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  SELECT DISTINCT ?s ?p ?o WHERE {{
    {{ SELECT DISTINCT ?s WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?s ?x ?y }} }} }}
    GRAPH ?g {{ ?s ?p ?o }}
  }}
}}"""


def _without_prefixes(text: bytes) -> bytes:
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    return text[start:]


def _serialize(items: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: str) -> bytes:
    return _without_prefixes(ox.serialize(items, format=FORMATS[fmt][0], prefixes=_prefixes(fmt)))


_RDF_TYPE = f"<{RDF}type>"
_ARTICLE_SUBJECT = f"<{ARTICLE_NS}"
_PLAIN_LOCAL = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_XSD_INTEGER = f'"^^<{XSD}integer>'


@lru_cache(maxsize=1024)
def _vocabulary_term(term: str) -> str:
    """A predicate or class as ``prefix:local`` when it is in a declared namespace and its
    local name needs no escaping; ``rdf:type`` as ``a``; anything else as it is."""
    if term == _RDF_TYPE:
        return "a"
    for prefix, namespace in PREFIXES.items():
        if term.startswith(namespace, 1) and _PLAIN_LOCAL.match(term, 1 + len(namespace), len(term) - 1):
            return f"{prefix}:{term[1 + len(namespace):-1]}"
    return term


def _object_term(term: str, predicate: str) -> str:
    """An object in Turtle: classes compacted, integers bare, XML Schema datatypes as ``xsd:``."""
    if predicate == _RDF_TYPE:
        return _vocabulary_term(term)
    if term.endswith(_XSD_INTEGER):
        return term[1:-len(_XSD_INTEGER)]
    if term.endswith(">") and term.startswith('"'):  # a typed literal: its datatype follows the last quote
        quote = term.rindex('"')
        datatype = _vocabulary_term(term[quote + 3:])
        return f"{term[:quote + 1]}^^{datatype}"
    return term


def _subject_runs(rows: Iterable[tuple[str, str, str]]) -> list[tuple[str, list[str]]]:
    """Each run of consecutive statements about one subject, with their predicate-object pairs
    in Turtle: formatted once for every file the article's block goes to."""
    runs: list[tuple[str, list[str]]] = []
    previous = None
    pairs: list[str] = []
    for subject, predicate, obj in rows:
        if subject != previous:
            pairs = []
            runs.append((subject, pairs))
            previous = subject
        pairs.append(f"{_vocabulary_term(predicate)} {_object_term(obj, predicate)}")
    return runs


def _statements_text(runs: Iterable[tuple[str, list[str]]], indent: str) -> str:
    """Turtle statements, one subject after another (``;`` within a subject's run)."""
    within = f" ;\n{indent}\t"
    return "".join(f"{indent}{subject} {within.join(pairs)} .\n" for subject, pairs in runs)


def article_blocks(nquads: bytes, names: Iterable[str],
                   triples: Iterable[tuple[str, str, str]] | None = None) -> dict[str, bytes]:
    """One article's block of each file in ``names`` (see :data:`BLOCK_FORMATS`), from the
    N-Quads of its named graph: the whole graph in TriG and N-Quads; in the merged Turtle only
    the article's own nodes (article, mentions, sentences, assertions, figures), since what it
    says about entities is written once for all articles at the end.

    Written from the N-Quads text, not parsed into terms first (that cost more than the rest of
    the export): the terms are N-Triples terms, which Turtle reads as they are; predicates and
    classes are written with the declared prefixes, integers bare. ``triples`` are the same
    quads' terms when the caller has them (the mapper does), which spares reading the text again."""
    if triples is None:
        triples = ((s, p, o) for s, p, o, _ in statements(nquads.decode("utf-8")))
    runs = _subject_runs(triples)
    blocks = {}
    for name in names:
        fmt = BLOCK_FORMATS[name]
        if fmt == "nquads":
            blocks[name] = nquads
        elif fmt == "trig" and runs:
            graph = nquads[:nquads.index(b"\n")].decode("utf-8").rsplit(" ", 2)[1]  # every line names it
            body = _statements_text(runs, "\t")
            blocks[name] = f"{graph} {{\n{body}}}\n".encode()
        elif fmt == "trig":
            blocks[name] = b""
        else:
            own = (run for run in runs if run[0].startswith(_ARTICLE_SUBJECT))
            blocks[name] = _statements_text(own, "").encode()
    return blocks


def _store_blocks(store: GraphStore, graph: ox.NamedNode, names: Iterable[str]) -> dict[str, bytes]:
    """An article's blocks read back from the store: for files an earlier build left without an index."""
    quads = list(store.store.quads_for_pattern(None, None, None, graph))
    return article_blocks(ox.serialize(quads, format=ox.RdfFormat.N_QUADS), names)


def _shared_block(store: GraphStore, fmt: str) -> bytes:
    """What follows the article blocks: the entities graph, or in the merged Turtle every
    statement about an entity once (those are the triples several article graphs hold)."""
    if fmt == "turtle":
        return _serialize(store.store.query(_ENTITY_UNION), fmt)
    return _serialize(store.store.quads_for_pattern(None, None, None, ox.NamedNode(ENTITIES_GRAPH)), fmt)


def _header(name: str, fmt: str) -> bytes:
    """The lines before the first block: none in N-Quads, which tools often read line by line."""
    if fmt == "nquads":
        return b""
    lines = [f"# {name}: written by kg build, one block per article, then the shared statements"]
    lines += [f"@prefix {prefix}: <{iri}> ." for prefix, iri in PREFIXES.items()]
    return ("\n".join(lines) + "\n\n").encode()


def _comment(fmt: str, text: str) -> bytes:
    return b"" if fmt == "nquads" else f"# {text}\n".encode()


class BlockFiles:
    """The build's export files, written block by block in the order of the article files.

    ``order`` is every article the new graph holds, in file order. :meth:`add` takes the
    blocks of new and changed articles as they come (in that order); the blocks of unchanged
    articles in between are copied from the previous files. A previous file that cannot be
    trusted (no index, or not the size the index says) is not used: those blocks are read back
    from the store instead, which is slower but gives the same bytes.
    """

    def __init__(self, staging_dir: Path, out_dir: Path, names: list[str], order: list[str],
                 previous: set[str], store: GraphStore) -> None:
        self.names = names
        self.order = order
        self.store = store
        self._next = 0
        self._previous = previous
        self._old = _previous_index(out_dir, names) if previous else {}
        self._sources = {name: open(out_dir / name, "rb") for name in self._old}
        self._outputs = {name: open(staging_dir / name, "wb") for name in names}
        self._index: dict[str, dict[str, list[int]]] = {name: {} for name in names}
        for name, handle in self._outputs.items():
            handle.write(_header(name, BLOCK_FORMATS[name]))

    def add(self, stem: str, blocks: dict[str, bytes]) -> None:
        """Write the blocks of article ``stem``, after the unchanged articles before it."""
        self._copy_until(stem)
        self._write(stem, blocks)
        self._next += 1

    def _copy_until(self, stem: str | None) -> None:
        while self._next < len(self.order) and self.order[self._next] != stem:
            self._copy(self.order[self._next])
            self._next += 1

    def _copy(self, stem: str) -> None:
        if stem not in self._previous:
            return  # an article that failed to read and has no earlier version
        missing = [name for name in self.names if stem not in self._old.get(name, {})]
        if missing:
            self._write(stem, _store_blocks(self.store, graph_node(stem), missing), missing)
        for name in self.names:
            if name not in missing:
                offset, length = self._old[name][stem]
                source = self._sources[name]
                source.seek(offset)
                self._emit(name, stem, source.read(length))

    def _write(self, stem: str, blocks: dict[str, bytes], names: list[str] | None = None) -> None:
        for name in names or self.names:
            self._emit(name, stem, _comment(BLOCK_FORMATS[name], f"article {stem}") + blocks[name] + b"\n")

    def _emit(self, name: str, stem: str, block: bytes) -> None:
        """Write one framed block (as it will stand in the file, and be copied by the next build)."""
        handle = self._outputs[name]
        self._index[name][stem] = [handle.tell(), len(block)]
        handle.write(block)

    def finish(self, index_path: Path) -> None:
        """Copy the remaining unchanged blocks, write the shared statements and the index."""
        self._copy_until(None)
        sizes = {}
        for name, handle in self._outputs.items():
            fmt = BLOCK_FORMATS[name]
            handle.write(_comment(fmt, "shared") + _shared_block(self.store, fmt))
            handle.flush()
            os.fsync(handle.fileno())
            sizes[name] = handle.tell()
        self.close()
        index = {"version": _INDEX_VERSION,
                 "files": {name: {"size": sizes[name], "blocks": self._index[name]} for name in self.names}}
        write_atomically(index_path, json.dumps(index, separators=(",", ":")).encode())

    def close(self) -> None:
        for handle in [*self._outputs.values(), *self._sources.values()]:
            handle.close()


def _previous_index(out_dir: Path, names: list[str]) -> dict[str, dict[str, list[int]]]:
    """The block ranges of the published files that match their index, by file name."""
    try:
        index = json.loads((out_dir / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(index, dict) or index.get("version") != _INDEX_VERSION:
        return {}
    found = {}
    for name in names:
        entry = index.get("files", {}).get(name)
        path = out_dir / name
        if entry and path.is_file() and path.stat().st_size == entry.get("size"):
            found[name] = entry["blocks"]
    return found
