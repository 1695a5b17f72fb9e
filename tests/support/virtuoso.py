"""A private Virtuoso Open Source 7 instance for tests (Debian ``virtuoso-opensource``).

It never uses the system service: the system ``virtuoso.ini`` is copied into a temporary
folder with every file path pointing there, both servers listen on free loopback ports, and
``virtuoso-t +foreground`` runs as a child of the test process.

Usage::

    with VirtuosoServer() as v:
        requests.put(v.graph_store_url, params={"graph-uri": g}, data=ttl,
                     headers={"Content-Type": "text/turtle"}, auth=HTTPDigestAuth(v.user, v.password))
        SPARQLWrapper(v.sparql_url) ...
        v.bulk_load("some/dir", graph_iri="urn:g")     # ld_dir + rdf_loader_run + checkpoint

A fresh database has user ``dba`` with password ``dba``. Endpoints:

- ``sparql_url``      ``/sparql``: anonymous, read only (updates are refused)
- ``auth_sparql_url`` ``/sparql-auth``: SPARQL Update with HTTP *digest* auth (basic is refused)
- ``graph_store_url`` ``/sparql-graph-crud-auth``: SPARQL 1.1 Graph Store protocol
  (``?graph-uri=…``; PUT/POST/DELETE/GET), digest auth
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Mapping

from . import ComponentMissing

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_T = "virtuoso-t"
ISQL = "isql-vt"

# Bulk-loadable extensions understood by ld_dir (optionally .gz).
RDF_EXTENSIONS = (".ttl", ".nt", ".n3", ".nq", ".trig", ".owl", ".rdf", ".xml")

# Loopback only: never route the fixture's own requests through an environment proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _exec_arg(sql: str) -> str:
    """isql's ``exec=`` value is URL-decoded (``+`` becomes a space, ``%41`` an ``A``): escape."""
    return "exec=" + sql.replace("%", "%25").replace("+", "%2B")


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def edit_ini(text: str, values: Mapping[tuple[str, str], str]) -> str:
    """Set ``[section] key = value`` in an ini text, keeping comments and order; duplicate
    keys are all replaced; missing keys are appended to their section (or a new section)."""
    pending = {(s.lower(), k.lower()): (s, k, v) for (s, k), v in values.items()}
    done: set[tuple[str, str]] = set()
    out: list[str] = []
    section = None

    def flush(sec: str | None) -> None:
        if sec is None:
            return
        for (s, k), (_, key, val) in pending.items():
            if s == sec and (s, k) not in done:
                out.append(f"{key} = {val}")
                done.add((s, k))

    for line in text.splitlines():
        m = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if m:
            # blank lines before the next header stay after the appended keys
            trailing = []
            while out and not out[-1].strip():
                trailing.append(out.pop())
            flush(section)
            out.extend(trailing)
            section = m.group(1).strip().lower()
            out.append(line)
            continue
        m = re.match(r"^(\s*)([A-Za-z0-9_]+)(\s*=\s*)", line)
        if m and section is not None and (section, m.group(2).lower()) in pending:
            _, _, val = pending[(section, m.group(2).lower())]
            out.append(f"{m.group(1)}{m.group(2)}{m.group(3)}{val}")
            done.add((section, m.group(2).lower()))
            continue
        out.append(line)
    flush(section)
    for (s, k), (sec, key, val) in pending.items():
        if (s, k) not in done:
            out.extend(["", f"[{sec}]"])
            for (s2, k2), (_, key2, val2) in pending.items():
                if s2 == s and (s2, k2) not in done:
                    out.append(f"{key2} = {val2}")
                    done.add((s2, k2))
    return "\n".join(out) + "\n"


class VirtuosoServer:
    """A private Virtuoso server in a temporary folder, on free loopback ports.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). Parameters:

    - ``dirs_allowed``: extra folders the server may read (for ``ld_dir``); the server's own
      folder and ``load_dir`` are always allowed.
    - ``ini``: extra ``{(section, key): value}`` settings for the copied ``virtuoso.ini``.
    - ``startup_timeout``: seconds to wait for ``/sparql`` to answer 200.
    - ``keep``: keep the temporary folder after stopping (also ``KG_KEEP_VIRTUOSO=1``).
    """

    user = "dba"
    password = "dba"

    def __init__(self, *, dirs_allowed: tuple[str | os.PathLike, ...] = (), ini: Mapping[tuple[str, str], str] | None = None,
                 startup_timeout: float = 90.0, stop_timeout: float = 60.0, keep: bool | None = None,
                 base_dir: str | os.PathLike | None = None):
        self.dirs_allowed = [Path(d).resolve() for d in dirs_allowed]
        self.ini_overrides = dict(ini or {})
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.keep = keep if keep is not None else os.environ.get("KG_KEEP_VIRTUOSO") == "1"
        self.base_dir = base_dir
        self.dir: Path | None = None
        self.load_dir: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.sql_port = 0
        self.http_port = 0
        self._stdout = None
        self._load_count = 0

    # ------------------------------------------------------------------ URLs
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def auth_sparql_url(self) -> str:
        return f"{self.base_url}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def log_path(self) -> Path:
        assert self.dir is not None
        return self.dir / "virtuoso.log"

    # ------------------------------------------------------------ lifecycle
    @staticmethod
    def available() -> bool:
        return bool(shutil.which(VIRTUOSO_T) and shutil.which(ISQL) and SYSTEM_INI.exists())

    @staticmethod
    def _require() -> None:
        for exe in (VIRTUOSO_T, ISQL):
            if not shutil.which(exe):
                raise ComponentMissing(f"{exe} not found (Debian package virtuoso-opensource)")
        if not SYSTEM_INI.exists():
            raise ComponentMissing(f"{SYSTEM_INI} not found (Debian package virtuoso-opensource)")

    def _write_ini(self) -> Path:
        assert self.dir is not None and self.load_dir is not None
        d = self.dir
        allowed = [".", str(d), str(self.load_dir), "/usr/share/virtuoso-opensource-7/vad",
                   *(str(p) for p in self.dirs_allowed)]
        values: dict[tuple[str, str], str] = {
            ("Database", "DatabaseFile"): str(d / "virtuoso.db"),
            ("Database", "ErrorLogFile"): str(d / "virtuoso.log"),
            ("Database", "LockFile"): str(d / "virtuoso.lck"),
            ("Database", "TransactionFile"): str(d / "virtuoso.trx"),
            ("Database", "xa_persistent_file"): str(d / "virtuoso.pxa"),
            ("TempDatabase", "DatabaseFile"): str(d / "virtuoso-temp.db"),
            ("TempDatabase", "TransactionFile"): str(d / "virtuoso-temp.trx"),
            ("Parameters", "ServerPort"): f"127.0.0.1:{self.sql_port}",
            ("Parameters", "DisableUnixSocket"): "1",
            ("Parameters", "DirsAllowed"): ", ".join(allowed),
            ("HTTPServer", "ServerPort"): f"127.0.0.1:{self.http_port}",
            ("URIQA", "DefaultHost"): f"127.0.0.1:{self.http_port}",
            # whole answers for comparisons with other stores (the default cuts at 10,000 rows)
            ("SPARQL", "ResultSetMaxRows"): "1000000",
        }
        values.update(self.ini_overrides)
        ini = d / "virtuoso.ini"
        ini.write_text(edit_ini(SYSTEM_INI.read_text(errors="replace"), values))
        return ini

    def start(self) -> "VirtuosoServer":
        if self.proc is not None:
            return self
        self._require()
        last_error: Exception | None = None
        for _attempt in range(3):  # a free port can be taken between probing and binding
            self.dir = Path(tempfile.mkdtemp(prefix="kg-virtuoso-", dir=self.base_dir)).resolve()
            self.load_dir = self.dir / "load"
            self.load_dir.mkdir()
            self.sql_port, self.http_port = _free_port(), _free_port()
            while self.http_port == self.sql_port:
                self.http_port = _free_port()
            ini = self._write_ini()
            self._stdout = open(self.dir / "virtuoso-t.out", "wb")
            self.proc = subprocess.Popen(
                [VIRTUOSO_T, "+foreground", "+configfile", str(ini)],
                cwd=self.dir, stdin=subprocess.DEVNULL, stdout=self._stdout, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            atexit.register(self.stop)
            try:
                self._wait_ready()
                return self
            except Exception as e:  # noqa: BLE001
                last_error = e
                tail = self.log_tail()
                self._kill()
                if "already in use" in tail.lower() or "failed to start listening" in tail.lower():
                    self._cleanup(force=True)
                    continue
                self._cleanup(force=False)
                raise
        raise RuntimeError(f"Virtuoso could not start after 3 attempts: {last_error}")

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.startup_timeout
        url = f"{self.sparql_url}?query=ASK%7B%7D"
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"virtuoso-t exited with status {self.proc.returncode} during start-up "
                    f"(folder {self.dir}).\n--- log tail ---\n{self.log_tail()}")
            try:
                with _OPENER.open(url, timeout=5) as resp:
                    if resp.status == 200:
                        return
                    last = f"HTTP {resp.status}"
            except urllib.error.HTTPError as e:
                last = f"HTTP {e.code}"
            except (urllib.error.URLError, OSError) as e:
                last = str(e)
            time.sleep(0.25)
        raise RuntimeError(
            f"Virtuoso did not answer 200 on {url} within {self.startup_timeout:.0f} s (last: {last}; "
            f"folder {self.dir}).\n--- log tail ---\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if self.dir is None:
            return ""
        parts = []
        for f in (self.dir / "virtuoso.log", self.dir / "virtuoso-t.out"):
            try:
                text = f.read_text(errors="replace").splitlines()
            except OSError:
                continue
            if text:
                parts.append(f"[{f.name}]\n" + "\n".join(text[-lines:]))
        return "\n".join(parts) or "(no log)"

    def stop(self) -> None:
        """checkpoint; shutdown through isql, then wait for the process (kill after a bounded time)."""
        if self.proc is None:
            return
        try:
            atexit.unregister(self.stop)
        except Exception:  # noqa: BLE001
            pass
        if self.proc.poll() is None:
            try:
                subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", self.user, self.password,
                                "exec=checkpoint; shutdown;"],
                               capture_output=True, timeout=self.stop_timeout, check=False,
                               stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                pass
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self._kill()
        self._cleanup(force=False)

    def _kill(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)

    def _cleanup(self, *, force: bool) -> None:
        self.proc = None
        if self._stdout is not None:
            self._stdout.close()
            self._stdout = None
        if self.dir is not None and (force or not self.keep):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "VirtuosoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ SQL
    def isql(self, sql: str, *, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run SQL through ``isql-vt <port> dba dba exec=…``; raise on an error when ``check``
        (isql exits 0 even then: errors are ``*** Error`` lines, on stderr)."""
        if self.proc is None:
            raise RuntimeError("Virtuoso is not running")
        proc = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", self.user, self.password, _exec_arg(sql)],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)
        if check and (proc.returncode != 0 or "*** Error" in proc.stdout or "*** Error" in proc.stderr):
            raise RuntimeError(f"isql failed ({proc.returncode}) for: {sql}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def bulk_load(self, directory: str | os.PathLike, graph_iri: str | None = None, *,
                  pattern: str = "*") -> int:
        """Bulk-load every RDF file matching ``pattern`` in ``directory`` (ld_dir,
        rdf_loader_run, checkpoint). Triples in files without a graph of their own (Turtle,
        N-Triples) go to ``graph_iri`` (required for them); TriG/N-Quads keep their graphs.
        Folders outside the allowed ones are copied (hard-linked when possible) into
        ``load_dir`` first. Returns the number of files loaded; raises on any load error."""
        if self.proc is None or self.load_dir is None:
            raise RuntimeError("Virtuoso is not running")
        src = Path(directory).resolve()
        files = sorted(p for p in src.glob(pattern) if p.is_file()
                       and p.name.lower().removesuffix(".gz").endswith(RDF_EXTENSIONS))
        if not files:
            raise ValueError(f"no RDF files matching {pattern!r} in {src}")
        needs_graph = [p.name for p in files if not p.name.lower().removesuffix(".gz").endswith((".nq", ".trig"))]
        if needs_graph and not graph_iri:
            raise ValueError(f"graph_iri is required to bulk-load triples files: {needs_graph[:3]}")
        allowed = [self.dir, self.load_dir, *self.dirs_allowed]
        if not any(src == a or a in src.parents for a in allowed if a is not None):
            self._load_count += 1
            dest = self.load_dir / f"batch{self._load_count}"
            dest.mkdir()
            for p in files:
                try:
                    os.link(p, dest / p.name)
                except OSError:
                    shutil.copy2(p, dest / p.name)
            src = dest
        self.isql(f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE {_sql_str(str(src) + '/%')};")
        graph = _sql_str(graph_iri) if graph_iri else "NULL"
        self.isql(f"ld_dir({_sql_str(str(src))}, {_sql_str(pattern)}, {graph});")
        self.isql("rdf_loader_run(); checkpoint;")
        errors = self.isql(
            "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST "
            f"WHERE ll_file LIKE {_sql_str(str(src) + '/%')} AND (ll_error IS NOT NULL OR ll_state <> 2);")
        m = re.search(r"(\d+) Rows\.", errors.stdout)
        if m is None or int(m.group(1)) > 0:
            raise RuntimeError(f"bulk load reported errors:\n{errors.stdout}")
        count = self.isql(f"SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE {_sql_str(str(src) + '/%')};")
        m = re.search(r"^\s*(\d+)\s*$", count.stdout, re.M)
        return int(m.group(1)) if m else len(files)

    def sparql_json(self, query: str, timeout: float = 120) -> dict:
        """Any query through /sparql (anonymous), answered as SPARQL JSON results."""
        import json
        import urllib.parse
        data = urllib.parse.urlencode({"query": query}).encode()
        req = urllib.request.Request(self.sparql_url, data=data,
                                     headers={"Accept": "application/sparql-results+json"})
        with _OPENER.open(req, timeout=timeout) as resp:
            return json.load(resp)

    def sparql_select(self, query: str, timeout: float = 120) -> list[dict]:
        """A SELECT through /sparql (anonymous): the list of SPARQL JSON bindings."""
        return self.sparql_json(query, timeout)["results"]["bindings"]

    def sparql_ask(self, query: str, timeout: float = 120) -> bool:
        return bool(self.sparql_json(query, timeout)["boolean"])


__all__ = ["VirtuosoServer", "edit_ini"]
