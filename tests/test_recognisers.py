"""Each recogniser, per language, on sentences written for the test (not the seeds),
including sentences that must not yield a name."""

from __future__ import annotations

import pytest

from kg.dates import PartialDate
from kg.extractor import extract
from kg.reader import Article


def _extract(text: str, language: str):
    article = Article(stem="t", path="t.txt", body=text, language=language, content_hash="sha256:" + "0" * 64)
    return extract(article)


def _names(text: str, language: str, type_: str) -> set[str]:
    """Canonical names and surface forms of the entities of ``type_``."""
    entities = [e for e in _extract(text, language).entities.values() if e.type == type_]
    return {e.name for e in entities} | {label for e in entities for label in e.labels}


def _facts(text: str, language: str) -> set[tuple[str, str, str]]:
    x = _extract(text, language)
    name = lambda key: x.entities[key].name if key in x.entities else str(key)
    return {(name(f.subject), f.relation, name(f.object) if f.object_is_entity else str(f.object)) for f in x.facts}


@pytest.mark.parametrize("text, language, expected", [
    ("Officials met at the 7th China-ASEAN Media Cooperation Forum in Kunming last week.", "en",
     "7th China-ASEAN Media Cooperation Forum"),
    ("Vorige week opende de 3e Mekong-Lancang Business Conference in Kunming.", "nl",
     "3rd Mekong-Lancang Business Conference"),
    ("Hội chợ Thương mại Quốc tế Việt - Trung lần thứ 5 khai mạc tại Lào Cai.", "vi",
     "Hội chợ Thương mại Quốc tế Việt - Trung lần thứ 5"),
    # lower-case words of the theme, "và" among them, before the capitalised part
    ("Vào ngày 2/3/2021, Hội thảo thương mại và đầu tư Trung Quốc - ASEAN lần thứ 14 khai mạc tại Hà Nội.", "vi",
     "Hội thảo thương mại và đầu tư Trung Quốc - ASEAN lần thứ 14"),
    ("Diễn đàn du lịch bền vững Mê Kông - Lan Thương lần thứ 2 diễn ra tại Côn Minh.", "vi",
     "Diễn đàn du lịch bền vững Mê Kông - Lan Thương lần thứ 2"),
])
def test_forum_names_with_editions(text: str, language: str, expected: str) -> None:
    assert expected in _names(text, language, "Forum")


def test_edition_is_read_from_the_ordinal() -> None:
    facts = _facts("Officials met at the 7th China-ASEAN Media Cooperation Forum in Kunming.", "en")
    assert ("7th China-ASEAN Media Cooperation Forum", "edition", "7") in facts


def test_known_series_gets_the_english_edition_name_in_every_language() -> None:
    nl = _names("De 21e China-ASEAN Expo werd gehouden in Nanning.", "nl", "Forum")
    en = _names("The 21st China-ASEAN Expo was held in Nanning.", "en", "Forum")
    vi = _names("Hội chợ Trung Quốc - ASEAN lần thứ 21 khai mạc tại Nam Ninh.", "vi", "Forum")
    assert "21st China-ASEAN Expo" in nl & en & vi


def test_vietnamese_editions_of_one_forum_stay_apart() -> None:
    """"… lần thứ N" follows the name: each edition is an entity of its own with its edition,
    not one forum that collects every edition's places and dates."""
    x = _extract("Hội thảo hợp tác kinh tế số ASEAN - Trung Quốc lần thứ 6 khai mạc tại Nam Ninh. "
                 "Hội thảo hợp tác kinh tế số ASEAN - Trung Quốc lần thứ 7 sẽ diễn ra tại Hà Nội.", "vi")
    forums = {e.name: e for e in x.entities.values() if e.type == "Forum"}
    assert set(forums) == {"Hội thảo hợp tác kinh tế số ASEAN - Trung Quốc lần thứ 6",
                           "Hội thảo hợp tác kinh tế số ASEAN - Trung Quốc lần thứ 7"}
    editions = {(x.entities[f.subject].name[-1], f.object) for f in x.facts if f.relation == "edition"}
    assert editions == {("6", 6), ("7", 7)}


@pytest.mark.parametrize("text, language", [
    ("The 21st China-ASEAN Expo (CAEXPO) opened in Nanning on 24 September 2024.", "en"),
    ("Hội chợ Trung Quốc - ASEAN (CAEXPO) lần thứ 21 khai mạc tại Nam Ninh ngày 24/9/2024.", "vi"),
])
def test_an_acronym_between_name_and_ordinal_keeps_the_edition(text: str, language: str) -> None:
    """The bracketed acronym names the edition too, and the edition gets the facts, not the series."""
    x = _extract(text, language)
    forums = {key: e for key, e in x.entities.items() if e.type == "Forum"}
    edition = next(key for key, e in forums.items() if e.name == "21st China-ASEAN Expo")
    assert "CAEXPO" in forums[edition].labels
    assert {(f.relation, f.object) for f in x.facts if f.subject == edition} >= {
        ("edition", 21), ("startDate", PartialDate(2024, 9, 24))}
    assert not [f for f in x.facts if f.subject != edition and f.relation in ("edition", "startDate")]


@pytest.mark.parametrize("text, language", [
    ("The forum was a success and the expo drew crowds.", "en"),
    ("Het forum was een succes.", "nl"),
    ("Diễn đàn lần này là dịp để hai bên mở rộng giao lưu.", "vi"),
])
def test_unnamed_references_are_not_names(text: str, language: str) -> None:
    assert not _names(text, language, "Forum")


@pytest.mark.parametrize("text, language, expected", [
    ("The Law on Digital Trade and Innovation took effect.", "en", "Law on Digital Trade and Innovation"),
    ("Het parlement nam de Wet op Onderwijs, Cultuur en Wetenschap aan.", "nl", "Wet op Onderwijs, Cultuur en Wetenschap"),
    ("Hai nước đã ký Bản ghi nhớ Hợp tác Kinh tế số vào tháng trước.", "vi", "Bản ghi nhớ Hợp tác Kinh tế số"),
    ("Both sides signed the China-Laos Economic Corridor Agreement.", "en", "China-Laos Economic Corridor Agreement"),
])
def test_agreements(text: str, language: str, expected: str) -> None:
    assert expected in _names(text, language, "Agreement")


def test_two_laws_joined_by_and_stay_two() -> None:
    names = _names("Dit gebeurt via de Wet op Handel en de Wet op de Digitale Economie.", "nl", "Agreement")
    assert {"Wet op Handel", "Wet op de Digitale Economie"} <= names
    assert not [n for n in names if "Handel en de Wet" in n]


def test_bilateral_agreement_name_gives_its_parties() -> None:
    facts = _facts("Both sides signed the China-Laos Economic Corridor Agreement.", "en")
    assert {("China-Laos Economic Corridor Agreement", "party", "China"),
            ("China-Laos Economic Corridor Agreement", "party", "Laos")} <= facts


@pytest.mark.parametrize("text, language, expected", [
    ("A statement from the Ministry of Agriculture and Rural Development followed.", "en",
     "Ministry of Agriculture and Rural Development"),
    ("Experts of the Hanoi University of Technology attended.", "en", "Hanoi University of Technology"),
    ("Het Centrum voor Maritiem Onderzoek publiceerde een rapport.", "nl", "Centrum voor Maritiem Onderzoek"),
    ("Đại diện Bộ Nông nghiệp và Phát triển nông thôn cho biết.", "vi", "Bộ Nông nghiệp và Phát triển nông thôn"),
])
def test_organisations(text: str, language: str, expected: str) -> None:
    assert expected in _names(text, language, "Organization")


def test_of_chain_splits_into_organisations() -> None:
    names = _names("Tran Minh, a researcher at the Maritime Studies Center of the Vietnam Academy of "
                   "Social Sciences, said so.", "en", "Organization")
    assert {"Maritime Studies Center", "Vietnam Academy of Social Sciences"} <= names


@pytest.mark.parametrize("text, language, person, role", [
    ("Thai Prime Minister Srettha Thavisin opened the meeting.", "en", "Srettha Thavisin", "Prime Minister"),
    ("Minister of Industry and Trade Nguyen Hong Dien spoke first.", "en", "Nguyen Hong Dien",
     "Minister of Industry and Trade"),
    ("Ook premier Pham Minh Chinh was aanwezig.", "nl", "Pham Minh Chinh", "Prime Minister"),
    ("Thứ trưởng Bộ Công Thương Phan Thị Thắng phát biểu tại hội nghị.", "vi", "Phan Thị Thắng", "Deputy Minister"),
    ("Chen Wei, executive director of the Asia Trade Institute, said the talks went well.", "en", "Chen Wei",
     "Executive Director"),
])
def test_people_with_titles(text: str, language: str, person: str, role: str) -> None:
    assert (person, "role", role) in _facts(text, language)


def test_affiliation_from_the_organisation_between_title_and_name() -> None:
    facts = _facts("Thứ trưởng Bộ Công Thương Phan Thị Thắng phát biểu tại hội nghị.", "vi")
    assert any(f[0] == "Phan Thị Thắng" and f[1] == "affiliation" for f in facts)


def test_demonym_before_title_gives_affiliation() -> None:
    facts = _facts("Thai Prime Minister Srettha Thavisin opened the meeting.", "en")
    assert ("Srettha Thavisin", "affiliation", "Thailand") in facts


@pytest.mark.parametrize("text, language", [
    ("The President said nothing new today.", "en"),
    ("De minister van Buitenlandse Zaken reisde af.", "nl"),
    ("Bộ trưởng cho biết sẽ tiếp tục hợp tác.", "vi"),
])
def test_titles_without_a_name_are_not_people(text: str, language: str) -> None:
    assert not _names(text, language, "Person")


def test_byline_in_capitals_is_a_person() -> None:
    assert "Tran Van Nam" in _names("Het artikel eindigt hier.\nTRAN VAN NAM", "nl", "Person")


def test_unnamed_event_introduced_as_such() -> None:
    names = _names("Op 3 mei 2025 vond in Hanoi een rondetafelconferentie plaats.", "nl", "Forum")
    assert "rondetafelconferentie" in names


def test_bracketed_acronym_names_the_same_thing() -> None:
    x = _extract("The Mekong Business Council (MBC) met today. The MBC agreed on a plan.", "en")
    council = [e for e in x.entities.values() if e.type == "Organization"]
    assert len(council) == 1 and {"MBC", "Mekong Business Council"} <= council[0].labels


def test_currency_words_are_not_countries() -> None:
    x = _extract("Exports reached 12 billion US dollars last year.", "en")
    assert not [e for e in x.entities.values() if e.type == "Country"]


def test_unsupported_language_keeps_metadata_and_lexicon_names_with_a_warning(tmp_path) -> None:
    from kg.build import build

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "id.txt").write_text(
        "Indonesia dan Tiongkok sepakat memperkuat kerja sama ekonomi digital di Jakarta pada hari Senin. "
        "Kedua negara juga membahas investasi dan perdagangan.\nSumber: https://example.org/id\n", encoding="utf-8")
    report = build([tmp_path / "a"], tmp_path / "out", html=False)
    assert report.read == 1 and any("no extraction patterns" in w for w in report.warnings)
    from kg.store import GraphStore

    store = GraphStore.open(tmp_path / "out", read_only=True)
    languages = [r["l"].value for r in store.query(
        "SELECT ?l WHERE { ?a <http://purl.org/dc/terms/language> ?l }")]
    assert languages == ["id"]
    names = {r["t"].value for r in store.query(
        "SELECT ?t WHERE { ?m <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?t }")}
    assert {"Indonesia", "Tiongkok", "Jakarta"} <= names
