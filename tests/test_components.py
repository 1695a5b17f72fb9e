"""The real-component fixtures themselves work (on tiny hand-made inputs).

These never skip: a missing component fails with a message to run scripts/install-test-deps.sh.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from tests.support import ComponentMissing

XSD = "http://www.w3.org/2001/XMLSchema#"

VALID_TURTLE = """\
@prefix kg: <https://w3id.org/cn-asean-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/cn-asean-kg/id/country/vietnam> a kg:Country ;
    rdfs:label "Vietnam"@en ;
    skos:altLabel "Việt Nam"@vi ;
    kg:isoCode "VN" .

<https://w3id.org/cn-asean-kg/id/forum/22nd-china-asean-expo> a kg:Expo ;
    rdfs:label "22nd China-ASEAN Expo"@en ;
    kg:edition 22 ;
    kg:startDate "2025-09-17"^^xsd:date ;
    kg:heldIn <https://w3id.org/cn-asean-kg/id/city/nanning> .
"""

VALID_TRIG = """\
@prefix kg: <https://w3id.org/cn-asean-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/cn-asean-kg/graph/000_x> {
    <https://w3id.org/cn-asean-kg/article/000_x#char=0,7> a kg:Mention ;
        kg:denotes <https://w3id.org/cn-asean-kg/id/country/china> ;
        kg:period "2024"^^xsd:gYear .
}
<https://w3id.org/cn-asean-kg/graph/entities> {
    <https://w3id.org/cn-asean-kg/id/country/china> a kg:Country .
}
"""

INVALID_FILES = {
    "bad_date.ttl": '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<http://example.org/a> <http://example.org/p> "x"^^xsd:date .\n',
    "broken.ttl": '<http://example.org/a> <http://example.org/p> "unterminated .\n',
    "broken.trig": '<http://example.org/g> { <http://example.org/a> <http://example.org/p> <http://example.org/b> \n',
}


# --------------------------------------------------------------------------- Jena riot
@pytest.mark.component
@pytest.mark.parametrize("name,text", [("valid.ttl", VALID_TURTLE), ("valid.trig", VALID_TRIG)], ids=["turtle", "trig"])
def test_riot_accepts_valid_files(tmp_path: Path, name: str, text: str) -> None:
    from tests.support.jena import riot_validate

    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    proc = riot_validate(f)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.component
@pytest.mark.parametrize("name", sorted(INVALID_FILES))
def test_riot_rejects_invalid_files(tmp_path: Path, name: str) -> None:
    from tests.support.jena import riot_validate

    f = tmp_path / name
    f.write_text(INVALID_FILES[name], encoding="utf-8")
    proc = riot_validate(f)
    assert proc.returncode != 0, f"riot accepted {name}:\n{proc.stdout}{proc.stderr}"
    assert "line: 2" in proc.stderr, proc.stderr  # riot names the place
    if name == "bad_date.ttl":
        assert "not valid for datatype" in proc.stderr, proc.stderr


def test_riot_missing_component_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.support import jena

    monkeypatch.setattr(jena, "JENA_CMDS", tmp_path / "no-such.jar")
    jena.jena_classpath.cache_clear()
    try:
        assert not jena.riot_available()
        with pytest.raises(ComponentMissing, match="install-test-deps.sh"):
            jena.riot_validate(Path(__file__))
    finally:
        jena.jena_classpath.cache_clear()


# --------------------------------------------------------------------------- Virtuoso
GRAPH = "https://w3id.org/cn-asean-kg/graph/test-components"


def _rdflib_rows(turtle: str) -> set[tuple]:
    import rdflib

    g = rdflib.Graph()
    g.parse(data=turtle, format="turtle")
    return {(s, p, o) for s, p, o in g}


def _term(b: dict):
    import rdflib

    if b["type"] == "uri":
        return rdflib.URIRef(b["value"])
    if b["type"] in ("literal", "typed-literal"):
        return rdflib.Literal(b["value"], lang=b.get("xml:lang"),
                              datatype=rdflib.URIRef(b["datatype"]) if "datatype" in b else None)
    raise AssertionError(f"unexpected term {b}")


@pytest.mark.component
def test_virtuoso_graph_store_put_sparql_select_and_stop(tmp_path: Path) -> None:
    import requests
    from requests.auth import HTTPBasicAuth, HTTPDigestAuth
    from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper

    from tests.support.virtuoso import VirtuosoServer

    server = VirtuosoServer()
    with server as v:
        assert v.sparql_url.startswith("http://127.0.0.1:")
        # Graph Store protocol: PUT a Turtle document into a named graph (digest auth).
        r = requests.put(v.graph_store_url, params={"graph-uri": GRAPH}, data=VALID_TURTLE.encode("utf-8"),
                         headers={"Content-Type": "text/turtle; charset=utf-8"},
                         auth=HTTPDigestAuth(v.user, v.password), timeout=60)
        assert r.status_code in (200, 201, 204), (r.status_code, r.text[:500])
        # basic auth is refused (a Virtuoso quirk the project must know about)
        r = requests.put(v.graph_store_url, params={"graph-uri": GRAPH}, data=b"",
                         headers={"Content-Type": "text/turtle"},
                         auth=HTTPBasicAuth(v.user, v.password), timeout=60)
        assert r.status_code == 401

        # The same rows back through SPARQLWrapper on the anonymous endpoint.
        sw = SPARQLWrapper(v.sparql_url)
        sw.setQuery(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
        sw.setReturnFormat(JSON)
        bindings = sw.query().convert()["results"]["bindings"]
        got = {(_term(b["s"]), _term(b["p"]), _term(b["o"])) for b in bindings}
        assert got == _rdflib_rows(VALID_TURTLE)

        # SPARQL Update through /sparql-auth with digest auth.
        up = SPARQLWrapper(v.auth_sparql_url)
        up.setHTTPAuth(DIGEST)
        up.setCredentials(v.user, v.password)
        up.setMethod(POST)
        up.setQuery(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:a> <urn:x:p> \"1+1 = 2%\" }} }}")
        up.query()
        rows = v.sparql_select(f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ <urn:x:a> <urn:x:p> ?o }} }}")
        assert [b["o"]["value"] for b in rows] == ["1+1 = 2%"]

        # Bulk load (ld_dir / rdf_loader_run / checkpoint) of a folder outside DirsAllowed.
        load = tmp_path / "load"
        load.mkdir()
        (load / "a.ttl").write_text(VALID_TURTLE, encoding="utf-8")
        (load / "b.trig").write_text(VALID_TRIG, encoding="utf-8")
        assert v.bulk_load(load, graph_iri="urn:x:bulk") == 2
        rows = v.sparql_select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:bulk> { ?s ?p ?o } }")
        assert int(rows[0]["n"]["value"]) == len(_rdflib_rows(VALID_TURTLE))
        rows = v.sparql_select("SELECT ?g WHERE { GRAPH ?g { ?s a <https://w3id.org/cn-asean-kg/ontology#Mention> } }")
        assert [b["g"]["value"] for b in rows] == ["https://w3id.org/cn-asean-kg/graph/000_x"]

        # isql helper (values with '+' and '%' survive isql's URL-decoding of exec=)
        out = v.isql("SELECT 'a+b%41' AS q;").stdout
        assert "a+b%41" in out
        with pytest.raises(RuntimeError, match="isql failed"):
            v.isql("SELECT no_such_column;")
        pid, folder, http_port = v.proc.pid, v.dir, v.http_port

    # stopped cleanly: process gone, port closed, temporary folder removed
    assert server.proc is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", http_port), timeout=2).close()
    assert not folder.exists()


# --------------------------------------------------------------------------- Chromium
def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def _vis_page(path: Path) -> Path:
    js, css = _vis_assets()
    nodes = [{"id": "china", "label": "China", "title": "China (country)"},
             {"id": "vietnam", "label": "Việt Nam", "title": "Vietnam (country)"},
             {"id": 3, "label": "ASEAN", "title": "ASEAN <b>org</b>"}]
    edges = [{"from": "china", "to": "vietnam"}, {"from": "vietnam", "to": 3}]
    html = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>component test</title>
<style>{css}</style>
<script>{js}</script></head>
<body><h1>Tiny network</h1><div id="net" style="width: 900px; height: 600px"></div>
<script>
  const nodes = new vis.DataSet({json.dumps(nodes, ensure_ascii=False)});
  const edges = new vis.DataSet({json.dumps(edges)});
  var network = new vis.Network(document.getElementById("net"), {{nodes: nodes, edges: edges}}, {{}});
</script></body></html>"""
    path.write_text(html, encoding="utf-8")
    return path


@pytest.mark.component
def test_chromium_inspects_inline_vis_network(tmp_path: Path) -> None:
    from tests.support.browser import inspect_page

    page = _vis_page(tmp_path / "tiny.html")
    shot = tmp_path / "tiny.png"
    r = inspect_page(page, hover_node_id="vietnam", screenshot=shot)
    assert r["count_source"] == "network"
    assert r["nodes"] == 3 and r["edges"] == 2
    assert r["blocked_requests"] == []
    assert r["console_errors"] == [] and r["page_errors"] == []
    assert r["stabilization"] == "stabilized"
    assert "Tiny network" in r["text"]
    assert r["tooltip"]["node_under_mouse"] == "vietnam"
    assert r["tooltip"]["text"] == "Vietnam (country)"
    assert r["xss"] is False and r["dialogs"] == []
    assert shot.exists() and shot.stat().st_size > 1000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.component
def test_chromium_blocks_network_and_reports_xss_and_kgview(tmp_path: Path) -> None:
    from tests.support.browser import inspect_page

    page = tmp_path / "hostile.html"
    page.write_text("""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="https://cdn.example.org/bootstrap.css"></head>
<body><p>plain page</p>
<img src="x" onerror="window.__xss = true">
<div class="kg-tooltip" style="display:none">hidden</div>
<script>
  window.kgView = {nodes: [{id: 1}, {id: 2}], edges: [{from: 1, to: 2}]};
  fetch("http://203.0.113.9/beacon").catch(() => {});
</script></body></html>""", encoding="utf-8")
    r = inspect_page(page, wait_stabilized_ms=0)
    assert r["count_source"] == "kgView" and r["nodes"] == 2 and r["edges"] == 1
    assert "https://cdn.example.org/bootstrap.css" in r["blocked_requests"]
    assert "http://203.0.113.9/beacon" in r["blocked_requests"]
    assert r["xss"] is True
    assert r["stabilization"] == "no-network"
    assert r["text"].strip() == "plain page"


def test_browser_missing_component_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.support import browser

    monkeypatch.setenv("KG_CHROMIUM", str(tmp_path / "no-chromium"))
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>")
    with pytest.raises(ComponentMissing, match="install-test-deps.sh"):
        browser.inspect_page(page)


def test_virtuoso_missing_component_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import virtuoso

    monkeypatch.setattr(virtuoso, "VIRTUOSO_T", "no-such-virtuoso-t")
    with pytest.raises(ComponentMissing, match="install-test-deps.sh"):
        virtuoso.VirtuosoServer().start()


def test_edit_ini_keeps_comments_and_replaces_duplicates() -> None:
    from tests.support.virtuoso import edit_ini

    text = "[A]\n; note\nX = 1\nx = 2\n\n[B]\nY = 3\n"
    out = edit_ini(text, {("A", "X"): "9", ("A", "New"): "n", ("B", "Y"): "8", ("C", "Z"): "z"})
    assert out == "[A]\n; note\nX = 9\nx = 9\nNew = n\n\n[B]\nY = 8\n\n[C]\nZ = z\n"
