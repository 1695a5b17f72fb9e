"""Serve: a read-only SPARQL 1.1 Protocol endpoint over the built graph, on 127.0.0.1.

It lets tools that speak the protocol (SPARQLWrapper, YASGUI, ``kg query --endpoint``) use the
built graph without a database server. Queries run on the on-disk store opened read-only, with
the default graph the union of the named graphs as in ``kg query``; ``default-graph-uri`` and
``named-graph-uri`` set another dataset. Answers follow the Accept header: SPARQL results as
JSON (the default), XML, CSV or TSV; graphs as Turtle (the default) or N-Triples.

Updates are refused: 403 for an ``update`` parameter or an ``application/sparql-update`` body,
400 for an update sent as a ``query`` (it is none); the store is opened read-only besides.
It listens on the loopback interface only: the endpoint has no authentication.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

from kg.errors import KGError
from kg.query import GRAPH_FORMS, Query, query_form, render, run_local
from kg.store import GraphStore

V = TypeVar("V")

HOST = "127.0.0.1"
PATH = "/sparql"
MAX_BODY = 10 * 1024 * 1024

RESULT_TYPES = {  # media type → kg.query.render format; the first is the default
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
BOOLEAN_TYPES = {media: fmt for media, fmt in RESULT_TYPES.items() if fmt in ("json", "xml")}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
}


class ProtocolError(Exception):
    """A request the protocol answers with a 4xx status."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def negotiate(accept: str | None, offered: dict[str, V]) -> tuple[str, V]:
    """The offered media type the Accept header prefers: each type takes the q-value of the most
    specific range that matches it (``text/csv`` over ``text/*`` over ``*/*``); ties go to the
    order of ``offered``, whose first entry also answers a request without Accept."""
    ranges = []
    for part in (accept or "*/*").split(","):
        media, *params = [p.strip().lower() for p in part.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    best: tuple[float, int, str] | None = None
    for position, media_type in enumerate(offered):
        matches = [(2 if media == media_type else 0 if media == "*/*" else 1, q) for media, q in ranges
                   if media in (media_type, media_type.split("/")[0] + "/*", "*/*")]
        if not matches:
            continue
        q = max(matches)[1]
        if q > 0 and (best is None or (q, -position) > best[:2]):
            best = (q, -position, media_type)
    if best is None:
        raise ProtocolError(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer in {accept}; offered: {', '.join(offered)}")
    return best[2], offered[best[2]]


def answer(store: GraphStore, text: str, accept: str | None, default_graphs: list[str],
           named_graphs: list[str]) -> tuple[str, bytes]:
    """Media type and body answering one query; :class:`ProtocolError` for what the client
    must change."""
    try:
        form = query_form(text)
    except KGError as exc:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, str(exc)) from exc
    offered = GRAPH_TYPES if form in GRAPH_FORMS else BOOLEAN_TYPES if form == "ASK" else RESULT_TYPES
    media_type, fmt = negotiate(accept, offered)
    try:
        result = run_local(store, Query(text, "query"), {}, default_graphs, named_graphs)
        return media_type, render(result, fmt)
    except KGError as exc:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, str(exc)) from exc


class _Handler(BaseHTTPRequestHandler):
    """The SPARQL 1.1 Protocol's query operation, by GET or POST, on :data:`PATH`."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"

    def do_GET(self) -> None:
        self._dispatch(lambda: urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))

    def do_POST(self) -> None:
        self._dispatch(self._posted)

    def do_PUT(self) -> None:
        self._refuse_method()

    do_DELETE = do_PATCH = do_PUT

    def _refuse_method(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain", b"read-only SPARQL endpoint: use GET or POST\n",
                   {"Allow": "GET, POST"})

    def _posted(self) -> dict[str, list[str]]:
        """The request's parameters: the URL's, plus a form body or a query body."""
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise ProtocolError(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
        if int(length) > MAX_BODY:
            raise ProtocolError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"bodies are limited to {MAX_BODY} bytes")
        body = self.rfile.read(int(length)).decode("utf-8", "replace")
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media_type == "application/sparql-update":
            raise ProtocolError(HTTPStatus.FORBIDDEN, "read-only SPARQL endpoint: updates are refused")
        if media_type == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(body).items():
                params.setdefault(key, []).extend(values)
        elif media_type == "application/sparql-query":
            params["query"] = [body]
        else:
            raise ProtocolError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                "POST application/x-www-form-urlencoded or application/sparql-query")
        return params

    def _dispatch(self, read_params: Callable[[], dict[str, list[str]]]) -> None:
        try:
            path = urllib.parse.urlsplit(self.path).path
            if path == "/":
                self._send(HTTPStatus.OK, "text/plain", f"SPARQL endpoint: {self.server.url}\n".encode())
                return
            if path != PATH:
                raise ProtocolError(HTTPStatus.NOT_FOUND, f"the SPARQL endpoint is {PATH}")
            params = read_params()
            if "update" in params:
                raise ProtocolError(HTTPStatus.FORBIDDEN, "read-only SPARQL endpoint: updates are refused")
            queries = params.get("query", [])
            if len(queries) != 1:
                raise ProtocolError(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
            media_type, body = answer(self.server.store, queries[0], self.headers.get("Accept"),
                                      params.get("default-graph-uri", []), params.get("named-graph-uri", []))
            self._send(HTTPStatus.OK, media_type, body)
        except ProtocolError as exc:
            self._send(exc.status, "text/plain", f"{exc}\n".encode())

    def _send(self, status: HTTPStatus, media_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        """The answer; after a refusal the connection closes, as a body may be left unread."""
        self.send_response(status)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != HTTPStatus.OK:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


class SparqlServer(ThreadingHTTPServer):
    """A threaded HTTP server holding the store its handlers query."""

    daemon_threads = True

    def __init__(self, store: GraphStore, port: int, *, quiet: bool = False) -> None:
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            raise KGError(f"cannot listen on {HOST}:{port} ({exc.strerror}); choose another --port") from exc
        self.store = store
        self.quiet = quiet

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}{PATH}"
