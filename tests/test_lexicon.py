"""The reference lexicon (ontology/lexicon/*.ttl): well-formed, consistent, and regenerable.

Checks every file with rdflib, independently of the builder's own loader: each entry has one
English preferred label, a kg: class whose top type matches its IRI, no name shared by two
entries of one top type, the generated country file has what CLDR gives, every topic is in the
scheme with English, Dutch and Vietnamese labels, and scripts/build_country_lexicon.py
rewrites countries.ttl identically.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kg.vocab import top_type_of

ROOT = Path(__file__).resolve().parent.parent
LEXICON_DIR = ROOT / "ontology" / "lexicon"
SCRIPT = ROOT / "scripts" / "build_country_lexicon.py"

KG = Namespace("https://w3id.org/cn-asean-kg/ontology#")
ID = "https://w3id.org/cn-asean-kg/id/"
WD = "http://www.wikidata.org/entity/"
TOP_TYPES = ("Country", "Organization", "Person", "Forum", "Agreement", "Initiative", "Project", "Place", "Topic")
NAME_PREDICATES = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, KG.acronym)
IRI_PATTERN = re.compile(r"^https://w3id\.org/cn-asean-kg/id/([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)$")
TOPIC_SCHEME = URIRef(ID + "topic/scheme")

# (folded label, top type) pairs that two entries may share on purpose, with the reason.
ALLOWED_SHARED: dict[tuple[str, str], str] = {}


# -- helpers ---------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """The generator's folding (lower case, no accents, punctuation as spaces), which the
    duplicate-name checks must share with the file they check."""
    return _generator().fold(text)


def lexicon_files() -> list[Path]:
    return sorted(LEXICON_DIR.glob("*.ttl"))


@cache
def graph_of(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


@cache
def lexicon() -> Graph:
    merged = Graph()
    for path in lexicon_files():
        merged += graph_of(path)
    return merged


def top_of() -> dict[str, str]:
    """Local class name -> top type: the ontology's own hierarchy, as the builder reads it."""
    return top_type_of()


def kg_classes(graph: Graph, subject: URIRef) -> list[str]:
    return sorted(str(o)[len(KG):] for o in graph.objects(subject, RDF.type) if str(o).startswith(str(KG)))


def entries(graph: Graph | None = None) -> list[URIRef]:
    """Every subject typed with a kg: class."""
    graph = graph if graph is not None else lexicon()
    return sorted({s for s, o in graph.subject_objects(RDF.type) if isinstance(s, URIRef) and str(o).startswith(str(KG))})


def top_type(graph: Graph, subject: URIRef) -> str:
    tops = {top_of().get(c) for c in kg_classes(graph, subject)}
    assert len(tops) == 1 and None not in tops, f"{subject}: classes {kg_classes(graph, subject)} give tops {tops}"
    return tops.pop()


def names(graph: Graph, subject: URIRef) -> list[Literal]:
    return [o for p in NAME_PREDICATES for o in graph.objects(subject, p) if isinstance(o, Literal)]


def entry(local: str) -> URIRef:
    return URIRef(ID + local)


# -- every file, every entry -----------------------------------------------------------------------
def test_the_lexicon_has_its_files():
    present = {p.name for p in lexicon_files()}
    for name in ("countries.ttl", "organizations.ttl", "forums.ttl", "agreements.ttl", "initiatives.ttl",
                 "projects.ttl", "places.ttl", "topics.ttl"):
        assert name in present, f"missing ontology/lexicon/{name}"


@pytest.mark.parametrize("path", lexicon_files(), ids=lambda p: p.name)
def test_file_parses_and_holds_typed_entries(path):
    graph = graph_of(path)
    assert len(graph) > 0
    assert entries(graph), f"{path.name} has no entry typed with a kg: class"
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("#"), f"{path.name} should open with a comment saying what it holds"


def test_every_entry_has_one_english_preferred_label():
    graph = lexicon()
    problems = []
    for subject in entries():
        english = [o for o in graph.objects(subject, SKOS.prefLabel) if isinstance(o, Literal) and o.language == "en"]
        if len(english) != 1:
            problems.append(f"{subject}: {len(english)} English prefLabels {sorted(map(str, english))}")
    assert not problems, "\n".join(problems)


def test_every_entry_class_is_known_and_gives_one_top_type():
    graph = lexicon()
    problems = []
    for subject in entries():
        classes = kg_classes(graph, subject)
        unknown = [c for c in classes if c not in top_of()]
        if unknown:
            problems.append(f"{subject}: unknown kg: classes {unknown}")
            continue
        tops = {top_of()[c] for c in classes}
        if len(tops) != 1:
            problems.append(f"{subject}: classes {classes} belong to several top types {sorted(tops)}")
    assert not problems, "\n".join(problems)


def test_iris_follow_the_scheme_and_match_the_top_type():
    graph = lexicon()
    problems = []
    for subject in entries():
        match = IRI_PATTERN.match(str(subject))
        if not match:
            problems.append(f"{subject}: not id/{{type}}/{{slug}} with a lower-case ASCII slug")
            continue
        if match.group(1) != top_type(graph, subject).lower():
            problems.append(f"{subject}: type segment {match.group(1)!r}, top type {top_type(graph, subject)}")
    assert not problems, "\n".join(problems)


def test_labels_are_clean_literals():
    graph = lexicon()
    problems = []
    for subject in entries():
        for label in names(graph, subject):
            text = str(label)
            if text != text.strip() or "  " in text or not text:
                problems.append(f"{subject}: label {text!r} has stray spaces")
            if unicodedata.normalize("NFC", text) != text:
                problems.append(f"{subject}: label {text!r} is not NFC")
        for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(subject, predicate):
                if isinstance(label, Literal) and not label.language:
                    problems.append(f"{subject}: {predicate} {str(label)!r} has no language tag")
    assert not problems, "\n".join(problems)


def test_no_name_is_shared_by_two_entries_of_one_top_type():
    graph = lexicon()
    owners: dict[tuple[str, str], set[URIRef]] = defaultdict(set)
    for subject in entries():
        top = top_type(graph, subject)
        for label in names(graph, subject):
            owners[(fold(str(label)), top)].add(subject)
    shared = {key: sorted(map(str, iris)) for key, iris in owners.items()
              if len(iris) > 1 and key not in ALLOWED_SHARED}
    assert not shared, "names on several entries:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(shared.items()))


def test_demonyms_point_to_one_country_each():
    graph = lexicon()
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for subject, demonym in graph.subject_objects(KG.demonym):
        assert isinstance(demonym, Literal) and demonym.language, f"{subject}: demonym {demonym!r} needs a language"
        owners[str(demonym)].add(subject)
    shared = {d: sorted(map(str, s)) for d, s in owners.items() if len(s) > 1}
    assert not shared, f"demonyms of several countries: {shared}"


def test_same_as_points_to_wikidata_items():
    graph = lexicon()
    seen: dict[URIRef, URIRef] = {}
    for subject, target in graph.subject_objects(OWL.sameAs):
        assert re.fullmatch(re.escape(WD) + r"Q\d+", str(target)), f"{subject}: owl:sameAs {target}"
        assert target not in seen or seen[target] == subject, f"{target} is sameAs of {seen.get(target)} and {subject}"
        seen[target] = subject


# -- countries and regions (generated) -------------------------------------------------------------
def _labels(graph: Graph, subject: URIRef, lang: str | None = None) -> set[str]:
    return {str(o) for o in names(graph, subject) if lang is None or o.language == lang}


def test_countries_file_is_generated_from_cldr():
    graph = graph_of(LEXICON_DIR / "countries.ttl")
    china, us = entry("country/china"), entry("country/united-states")
    assert (china, RDF.type, KG.Country) in graph
    assert "Trung Quốc" in _labels(graph, china, "vi")
    assert "中国" in _labels(graph, china, "zh")
    assert Literal("CN") in set(graph.objects(china, KG.isoCode))
    assert "Verenigde Staten" in _labels(graph, us, "nl")
    assert {"US", "USA"} <= _labels(graph, us)
    assert "Myanmar" in {str(o) for o in graph.objects(entry("country/myanmar"), SKOS.prefLabel)}
    assert "Burma" in _labels(graph, entry("country/myanmar"), "en")


@pytest.mark.parametrize("slug,iso,name", [
    ("brunei", "BN", "Brunei"), ("cambodia", "KH", "Cambodia"), ("indonesia", "ID", "Indonesia"),
    ("laos", "LA", "Laos"), ("malaysia", "MY", "Malaysia"), ("myanmar", "MM", "Myanmar"),
    ("philippines", "PH", "Philippines"), ("singapore", "SG", "Singapore"), ("thailand", "TH", "Thailand"),
    ("vietnam", "VN", "Vietnam"), ("timor-leste", "TL", "Timor-Leste"), ("china", "CN", "China"),
    ("united-states", "US", "United States"), ("south-korea", "KR", "South Korea"), ("russia", "RU", "Russia"),
    ("japan", "JP", "Japan"), ("india", "IN", "India"), ("australia", "AU", "Australia"),
])
def test_key_countries_have_expected_iri_name_and_code(slug, iso, name):
    graph = graph_of(LEXICON_DIR / "countries.ttl")
    subject = entry(f"country/{slug}")
    assert (subject, RDF.type, KG.Country) in graph, f"no {subject}"
    assert [str(o) for o in graph.objects(subject, SKOS.prefLabel)] == [name]
    assert [str(o) for o in graph.objects(subject, KG.isoCode)] == [iso]


def test_every_country_has_a_unique_iso_code_and_no_territory_is_a_country():
    graph = graph_of(LEXICON_DIR / "countries.ttl")
    codes = {}
    for subject in graph.subjects(RDF.type, KG.Country):
        found = [str(o) for o in graph.objects(subject, KG.isoCode)]
        assert len(found) == 1 and re.fullmatch(r"[A-Z]{2}", found[0]), f"{subject}: isoCode {found}"
        assert found[0] not in codes, f"{found[0]} on {codes.get(found[0])} and {subject}"
        codes[found[0]] = subject
    assert len(codes) >= 190
    for territory in ("HK", "MO", "TW", "PR"):
        assert territory not in codes, f"{territory} must not be a kg:Country"


def test_world_regions_are_places():
    graph = graph_of(LEXICON_DIR / "countries.ttl")
    sea = entry("place/southeast-asia")
    assert (sea, RDF.type, KG.Region) in graph
    assert [str(o) for o in graph.objects(sea, SKOS.prefLabel)] == ["Southeast Asia"]
    assert {"South-East Asia", "Zuidoost-Azië", "Đông Nam Á"} <= _labels(graph, sea)
    for slug in ("asia", "europe", "africa", "east-asia", "oceania"):
        assert (entry(f"place/{slug}"), RDF.type, KG.Region) in graph, slug


# -- topics ----------------------------------------------------------------------------------------
def test_topics_form_a_scheme_with_english_dutch_and_vietnamese_labels():
    graph = lexicon()
    assert (TOPIC_SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    assert any(isinstance(o, Literal) and o.language == "en" for o in graph.objects(TOPIC_SCHEME, SKOS.prefLabel))
    topics = sorted(graph.subjects(RDF.type, KG.Topic))
    assert len(topics) >= 70
    problems = []
    for topic in topics:
        if (topic, SKOS.inScheme, TOPIC_SCHEME) not in graph:
            problems.append(f"{topic}: not skos:inScheme the topic scheme")
        languages = {o.language for o in names(graph, topic)}
        for lang in ("en", "nl", "vi"):
            if lang not in languages:
                problems.append(f"{topic}: no @{lang} label")
        for broader in graph.objects(topic, SKOS.broader):
            if (broader, RDF.type, KG.Topic) not in graph:
                problems.append(f"{topic}: skos:broader {broader} is not a topic")
        if not list(graph.objects(topic, SKOS.broader)) and (topic, SKOS.topConceptOf, TOPIC_SCHEME) not in graph:
            problems.append(f"{topic}: neither skos:broader nor skos:topConceptOf the scheme")
    assert not problems, "\n".join(problems)


def test_broader_topics_have_no_cycle():
    graph = lexicon()
    for topic in graph.subjects(RDF.type, KG.Topic):
        seen, todo = set(), list(graph.objects(topic, SKOS.broader))
        while todo:
            current = todo.pop()
            assert current != topic, f"{topic} is broader than itself"
            if current not in seen:
                seen.add(current)
                todo.extend(graph.objects(current, SKOS.broader))


# -- curated content that the brief of each file promises ------------------------------------------
@pytest.mark.parametrize("local,cls,label", [
    ("organization/asean", "IntergovernmentalOrganization", "Hiệp hội các quốc gia Đông Nam Á"),
    ("organization/european-union", "IntergovernmentalOrganization", "Europese Unie"),
    ("organization/ccpit", "BusinessAssociation", "CCPIT"),
    ("organization/ministry-of-science-and-technology-vietnam", "GovernmentBody", "Bộ Khoa học và Công nghệ"),
    ("organization/ministry-of-science-and-technology-china", "GovernmentBody", "Bộ Khoa học và Công nghệ Trung Quốc"),
    ("organization/xinhua-news-agency", "MediaOrganization", "Xinhua"),
    ("forum/china-asean-expo", "Expo", "CAEXPO"),
    ("forum/boao-forum-for-asia", "ForumMeeting", "Diễn đàn Boao"),
    ("agreement/rcep", "TradeAgreement", "RCEP"),
    ("agreement/acfta-3-0-upgrade-protocol", "Protocol", "Nghị định thư nâng cấp ACFTA 3.0"),
    ("initiative/belt-and-road-initiative", "Initiative", "Nieuwe Zijderoute"),
    ("initiative/digital-silk-road", "Initiative", "Digitale Zijderoute"),
    ("project/laos-china-railway", "Project", "Đường sắt Lào - Trung Quốc"),
    ("place/beijing", "City", "Peking"),
    ("place/guangxi", "Province", "Quảng Tây"),
    ("place/hong-kong", "Region", "Hồng Kông"),
    ("place/south-china-sea", "Region", "Biển Đông"),
    ("topic/artificial-intelligence", "Topic", "trí tuệ nhân tạo"),
    ("topic/people-to-people-exchange", "Topic", "uitwisselingen tussen mensen"),
])
def test_curated_entries(local, cls, label):
    graph = lexicon()
    subject = entry(local)
    assert cls in kg_classes(graph, subject), f"{subject}: classes {kg_classes(graph, subject)}"
    assert label in _labels(graph, subject), f"{subject}: no label {label!r}"


def test_forum_series_are_typed_as_such():
    graph = graph_of(LEXICON_DIR / "forums.ttl")
    for subject in entries(graph):
        assert (subject, RDF.type, KG.ForumSeries) in graph, f"{subject} should be a kg:ForumSeries"
        assert len(kg_classes(graph, subject)) >= 2, f"{subject} needs its specific kind besides ForumSeries"


def test_ministries_of_two_countries_do_not_share_a_generic_name():
    graph = lexicon()
    china = _labels(graph, entry("organization/ministry-of-science-and-technology-china"))
    vietnam = _labels(graph, entry("organization/ministry-of-science-and-technology-vietnam"))
    assert "Ministry of Science and Technology" not in china | vietnam
    assert not {fold(x) for x in china} & {fold(x) for x in vietnam}


# -- the generator ---------------------------------------------------------------------------------
@cache
def _generator():
    spec = importlib.util.spec_from_file_location("build_country_lexicon", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_generator_is_deterministic():
    generator = _generator()
    first, report = generator.build()
    second, _ = generator.build()
    assert first == second
    assert isinstance(report, list)


def test_countries_file_is_what_the_generator_writes():
    generator = _generator()
    current = (LEXICON_DIR / "countries.ttl").read_text(encoding="utf-8")
    fresh, _ = generator.build()
    sources = re.search(r"^# Sources: .*$", fresh, flags=re.M).group(0)
    assert sources in current, (f"countries.ttl was made with other library versions than the installed ones "
                                f"({sources}): install the pinned ones (pip install -e '.[test]') or regenerate "
                                "it with python scripts/build_country_lexicon.py and pin the new versions")
    assert fresh == current, "countries.ttl is out of date: run python scripts/build_country_lexicon.py"


def test_generator_check_mode_agrees(tmp_path):
    generator = _generator()
    target = tmp_path / "countries.ttl"
    assert generator.main(["-o", str(target)]) == 0
    assert generator.main(["-o", str(target), "--check"]) == 0
    target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert generator.main(["-o", str(target), "--check"]) == 1
