"""The network view (``kg viz``) and ``kg stats``: what a person sees, checked against the store.

Counts are taken with SPARQL on the store, independently of the view's own queries. The
browser tests (marker ``component``) open the pages in Debian's headless Chromium with the
network blocked (tests/support/browser.py); their screenshots go to tests/artifacts/.

The synthetic store (:func:`synthetic_store`) follows the data contract of
docs/architecture.md quad by quad, so a 5,000-entity graph can be made in seconds without
the extractor; benchmarks/view_bench.py uses it too.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.cli import main
from kg.errors import KGError
from kg.paths import SEEDS_DIR
from kg.query import resolve
from kg.store import GraphStore
from kg.view import Selection, embed_json, render, view_data, write_view
from kg.vocab import ARTICLE_NS, DCTERMS, ENTITIES_GRAPH, GRAPH_NS, ID_NS, KG_NS, NIF, RDF, RDFS, SCHEMA, SKOS, XSD

PREFIXES = f"PREFIX kg: <{KG_NS}>\nPREFIX dcterms: <{DCTERMS}>\nPREFIX schema: <{SCHEMA}>\n"
NANNING = ID_NS + "place/nanning"
CHINA = ID_NS + "country/china"
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'


# --------------------------------------------------------------------------- stores

@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles built into a fresh output folder."""
    out = tmp_path_factory.mktemp("seed") / "out"
    build([SEEDS_DIR], out, html=False)
    return out


@pytest.fixture(scope="module")
def seed_store(seed_out: Path) -> GraphStore:
    return GraphStore.open(seed_out, read_only=True)


def count(store: GraphStore, sparql: str) -> int:
    return int(next(iter(store.query(PREFIXES + sparql)))["n"].value)


def entity_count(store: GraphStore, where: str = "") -> int:
    """Entities with a class of the ontology, as the data contract defines them."""
    return count(store, f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?c . {where}
        FILTER(STRSTARTS(STR(?e), "{ID_NS}") && STRSTARTS(STR(?c), "{KG_NS}")) }}""")


def relation_count(store: GraphStore) -> int:
    """Distinct statements linking two entities (a ``skos:inScheme`` to the topic scheme is not one)."""
    return count(store, f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
        {{ SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), "{ID_NS}") && STRSTARTS(STR(?c), "{KG_NS}")) }} }}
        ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{ID_NS}"))
        FILTER EXISTS {{ ?o a ?co FILTER(STRSTARTS(STR(?co), "{KG_NS}")) }} }} }}""")


def quoted(data: dict, indices: list[int]) -> list[list[str]]:
    """``[text, stem]`` of the page's sentences at ``indices`` (nodes and edges refer to them)."""
    return [data["sentences"][i] for i in indices]


def sentences_of(store: GraphStore, entity: str) -> set[str]:
    rows = store.query(f"""PREFIX kg: <{KG_NS}> PREFIX nif: <{NIF}>
        SELECT DISTINCT ?text WHERE {{ ?m kg:denotes <{entity}> ; kg:inSentence ?s . ?s nif:anchorOf ?text }}""")
    return {row["text"].value for row in rows}


# --------------------------------------------------------------------------- synthetic graph

SYNTHETIC_TYPES = (("Topic", "Topic", 22), ("Person", "Person", 20), ("Organization", "Company", 18),
                   ("Place", "City", 12), ("Forum", "Expo", 10), ("Project", "Project", 6),
                   ("Agreement", "Memorandum", 6), ("Initiative", "Initiative", 4), ("Country", "Country", 2))
SYNTHETIC_RELATIONS = ("heldIn", "partOf", "organizer", "participant", "topic", "party", "affiliation",
                       "locatedIn", "memberOf", "cooperatesWith")


def synthetic_store(out: Path, entities: int, *, seed: int = 1) -> GraphStore:
    """An on-disk store shaped like a built one, with ``entities`` entities, in ``out/store``.

    Each article names 8 entities of its own and 4 of 50 hubs (Zipf-like, as news keeps naming
    the same countries), three to a sentence in random order; the entities of a sentence are related pairwise,
    with an assertion giving the sentence as evidence. Forums get editions and dates, persons
    roles; the shared entities graph holds types and labels."""
    rng = random.Random(seed)
    weights = [w for _, _, w in SYNTHETIC_TYPES]
    kinds = [rng.choices(SYNTHETIC_TYPES, weights)[0] for _ in range(entities)]
    ids = [f"{ID_NS}{top.lower()}/synthetic-{i}" for i, (top, _, _) in enumerate(kinds)]
    names = [f"{top} {i}" for i, (top, _, _) in enumerate(kinds)]
    order = list(range(entities))
    rng.shuffle(order)
    hubs = order[:50]
    out.mkdir(parents=True, exist_ok=True)
    store = GraphStore.open(out, create=True)
    quads: list[ox.Quad] = []
    entities_graph = ox.NamedNode(ENTITIES_GRAPH)
    for i, (_, cls, _) in enumerate(kinds):
        node = ox.NamedNode(ids[i])
        quads += [ox.Quad(node, _rdf("type"), ox.NamedNode(KG_NS + cls), entities_graph),
                  ox.Quad(node, ox.NamedNode(RDFS + "label"), ox.Literal(names[i], language="en"), entities_graph),
                  ox.Quad(node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(names[i], language="en"), entities_graph)]
    for number, start in enumerate(range(0, entities, 8)):
        chosen = order[start:start + 8] + rng.choices(hubs, [1 / (r + 1) for r in range(len(hubs))], k=4)
        rng.shuffle(chosen)
        quads += _synthetic_article(number, chosen, ids, names, kinds, rng)
    store.store.bulk_extend(quads)
    store.flush()
    return store


def _synthetic_article(number: int, chosen: list[int], ids: list[str], names: list[str],
                       kinds: list[tuple[str, str, int]], rng: random.Random) -> list[ox.Quad]:
    stem = f"synthetic_{number:05d}"
    graph = ox.NamedNode(GRAPH_NS + stem)
    article = ox.NamedNode(ARTICLE_NS + stem)
    lang = ("en", "nl", "vi")[number % 3]
    body, quads = "", []
    for s in range(0, len(chosen), 3):
        members = list(dict.fromkeys(chosen[s:s + 3]))
        begin = len(body) + (1 if body else 0)
        body += ("\n" if body else "") + " and ".join(names[m] for m in members) + " met."
        sentence = ox.NamedNode(f"{ARTICLE_NS}{stem}#char={begin},{len(body)}")
        quads += [ox.Quad(sentence, _rdf("type"), _kg("Sentence"), graph),
                  ox.Quad(sentence, _kg("inArticle"), article, graph),
                  ox.Quad(sentence, ox.NamedNode(NIF + "anchorOf"), ox.Literal(body[begin:]), graph),
                  ox.Quad(sentence, ox.NamedNode(NIF + "beginIndex"), _int(begin), graph),
                  ox.Quad(sentence, ox.NamedNode(NIF + "endIndex"), _int(len(body)), graph)]
        offset = begin
        for m in members:
            quads += _synthetic_mention(stem, graph, article, sentence, offset, ids[m], names[m], kinds[m], lang)
            offset += len(names[m]) + len(" and ")
        for a, b in zip(members, members[1:] + members[:1]):
            if a != b and len(members) > 1:
                quads += _synthetic_relation(stem, graph, article, sentence, ids[a], ids[b], rng)
    quads += [ox.Quad(article, _rdf("type"), _kg("Article"), graph),
              ox.Quad(article, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(stem), graph),
              ox.Quad(article, ox.NamedNode(DCTERMS + "language"), ox.Literal(lang), graph),
              ox.Quad(article, ox.NamedNode(DCTERMS + "title"), ox.Literal(f"Synthetic article {number}"), graph),
              ox.Quad(article, ox.NamedNode(SCHEMA + "datePublished"),
                      ox.Literal((date(2020, 1, 1) + timedelta(days=number)).isoformat(),
                                 datatype=ox.NamedNode(XSD + "date")), graph),
              ox.Quad(article, ox.NamedNode(SCHEMA + "url"), ox.NamedNode(f"https://example.org/news/{number}"), graph),
              ox.Quad(article, ox.NamedNode(SCHEMA + "articleBody"), ox.Literal(body), graph),
              ox.Quad(article, _kg("fileName"), ox.Literal(stem + ".txt"), graph),
              ox.Quad(article, _kg("contentHash"), ox.Literal("sha256:" + hashlib.sha256(body.encode()).hexdigest()), graph)]
    return quads


def _synthetic_mention(stem: str, graph: ox.NamedNode, article: ox.NamedNode, sentence: ox.NamedNode,
                       begin: int, iri: str, name: str, kind: tuple[str, str, int], lang: str) -> list[ox.Quad]:
    mention = ox.NamedNode(f"{ARTICLE_NS}{stem}#mention={begin},{begin + len(name)}")
    entity = ox.NamedNode(iri)
    quads = [ox.Quad(mention, _rdf("type"), _kg("Mention"), graph),
             ox.Quad(mention, _kg("denotes"), entity, graph),
             ox.Quad(mention, _kg("inArticle"), article, graph),
             ox.Quad(mention, _kg("inSentence"), sentence, graph),
             ox.Quad(mention, ox.NamedNode(NIF + "anchorOf"), ox.Literal(name), graph),
             ox.Quad(mention, ox.NamedNode(NIF + "beginIndex"), _int(begin), graph),
             ox.Quad(mention, ox.NamedNode(NIF + "endIndex"), _int(begin + len(name)), graph),
             ox.Quad(entity, _rdf("type"), _kg(kind[1]), graph),
             ox.Quad(entity, ox.NamedNode(SKOS + "altLabel"), ox.Literal(name, language=lang), graph)]
    if kind[0] == "Person":
        quads.append(ox.Quad(entity, _kg("role"), ox.Literal("Minister", language="en"), graph))
    if kind[0] == "Forum":
        quads.append(ox.Quad(entity, _kg("edition"), _int(int(iri.rsplit("-", 1)[1]) % 30 + 1), graph))
    return quads


def _synthetic_relation(stem: str, graph: ox.NamedNode, article: ox.NamedNode, sentence: ox.NamedNode,
                        subject: str, obj: str, rng: random.Random) -> list[ox.Quad]:
    prop = _kg(rng.choice(SYNTHETIC_RELATIONS))
    fact = ox.NamedNode(f"{ARTICLE_NS}{stem}#fact-{hashlib.sha1((subject + prop.value + obj).encode()).hexdigest()[:16]}")
    return [ox.Quad(ox.NamedNode(subject), prop, ox.NamedNode(obj), graph),
            ox.Quad(fact, _rdf("type"), _kg("Assertion"), graph),
            ox.Quad(fact, _rdf("subject"), ox.NamedNode(subject), graph),
            ox.Quad(fact, _rdf("predicate"), prop, graph),
            ox.Quad(fact, _rdf("object"), ox.NamedNode(obj), graph),
            ox.Quad(fact, _kg("evidence"), sentence, graph),
            ox.Quad(fact, _kg("inArticle"), article, graph)]


def _kg(name: str) -> ox.NamedNode:
    return ox.NamedNode(KG_NS + name)


def _rdf(name: str) -> ox.NamedNode:
    return ox.NamedNode(RDF + name)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))


@pytest.fixture(scope="module")
def big_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "out"
    synthetic_store(out, 5000)
    return out


# --------------------------------------------------------------------------- what the view holds

def test_whole_graph_has_every_entity_and_relation(seed_store: GraphStore) -> None:
    data = view_data(seed_store)
    assert len(data["nodes"]) == entity_count(seed_store)
    assert len(data["edges"]) == relation_count(seed_store)
    assert {n["type"] for n in data["nodes"]} == {c["type"] for c in data["classes"]}


def test_literals_go_to_tooltips_not_nodes(seed_store: GraphStore) -> None:
    data = view_data(seed_store)
    ids = {n["id"] for n in data["nodes"]}
    assert all(i.startswith(ID_NS) for i in ids)
    facts = {(n["id"], p, v) for n in data["nodes"] for p, v in n["facts"]}
    names = {"edition": "edition", "startDate": "start date", "endDate": "end date", "date": "date", "role": "role"}
    rows = seed_store.query(f"""SELECT DISTINCT ?e ?p ?v WHERE {{ ?e ?p ?v FILTER(isLiteral(?v) && ?p IN
        ({", ".join(f"<{KG_NS}{p}>" for p in names)})) }}""")
    stated = {(row["e"].value, names[row["p"].value[len(KG_NS):]], row["v"].value) for row in rows}
    assert stated and stated <= facts
    assert any("USD" in f for n in data["nodes"] for f in n["figures"])


def test_node_carries_labels_articles_and_sentences(seed_store: GraphStore) -> None:
    data = view_data(seed_store)
    nanning = next(n for n in data["nodes"] if n["id"] == NANNING)
    assert ["Nam Ninh", "vi"] in nanning["labels"]
    mentioned_in = count(seed_store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?m kg:denotes <{NANNING}> ; kg:inArticle ?a }}")
    assert nanning["articles"] == mentioned_in
    assert {text for text, _ in quoted(data, nanning["sentences"])} == sentences_of(seed_store, NANNING)
    assert all(data["articles"][stem]["url"].startswith("https://") for _, stem in quoted(data, nanning["sentences"])
               if data["articles"][stem]["url"])


def test_focus_matches_a_label_in_any_language_ignoring_case_and_accents(seed_store: GraphStore) -> None:
    rows = seed_store.query(f"""SELECT DISTINCT ?x WHERE {{ {{ <{NANNING}> ?p ?x }} UNION {{ ?x ?p <{NANNING}> }}
        FILTER(STRSTARTS(STR(?x), "{ID_NS}")) }}""")
    expected = {row["x"].value for row in rows} | {NANNING}
    for spelling in ("Nanning", "NANNING", "nam ninh", "Nam Ninh"):
        data = view_data(seed_store, Selection(focus=spelling, depth=1))
        assert {n["id"] for n in data["nodes"]} == expected, spelling


def test_focus_depth_grows_the_neighbourhood(seed_store: GraphStore) -> None:
    near = view_data(seed_store, Selection(focus="Nanning", depth=1))
    far = view_data(seed_store, Selection(focus="Nanning", depth=2))
    assert len(far["nodes"]) > len(near["nodes"])
    assert view_data(seed_store, Selection(focus="Nanning", depth=0))["nodes"][0]["id"] == NANNING


def test_unknown_focus_is_a_user_error(seed_store: GraphStore) -> None:
    with pytest.raises(KGError, match="no entity labelled"):
        view_data(seed_store, Selection(focus="Atlantis"))


def test_type_filter_keeps_those_types_and_the_focus(seed_store: GraphStore) -> None:
    data = view_data(seed_store, Selection(types=frozenset({"Country", "Forum"})))
    assert {n["type"] for n in data["nodes"]} == {"Country", "Forum"}
    assert len(data["nodes"]) == sum(c["count"] for c in view_data(seed_store)["classes"]
                                     if c["type"] in {"Country", "Forum"})
    focused = view_data(seed_store, Selection(focus="Nanning", depth=1, types=frozenset({"Forum"})))
    assert {n["type"] for n in focused["nodes"]} == {"Forum", "Place"}


def test_article_filters_keep_what_those_articles_say(seed_store: GraphStore) -> None:
    stems = {row["stem"].value: (row["lang"].value, row["date"].value if row["date"] else None)
             for row in seed_store.query(PREFIXES + """SELECT ?stem ?lang ?date WHERE { ?a a kg:Article ;
                 dcterms:identifier ?stem ; dcterms:language ?lang OPTIONAL { ?a schema:datePublished ?date } }""")}
    stem = sorted(stems)[0]
    data = view_data(seed_store, Selection(article=stem))
    expected = count(seed_store, f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?m kg:denotes ?e ; kg:inArticle ?a .
        ?a dcterms:identifier "{stem}" }}""")
    assert len(data["nodes"]) == expected
    assert all(s == stem for _, s in data["sentences"])  # the nodes' and the edges' sentences
    lang = stems[stem][0]
    by_lang = view_data(seed_store, Selection(article_lang=lang))
    assert {stems[s][0] for n in by_lang["nodes"] for _, s in quoted(by_lang, n["sentences"])} == {lang}
    dated = sorted(d for _, d in stems.values() if d)
    since = view_data(seed_store, Selection(since=date.fromisoformat(dated[-1])))
    assert {stems[s][1] for n in since["nodes"] for _, s in quoted(since, n["sentences"])} == {dated[-1]}
    with pytest.raises(KGError, match="no article"):
        view_data(seed_store, Selection(article="no-such-article"))
    with pytest.raises(KGError, match="after"):
        view_data(seed_store, Selection(since=date(2025, 1, 2), until=date(2025, 1, 1)))


def test_label_language_with_english_fallback(seed_store: GraphStore) -> None:
    def label(lang: str, iri: str) -> str:
        return next(n["label"] for n in view_data(seed_store, Selection(lang=lang))["nodes"] if n["id"] == iri)

    assert label("vi", CHINA) == "Trung Quốc"
    assert label("vi", NANNING) == "Nam Ninh"
    assert label("en", CHINA) == "China"
    assert label("nl", ID_NS + "country/indonesia") == "Indonesië"
    person = next(n for n in view_data(seed_store)["nodes"] if n["type"] == "Person" and
                  not any(lang == "vi" for _, lang in n["labels"]))
    assert label("vi", person["id"]) == person["label"]
    assert view_data(seed_store, Selection(lang="nl"))["classes"][0]["label"] == "Land"


def test_construct_query_is_drawn(seed_store: GraphStore) -> None:
    text = "CONSTRUCT { ?f kg:heldIn ?p . ?f kg:edition ?n } WHERE { ?f kg:heldIn ?p OPTIONAL { ?f kg:edition ?n } }"
    data = view_data(seed_store, Selection(query=resolve(text)))
    pairs = {(row["f"].value, row["p"].value) for row in seed_store.query(
        f"SELECT DISTINCT ?f ?p WHERE {{ ?f <{KG_NS}heldIn> ?p }}")}
    assert len(data["edges"]) == len(pairs)
    assert {n["id"] for n in data["nodes"]} == {f for f, _ in pairs} | {p for _, p in pairs}
    assert all(n["sentences"] for n in data["nodes"])
    with pytest.raises(KGError, match="CONSTRUCT"):
        view_data(seed_store, Selection(query=resolve("SELECT * WHERE { ?s ?p ?o } LIMIT 1")))


def test_library_construct_query_with_a_parameter(seed_out: Path, tmp_path: Path) -> None:
    page = tmp_path / "vietnam.html"
    assert main(["viz", "-o", str(seed_out), "--html", str(page), "--query", "neighbourhood",
                 "--param", f"entity={ID_NS}country/vietnam"]) == 0
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page.read_text(encoding="utf-8")).group(1))
    assert ID_NS + "country/vietnam" in {n["id"] for n in data["nodes"]} and data["edges"]


def test_cap_keeps_the_most_central_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = synthetic_store(tmp_path / "out", 400)
    data = view_data(store, Selection(max_nodes=100))
    assert len(data["nodes"]) == 100
    assert "300 entities" in data["omitted"]
    degrees = sorted((n["degree"] for n in view_data(store)["nodes"]), reverse=True)
    assert min(n["degree"] for n in data["nodes"]) >= degrees[150]
    write_view(store, tmp_path / "capped.html", Selection(max_nodes=100))
    assert "300 entities" in capsys.readouterr().err


def test_tooltips_hold_the_first_sentences_in_article_order(tmp_path: Path) -> None:
    """Hubs' sentences and relations' evidence are read from a prefix of the articles: they must
    still be the first ones (by article, then position), with the right counts, as SPARQL says."""
    store = synthetic_store(tmp_path / "out", 3000)
    limit, per_edge = 20, 3
    lang_nl = Selection(max_nodes=120, article_lang="nl")
    for selection in (Selection(max_nodes=120), lang_nl):
        data = view_data(store, selection)
        where = 'FILTER(?lang = "nl")' if selection.article_lang else ""
        rows = store.query(f"""PREFIX kg: <{KG_NS}> PREFIX nif: <{NIF}> PREFIX dcterms: <{DCTERMS}>
            SELECT DISTINCT ?e ?stem ?begin ?text WHERE {{ ?m kg:denotes ?e ; kg:inArticle ?a ; kg:inSentence ?s .
            ?a dcterms:identifier ?stem ; dcterms:language ?lang . ?s nif:beginIndex ?begin ; nif:anchorOf ?text {where} }}""")
        said: dict[str, list[tuple[str, int, str]]] = {}
        for row in rows:
            said.setdefault(row["e"].value, []).append((row["stem"].value, int(row["begin"].value), row["text"].value))
        hubs = 0
        for node in data["nodes"]:
            expected = sorted(said[node["id"]])
            hubs += len(expected) > 4 * limit  # read from a prefix of the articles
            assert quoted(data, node["sentences"]) == [[text, stem] for stem, _, text in expected[:limit]]
            assert node["more"]["sentences"] == max(0, len(expected) - limit)
            assert node["articles"] == len({stem for stem, _, _ in expected})
        assert hubs
    data = view_data(store, Selection(max_nodes=120))
    rows = store.query(f"""PREFIX kg: <{KG_NS}> PREFIX nif: <{NIF}> PREFIX dcterms: <{DCTERMS}> PREFIX rdf: <{RDF}>
        SELECT ?s ?p ?o ?stem ?begin ?text WHERE {{ ?x rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        kg:evidence ?e ; kg:inArticle ?a . ?a dcterms:identifier ?stem . ?e nif:beginIndex ?begin ; nif:anchorOf ?text }}""")
    evidence: dict[tuple[str, str, str], set[tuple[str, int, str]]] = {}
    for row in rows:
        evidence.setdefault((row["s"].value, row["p"].value, row["o"].value), set()).add(
            (row["stem"].value, int(row["begin"].value), row["text"].value))
    ids = [n["id"] for n in data["nodes"]]
    for source, target, prop, shown, more in data["edges"]:
        expected = sorted(evidence.get((ids[source], prop, ids[target]), ()))
        assert quoted(data, shown) == [[text, stem] for stem, _, text in expected[:per_edge]]
        assert more == len(expected) - len(shown)


def _busy_hub(store: GraphStore, figures: int, dates: int, labels: int) -> str:
    """The most mentioned entity of a synthetic store, given ``figures`` observations and
    ``dates`` start dates in each article that mentions it, and ``labels`` more labels: a hub
    whose tooltip must be capped. Observation ``k`` of an article is at position ``1000 + k``."""
    hub = next(iter(store.query(f"""SELECT ?e (COUNT(?m) AS ?n) WHERE {{ ?m <{KG_NS}denotes> ?e }}
        GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""")))["e"]
    graphs = [row["g"] for row in store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?m <{KG_NS}denotes> <{hub.value}> }} }}")]
    quads = [ox.Quad(hub, ox.NamedNode(SKOS + "altLabel"), ox.Literal(f"Hub name {i:02d}", language="en"),
                     ox.NamedNode(ENTITIES_GRAPH)) for i in range(labels)]
    for n, graph in enumerate(sorted(graphs, key=lambda g: g.value)):
        stem = graph.value.rsplit("/", 1)[-1]
        for k in range(figures):
            obs = ox.NamedNode(f"{ARTICLE_NS}{stem}#figure={1000 + k},{1010 + k}")
            quads += [ox.Quad(obs, _rdf("type"), _kg("Observation"), graph), ox.Quad(obs, _kg("about"), hub, graph),
                      ox.Quad(obs, _kg("value"), ox.Literal(str(100 * n + k), datatype=ox.NamedNode(XSD + "decimal")), graph),
                      ox.Quad(obs, _kg("unit"), ox.Literal("USD"), graph),
                      ox.Quad(obs, ox.NamedNode(NIF + "beginIndex"), _int(1000 + k), graph)]
        quads += [ox.Quad(hub, _kg("startDate"), ox.Literal((date(2000, 1, 1) + timedelta(days=dates * n + d)).isoformat(),
                                                             datatype=ox.NamedNode(XSD + "date")), graph)
                  for d in range(dates)]
    store.store.bulk_extend(quads)
    store.flush()
    return hub.value


def test_a_hubs_tooltip_is_capped_and_says_how_much_was_left_out(tmp_path: Path) -> None:
    """A hub's figures, facts and labels grow with the corpus; its tooltip keeps the first few
    (figures in article order, facts and labels sorted) and counts the rest, as SPARQL does."""
    store = synthetic_store(tmp_path / "out", 300)
    hub = _busy_hub(store, figures=3, dates=4, labels=40)
    for selection, where in ((Selection(max_nodes=60), ""), (Selection(max_nodes=60, article_lang="nl"), '"nl"')):
        node = next(n for n in view_data(store, selection)["nodes"] if n["id"] == hub)
        language = f"?a <{DCTERMS}language> {where} ." if where else ""
        figures = [(row["stem"].value, int(row["b"].value), f'figure: {row["v"].value} USD') for row in store.query(
            f"""SELECT ?stem ?b ?v WHERE {{ GRAPH ?g {{ ?x <{KG_NS}about> <{hub}> ; <{KG_NS}value> ?v ;
            <{NIF}beginIndex> ?b . ?a <{DCTERMS}identifier> ?stem . {language} }} }}""")]
        assert len(figures) > 20
        assert node["figures"] == sorted(text for _, _, text in sorted(figures)[:20])
        assert node["more"]["figures"] == len(figures) - 20
        facts = sorted((p, v) for p, v in node["facts"])
        assert len(node["facts"]) == 30 and [list(f) for f in facts] == node["facts"]
        dates = {row["d"].value for row in store.query(f"""SELECT DISTINCT ?d WHERE {{ GRAPH ?g {{
            <{hub}> <{KG_NS}startDate> ?d . ?a <{DCTERMS}identifier> ?stem . {language} }} }}""")}
        shown = {v for p, v in node["facts"] if p == "start date"}
        assert shown == set(sorted(dates)[:len(shown)]) and node["more"]["facts"] >= len(dates) - len(shown) > 0
        assert len(node["labels"]) == 30 and node["more"]["labels"] >= 10


def test_large_views_get_positions_and_no_physics(tmp_path: Path) -> None:
    store = synthetic_store(tmp_path / "out", 600)
    data = view_data(store)
    assert data["physics"] is False
    positions = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) == len(data["nodes"])
    assert view_data(store, Selection(max_nodes=200))["physics"] is True


def test_communities_cover_related_entities(seed_store: GraphStore) -> None:
    data = view_data(seed_store)
    assert data["communities"] and all(c["size"] >= 2 for c in data["communities"])
    assert sum(c["size"] for c in data["communities"]) <= len(data["nodes"])
    assert all(0 <= n["community"] < len(data["nodes"]) for n in data["nodes"])


# --------------------------------------------------------------------------- the page is safe

def test_embedded_json_cannot_end_its_script_block() -> None:
    text = embed_json({"s": XSS_SCRIPT + XSS_IMG + "</script><!-- \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text


def test_page_is_self_contained_with_a_hash_only_policy(seed_store: GraphStore) -> None:
    page = render(view_data(seed_store))
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "default-src 'none'" in policy
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    blocks = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert len(blocks) == 2
    assert policy.count("'sha256-") == 4


# --------------------------------------------------------------------------- commands

def test_viz_command_writes_the_page(seed_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "nanning.html"
    assert main(["viz", "-o", str(seed_out), "--html", str(page), "--focus", "nanning", "--depth", "2",
                 "--lang", "vi", "--type", "Forum", "--type", "Place"]) == 0
    assert "Nam Ninh" in page.read_text(encoding="utf-8")
    assert main(["viz", "-o", str(seed_out), "--html", str(page), "--since", "2025-02-01",
                 "--until", "2025-01-01"]) == 2
    assert "after" in capsys.readouterr().err


def test_stats_prints_sizes_types_and_central_entities(seed_out: Path, seed_store: GraphStore,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "-o", str(seed_out)]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"triples\s+{len(seed_store.store):,}\b", out)
    articles = count(seed_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }")
    assert re.search(rf"articles\s+{articles:,}\b", out)
    assert re.search(rf"entities\s+{entity_count(seed_store):,}\b", out)
    assert re.search(r"Country\s+\d+", out) and re.search(r"Topic\s+\d+", out)
    central = out.split("most central", 1)[1].strip().splitlines()[1:]
    assert len(central) == 10 and re.search(r"\b(ASEAN|China)$", "\n".join(central[:3]), re.MULTILINE)


# --------------------------------------------------------------------------- in a real browser

def _inspect(page: Path, **kwargs):
    from tests.support.browser import inspect_page

    return inspect_page(page, **kwargs)


def _clean(result: dict) -> None:
    assert not result["console_errors"], result["console_errors"]
    assert not result["page_errors"], result["page_errors"]
    assert not result["blocked_requests"], result["blocked_requests"]
    assert not result["dialogs"], result["dialogs"]


@pytest.mark.component
def test_seed_view_in_chromium(seed_store: GraphStore, tmp_path: Path, artifacts_dir: Path) -> None:
    page = write_view(seed_store, tmp_path / "graph.html")
    result = _inspect(page, hover_node_id=NANNING, screenshot=artifacts_dir / "seed-graph.png")
    _clean(result)
    assert result["nodes"] == entity_count(seed_store)
    assert result["edges"] == relation_count(seed_store)
    legend = result["text"].split("Classes", 1)[-1]
    for cls in {n["type"] for n in view_data(seed_store)["nodes"]}:
        assert re.search(rf"{cls} \(\d+\)", legend), cls
    tooltip = result["tooltip"]["text"]
    assert tooltip.startswith("Nanning") and "Mentioned in" in tooltip
    assert any(sentence in tooltip for sentence in sentences_of(seed_store, NANNING))
    assert result["stabilization"] == "stabilized"
    assert Path(result["screenshot"]).stat().st_size > 10_000


@pytest.mark.component
def test_five_thousand_entities_in_chromium(big_out: Path, tmp_path: Path, artifacts_dir: Path) -> None:
    store = GraphStore.open(big_out, read_only=True)
    assert entity_count(store) == 5000
    page = write_view(store, tmp_path / "all.html", Selection(max_nodes=5000))
    hub, name = _best_connected(store)  # drawn biggest: a small node is a pixel wide at this zoom
    result = _inspect(page, hover_node_id=hub, screenshot=artifacts_dir / "5000.png", timeout=300)
    _clean(result)
    assert result["nodes"] == 5000 and result["edges"] == relation_count(store)
    assert "5,000 entities" in result["text"]
    # at this density another node can lie over the hub; the tooltip must then be that node's
    tooltip = result["tooltip"]
    assert "Mentioned in" in tooltip["text"]
    if tooltip.get("node_under_mouse") in (None, hub):
        assert tooltip["text"].startswith(name)
    capped = _inspect(write_view(store, tmp_path / "capped.html"), screenshot=artifacts_dir / "capped.png")
    _clean(capped)
    assert capped["nodes"] == 2000
    assert "showing the 2,000 most central of 5,000 entities" in capped["text"]


@pytest.mark.component
def test_a_capped_tooltip_says_how_many_more_in_chromium(tmp_path: Path) -> None:
    store = synthetic_store(tmp_path / "out", 300)
    hub = _busy_hub(store, figures=3, dates=4, labels=40)
    data = view_data(store)
    more = next(n for n in data["nodes"] if n["id"] == hub)["more"]
    result = _inspect(write_view(store, tmp_path / "graph.html"), hover_node_id=hub)
    _clean(result)
    tooltip = result["tooltip"]["text"]
    assert f"… and {more['figures']} more figure(s)" in tooltip and f"… and {more['facts']} more fact(s)" in tooltip


def _best_connected(store: GraphStore) -> tuple[str, str]:
    """IRI and English name of the entity related to the most others."""
    row = next(iter(store.query(f"""SELECT ?e ?l (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        {{ ?e ?p ?x }} UNION {{ ?x ?p ?e }} FILTER(STRSTARTS(STR(?x), "{ID_NS}")) ?e <{RDFS}label> ?l }}
        GROUP BY ?e ?l ORDER BY DESC(?n) ?e LIMIT 1""")))
    return row["e"].value, row["l"].value


@pytest.mark.component
def test_article_markup_is_shown_as_text_and_never_runs(tmp_path: Path, artifacts_dir: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "xss.txt").write_text(
        "China and Vietnam sign a trade deal in Nanning\n\nRelease time: Sep 18, 2025\n\n"
        f"China and Vietnam signed a trade agreement in Nanning {XSS_SCRIPT} on Tuesday.\n"
        f"ASEAN welcomed the talks between China and Vietnam {XSS_IMG} in Nanning.\n", encoding="utf-8")
    out = tmp_path / "out"
    build([articles], out)
    store = GraphStore.open(out, read_only=True)
    assert any(XSS_SCRIPT in s for s in sentences_of(store, NANNING))
    assert any(XSS_IMG in s for s in sentences_of(store, NANNING))
    result = _inspect(out / "graph.html", hover_node_id=NANNING, screenshot=artifacts_dir / "xss.png")
    _clean(result)
    assert result["xss"] is False
    assert XSS_SCRIPT in result["tooltip"]["text"] and XSS_IMG in result["tooltip"]["text"]
    assert "<script>window" not in result["tooltip"]["html"]
