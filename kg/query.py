"""Query: SPARQL over the built graph or a remote endpoint, from the library in ``queries/``,
a ``.rq`` file or a string.

The same query text runs in both places and the answer comes back as the same pyoxigraph
objects (solutions, a boolean or triples), so one set of writers prints every format and a
local answer can be compared with a remote one term by term.

Parameters are bound as RDF terms, never pasted into the query text as typed: locally through
pyoxigraph's ``substitutions`` (which needs the variable in the SELECT clause, so library
queries project their parameters), remotely through a ``VALUES`` block at the start of the
WHERE clause built from terms pyoxigraph serialises, so a value with quotes, braces or ``DROP``
stays one literal. The two mean the same as long as a parameter is not read inside a
sub-query or through ``BOUND()`` (false after a substitution), which the library never does.

The default graph is the union of the named graphs: locally because :meth:`GraphStore.query`
says so, on Virtuoso because a query without ``FROM`` reads every graph. Library queries
therefore never count a triple twice when it sits in several graphs (``DISTINCT``,
``COUNT(DISTINCT …)``), so they give the same rows whether the data was pushed one graph per
article or merged.
"""

from __future__ import annotations

import ast
import difflib
import http.client
import itertools
import os
import re
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from kg.errors import DataError, KGError
from kg.paths import QUERIES_DIR
from kg.store import GraphStore
from kg.vocab import PREFIXES, XSD

Term = ox.NamedNode | ox.Literal
Result = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]
T = TypeVar("T")

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                  "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)
TABLE_WIDTH = 60
XSD_STRING = XSD + "string"


# --------------------------------------------------------------------------- the library

@dataclass(frozen=True)
class Parameter:
    """A parameter a library query declares in its header."""

    name: str
    required: bool
    iri: bool
    doc: str


@dataclass(frozen=True)
class Query:
    """SPARQL text and where it came from; ``parameters`` is ``None`` for an ad hoc query."""

    text: str
    origin: str
    name: str | None = None
    question: str = ""
    parameters: tuple[Parameter, ...] | None = None
    example: str = ""


_PARAMETER = re.compile(r"^#\s+\?(\w+)\s+(required|optional)(\s+IRI)?\s+(.*\S)\s*$")


def _parse_header(path: Path) -> Query:
    """A library file: ``# question``, ``# Parameters:`` with ``#   ?name required|optional [IRI] doc``
    lines (or ``# Parameters: none``), and ``# Example: kg query NAME …``."""
    text = path.read_text(encoding="utf-8")
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line)
    question = comments[0].lstrip("#").strip() if comments else ""
    parameters = tuple(Parameter(m.group(1), m.group(2) == "required", bool(m.group(3)), m.group(4))
                       for m in map(_PARAMETER.match, comments) if m)
    example = next((line.split(":", 1)[1].strip() for line in comments if line.startswith("# Example:")), "")
    declared = any(line.startswith("# Parameters:") for line in comments)
    if not question or not example.startswith(f"kg query {path.stem}") or not declared:
        raise DataError(f"{path}: a library query starts with '# <question>', '# Parameters: …' and "
                        f"'# Example: kg query {path.stem} …' comment lines")
    return Query(text, str(path), path.stem, question, parameters, example)


def library() -> dict[str, Query]:
    """The named queries of ``queries/``, by file stem."""
    return {path.stem: _parse_header(path) for path in sorted(QUERIES_DIR.glob("*.rq"), key=lambda p: p.stem)}


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a long inline query is too long to be a file name
        return False


def resolve(spec: str) -> Query:
    """A library name, a path to a ``.rq`` file, or SPARQL text."""
    queries = library()
    if spec in queries:
        return queries[spec]
    path = Path(spec)
    if spec.endswith((".rq", ".sparql")) or _is_file(path):
        try:
            return Query(path.read_text(encoding="utf-8"), spec)
        except OSError as exc:
            raise KGError(f"{spec}: cannot read ({exc.strerror})") from exc
    if re.search(r"[\s{]", spec):  # names and file names have neither: SPARQL text
        return Query(spec, "query")
    close = difflib.get_close_matches(spec, queries, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise KGError(f"no query named {spec!r}{hint}; `kg query --list` shows the library")


# --------------------------------------------------------------------------- reading SPARQL text

_LEXEME = re.compile(
    r"(?P<comment>#[^\r\n]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\r\n]|\\.)*"' r"|'(?:[^'\\\r\n]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<var>[?$]\w+)"
    r"|(?P<name>[\w.:%\\-]+)"
    r"|(?P<open>\{)|(?P<close>\})|(?P<space>\s+)|(?P<other>.)",
    re.DOTALL)


def _lexemes(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of each lexeme: enough of SPARQL's grammar to tell a brace or a
    keyword from the same characters inside a string, an IRI or a comment."""
    for match in _LEXEME.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield kind, match.group(), match.start()


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first keyword after the prologue.

    An update (INSERT, DELETE, DROP …) is refused here, before anything is sent anywhere."""
    lexemes = _lexemes(text)
    for kind, value, _ in lexemes:
        keyword = value.upper()
        if kind == "name" and keyword == "PREFIX":
            next(lexemes, None)
            next(lexemes, None)
        elif kind == "name" and keyword == "BASE":
            next(lexemes, None)
        elif kind == "name" and keyword in FORMS:
            return keyword
        else:
            raise KGError(f"not a SPARQL query: {value!r} where SELECT, CONSTRUCT, DESCRIBE or ASK "
                          "should be (kg query never changes a store)")
    raise KGError("empty query: no SELECT, CONSTRUCT, DESCRIBE or ASK")


def variables(text: str) -> set[str]:
    """Names of the variables the text uses."""
    return {value[1:] for kind, value, _ in _lexemes(text) if kind == "var"}


def with_prefixes(text: str) -> tuple[str, int]:
    """Declare the project prefixes the text uses without declaring them, on the first line so
    that line numbers stay those of the text; also returns how far the first line moved."""
    lexemes = list(_lexemes(text))
    declared = {value.split(":", 1)[0] for (_, before, _), (kind, value, _) in itertools.pairwise(lexemes)
                if before.upper() == "PREFIX" and kind == "name"}
    used = {value.split(":", 1)[0] for kind, value, _ in lexemes if kind == "name" and ":" in value}
    missing = sorted((used - declared) & PREFIXES.keys())
    head = "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}> " for prefix in missing)
    return head + text, len(head)


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The text with ``VALUES (?a ?b) { (… …) }`` opening its WHERE clause, on the same line.

    The terms are written by pyoxigraph (N-Triples syntax, every quote and backslash escaped),
    so no value can end its literal early. A string carries its ``^^xsd:string`` explicitly:
    Virtuoso garbles every character beyond ASCII when ``STR()`` reads an untyped literal of the
    query text, and the library compares parameters through ``STR()``."""
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(_typed(value) for value in bindings.values())
    at = where_clause_start(text)
    return f"{text[:at]} VALUES ({names}) {{ ({terms}) }} {text[at:]}"


def _typed(value: Term) -> str:
    """N-Triples syntax, with the datatype written out for a plain string."""
    if isinstance(value, ox.Literal) and value.language is None and value.datatype.value == XSD_STRING:
        return f"{value}^^<{XSD_STRING}>"
    return str(value)


def where_clause_start(text: str) -> int:
    """Offset just inside the ``{`` that opens the WHERE clause (after a CONSTRUCT template)."""
    form: str | None = None
    template = False
    depth = 0
    for kind, value, offset in _lexemes(text):
        if form is None:
            if kind == "name" and value.upper() in FORMS:
                form = value.upper()
                template = form == "CONSTRUCT"
            continue
        if kind == "open":
            if depth == 0 and not template:
                return offset + 1
            depth += 1
        elif kind == "close":
            depth -= 1
            template = template and depth > 0
        elif depth == 0:
            template = False
    raise KGError("cannot bind parameters: the query has no WHERE clause")


# --------------------------------------------------------------------------- binding parameters

def parse_params(items: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings from the command line → {name: value}."""
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"\w+", name):
            raise KGError(f"--param {item!r}: expected NAME=VALUE")
        params[name] = value
    return params


def term(value: str) -> Term:
    """``<…>`` is an IRI; anything else a string literal, in NFC like the graph's text."""
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise KGError(f"{value}: not a valid IRI ({exc})") from exc
    return ox.Literal(unicodedata.normalize("NFC", value))


def _iri(name: str, value: str) -> ox.NamedNode:
    """A parameter declared as an IRI: ``<…>`` or a bare absolute IRI."""
    if not re.fullmatch(r"<[^<>\s]*>|[A-Za-z][\w+.-]*:\S+", value):
        raise KGError(f"--param {name}: give an IRI, such as <https://w3id.org/cn-asean-kg/id/country/china> "
                      "(`kg query find-entity --param text=…` finds an entity's IRI by its name)")
    try:
        return ox.NamedNode(value[1:-1] if value.startswith("<") else value)
    except ValueError as exc:
        raise KGError(f"--param {name}: {value} is not a valid IRI ({exc})") from exc


def bind(query: Query, params: Mapping[str, str]) -> dict[str, Term]:
    """Check ``params`` against what the query declares (or uses) and turn them into terms."""
    if query.parameters is None:
        unknown = sorted(set(params) - variables(query.text))
        if unknown:
            raise KGError(f"the query has no variable {', '.join('?' + n for n in unknown)} to bind")
        return {name: term(value) for name, value in params.items()}
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - declared.keys())
    if unknown:
        known = ", ".join(declared) or "none"
        raise KGError(f"{query.name} has no parameter {', '.join(unknown)} (its parameters: {known})")
    missing = [p for p in query.parameters if p.required and p.name not in params]
    if missing:
        raise KGError(f"{query.name} needs --param {missing[0].name}=… ({missing[0].doc})")
    return {name: _iri(name, value) if declared[name].iri else term(value) for name, value in params.items()}


# --------------------------------------------------------------------------- running locally

def _graph_name(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise KGError(f"{iri}: not a valid graph IRI ({exc})") from exc


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_CHAR_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]")


def _syntax_error(exc: Exception, query: Query, shift: int) -> KGError:
    """pyoxigraph's ``error at LINE:COLUMN: expected …`` as a message on the user's text:
    line and column (1-based, in characters), the line itself and a caret."""
    match = _POSITION.match(str(exc))
    if match is None:
        return KGError(f"{query.origin}: SPARQL error: {exc}")
    line, column = int(match.group(1)), int(match.group(2))
    if line == 1:
        column = max(1, column - shift)
    # "expected one of A, B, [character classes], a sentence": keep the words and sentences
    expected = re.sub(r"^expected (one of )?", "", _CHAR_CLASS.sub("", match.group(3)).strip())
    items = [item.strip() for item in expected.split(",") if item.strip()]
    tokens = [item for item in items if " " not in item]
    notes = [item for item in items if " " in item]
    detail = "; ".join(notes) or (f"expected one of {', '.join(tokens)}" if tokens else "unexpected input")
    lines = query.text.splitlines() or [""]
    where = ""
    if line > len(lines) or (line == len(lines) and column > len(lines[-1])):
        line, column, where = len(lines), len(lines[-1]) + 1, " (the end of the query)"
    return KGError(f"{query.origin}: SPARQL syntax error at line {line}, column {column}{where}: {detail}\n"
                   f"    {lines[line - 1]}\n    {' ' * (column - 1)}^")


def run_local(store: GraphStore, query: Query, bindings: Mapping[str, Term],
              default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()) -> Result:
    """Run the query on the store. The default graph is the union of the named graphs unless
    ``default_graphs`` or ``named_graphs`` describe the dataset (as the SPARQL protocol's
    ``default-graph-uri`` and ``named-graph-uri`` do)."""
    text, shift = with_prefixes(query.text)
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): value for name, value in bindings.items()}
    defaults: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [_graph_name(iri) for iri in default_graphs]
    named: list[ox.NamedNode | ox.BlankNode] = [_graph_name(iri) for iri in named_graphs]
    try:
        if defaults or named:
            result = store.store.query(text, default_graph=defaults, named_graphs=named or None,
                                       substitutions=substitutions)
        else:
            result = store.query(text, substitutions=substitutions)
    except SyntaxError as exc:
        raise _syntax_error(exc, query, shift) from exc
    except RuntimeError as exc:
        if "SELECT projection" in str(exc):
            raise KGError(f"{query.origin}: a parameter must be a variable of the SELECT clause "
                          f"(bound: {', '.join('?' + n for n in bindings)})") from exc
        raise KGError(f"{query.origin}: {exc}") from exc
    except OSError as exc:
        raise KGError(f"cannot read the store: {exc}") from exc
    if isinstance(result, ox.QueryTriples):
        return list(result)
    return result


# --------------------------------------------------------------------------- remote endpoints

_TRANSIENT_HTTP = (429, 502, 503, 504)


def _transient(exc: BaseException) -> bool:
    """Worth another try: the endpoint could not be reached or dropped the connection, or said
    it is busy. A query that takes too long is not tried again: it would only load the server."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in _TRANSIENT_HTTP
    return isinstance(exc, (urllib.error.URLError, ConnectionError, http.client.HTTPException))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def with_retries(action: Callable[[], T], *, what: str, retries: int) -> T:
    """``action()``, tried again up to ``retries`` times (0.5 s, 1 s, 2 s … apart, at most 5 s)
    while the failure is one a later try can fix; then a :class:`KGError` naming ``what``."""
    attempt = 0
    while True:
        try:
            return action()
        except Exception as exc:  # classified just below
            if not _transient(exc):
                raise
            if attempt >= retries:
                raise KGError(f"{what}: no answer after {attempt + 1} attempt{'s' if attempt else ''} "
                              f"({_reason(exc)})") from exc
            time.sleep(min(5.0, 0.5 * 2 ** attempt))
            attempt += 1


@dataclass(frozen=True)
class Endpoint:
    """A remote SPARQL endpoint, with credentials read from the environment only."""

    url: str
    user: str | None = None
    password: str | None = None
    auth: str = "digest"
    realm: str = "SPARQL"
    retries: int = 3
    timeout: float = 60.0

    @classmethod
    def from_environment(cls, url: str, *, retries: int = 3, timeout: float = 60.0) -> Endpoint:
        """``KG_ENDPOINT_USER``, ``KG_ENDPOINT_PASSWORD``, ``KG_ENDPOINT_AUTH`` (``digest``, the
        default, or ``basic``) and ``KG_ENDPOINT_REALM`` (digest realm, default ``SPARQL`` as
        Virtuoso has it). Never options: a password on a command line is visible to every user
        of the machine and stays in shell histories."""
        if not re.match(r"https?://", url):
            raise KGError(f"{url}: an endpoint is an http:// or https:// URL")
        user = os.environ.get("KG_ENDPOINT_USER") or None
        password = os.environ.get("KG_ENDPOINT_PASSWORD")
        auth = os.environ.get("KG_ENDPOINT_AUTH", "digest").strip().lower()
        if auth not in ("digest", "basic"):
            raise KGError(f"KG_ENDPOINT_AUTH={auth!r}: use digest or basic")
        if user and password is None:
            raise KGError("KG_ENDPOINT_USER is set but KG_ENDPOINT_PASSWORD is not")
        if retries < 0:
            raise KGError("--retries cannot be negative")
        return cls(url, user, password, auth, os.environ.get("KG_ENDPOINT_REALM", "SPARQL"), retries, timeout)

    def opener(self, url: str) -> urllib.request.OpenerDirector:
        """A urllib opener that answers an authentication challenge from ``url`` (another
        service of the same store, such as its Graph Store endpoint) with these credentials."""
        if not self.user:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, self.user, self.password or "")
        handler = (urllib.request.HTTPDigestAuthHandler if self.auth == "digest"
                   else urllib.request.HTTPBasicAuthHandler)(passwords)
        return urllib.request.build_opener(handler)

    def post_query(self, text: str, form: str, default_graphs: Iterable[str] = ()) -> tuple[bytes, str]:
        """Send a query with SPARQLWrapper (POST, content negotiation only); the raw answer
        and its media type."""
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        wrapper = SPARQLWrapper(self.url)
        wrapper.setQuery(text)
        wrapper.queryType = form
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.setReturnFormat(TURTLE if form in GRAPH_FORMS else JSON)
        wrapper.setTimeout(int(self.timeout))
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        if self.user:
            wrapper.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
            wrapper.setCredentials(self.user, self.password, realm=self.realm)

        def attempt() -> tuple[bytes, str]:
            response = wrapper.query().response
            return response.read(), response.headers.get("Content-Type", "")

        try:
            return with_retries(attempt, what=f"{self.url}", retries=self.retries)
        except TimeoutError as exc:
            raise KGError(f"{self.url}: no answer within {self.timeout:g} s (--timeout sets the limit)") from exc
        except SPARQLWrapperException as exc:
            raise KGError(_refusal(self.url, exc)) from exc
        except urllib.error.HTTPError as exc:
            raise KGError(f"{self.url} answered HTTP {exc.code} {exc.reason}") from exc


def _refusal(url: str, exc: Exception) -> str:
    """What an endpoint's error answer says, in one message (SPARQLWrapper keeps the body only
    as the ``repr`` of bytes at the end of its message)."""
    _, _, tail = str(exc).partition("Response:\n")
    try:
        body = ast.literal_eval(tail) if tail else b""
    except (ValueError, SyntaxError):
        body = tail.encode()
    text = body.decode("utf-8", "replace").strip() if isinstance(body, bytes) else str(body)
    kind = type(exc).__name__
    if kind == "Unauthorized":
        return (f"{url} refused the credentials (HTTP 401): set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD "
                "(and KG_ENDPOINT_AUTH=digest or basic)")
    if kind == "EndPointNotFound":
        return f"{url}: no SPARQL endpoint there (HTTP 404)"
    status = {"QueryBadFormed": "HTTP 400", "URITooLong": "HTTP 414", "EndPointInternalError": "HTTP 500"}
    return f"{url} refused the query ({status.get(kind, kind)}): {text[:2000]}"


def run_remote(endpoint: Endpoint, query: Query, bindings: Mapping[str, Term],
               default_graphs: Iterable[str] = ()) -> Result:
    """Run the query on ``endpoint`` and parse the answer into the shape a local run gives."""
    text, _ = with_prefixes(query.text)
    form = query_form(text)
    raw, media_type = endpoint.post_query(with_values(text, bindings), form, default_graphs)
    try:
        if form in GRAPH_FORMS:
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(raw, format=rdf_format)]
        results_format = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
        return ox.parse_query_results(raw, format=results_format)
    except (SyntaxError, ValueError) as exc:
        raise KGError(f"{endpoint.url} answered something that is not a SPARQL result "
                      f"({media_type or 'no media type'}): {exc}") from exc


# --------------------------------------------------------------------------- writing answers

def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace):]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w-]*", local):
            return f"{prefix}:{local}"
    return iri


def _cell(value: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple | None) -> str:
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode):
        return _compact(value.value)
    if isinstance(value, ox.Literal):
        return " ".join(value.value.split())
    return str(value)


def _width(text: str) -> int:
    """Columns a string takes in a terminal: wide (CJK) characters 2, combining marks 0."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _fit(text: str, width: int) -> str:
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    out = ""
    for char in text:
        if _width(out + char) > width - 1:
            break
        out += char
    return out + "…" + " " * (width - 1 - _width(out))


def table(solutions: ox.QuerySolutions) -> str:
    """Aligned columns, long values cut at :data:`TABLE_WIDTH` with an ellipsis, and a count."""
    names = [v.value for v in solutions.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in solutions]
    widths = [min(TABLE_WIDTH, max([_width(name)] + [_width(row[i]) for row in rows])) for i, name in enumerate(names)]
    lines = [names, ["-" * w for w in widths], *rows]
    body = ["  ".join(_fit(cell, w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    return "\n".join(body + [f"({len(rows)} row{'' if len(rows) == 1 else 's'})"]) + "\n"


def render(result: Result, fmt: str | None = None) -> bytes:
    """The answer in ``fmt``: ``table`` (the default for SELECT and ASK), ``csv``, ``tsv``,
    ``json``, ``xml`` (SPARQL 1.1 results formats), ``turtle`` (the default for CONSTRUCT and
    DESCRIBE) or ``ntriples``."""
    if isinstance(result, list):
        fmt = fmt or "turtle"
        if fmt not in GRAPH_FORMATS:
            raise KGError(f"-f {fmt}: a CONSTRUCT or DESCRIBE answer is a graph; use -f turtle or -f ntriples")
        triples = sorted(result, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        prefixes = PREFIXES if fmt == "turtle" else None
        return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
    fmt = fmt or "table"
    if fmt in GRAPH_FORMATS:
        raise KGError(f"-f {fmt}: only a CONSTRUCT or DESCRIBE answer is a graph; use table, csv, tsv, json or xml")
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return b"true\n" if bool(result) else b"false\n"
        return table(result).encode("utf-8")
    return result.serialize(format=RESULT_FORMATS[fmt]) or b""
