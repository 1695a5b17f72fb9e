"""What the extractor finds in one article: entities with their mentions, facts, figures.

Plain data, no RDF: the mapper decides how it is written down. Entities are keyed by a
string the mapper understands: the lexicon entry's IRI for known things, ``new:<Type>:<name>``
for things the recognisers found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kg.dates import PartialDate

TOP_TYPES = ("Country", "Organization", "Person", "Forum", "Agreement", "Initiative", "Project", "Place", "Topic")


@dataclass(frozen=True)
class Span:
    """``body[begin:end]``; sentence spans and mention spans alike."""

    begin: int
    end: int


@dataclass
class Mention:
    """A place in the body that names an entity."""

    begin: int
    end: int
    surface: str
    sentence: int
    """Index into :attr:`Extraction.sentences`."""
    how: str = "lexicon"
    """Which recogniser found it: ``lexicon``, ``pattern:<name>``, ``acronym``, ``anaphor``."""


@dataclass
class Entity:
    """One real thing named in the article."""

    key: str
    type: str
    """One of :data:`TOP_TYPES`."""
    cls: str
    """The most specific ontology class known (``Expo``, ``GovernmentBody`` …)."""
    name: str
    """Canonical name: the lexicon's English label, else the fullest surface form."""
    mentions: list[Mention] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    series: str | None = None
    """For an edition of a recurring forum, the series' entity key."""
    from_lexicon: bool = False
    name_language: str = "en"
    """Language of :attr:`name`: English for lexicon names and names built in English
    ("22nd China-ASEAN Expo" from "22e …"), else the article's ("rondetafelconferentie")."""


Value = str | int | PartialDate


@dataclass(frozen=True)
class Fact:
    """``subject relation object`` as the text states it, with the sentence that says so."""

    subject: str
    relation: str
    object: Value
    """An entity key, or a literal: a date, an edition number, a role in English."""
    sentence: int
    object_is_entity: bool = True


@dataclass(frozen=True)
class Figure:
    """An amount or statistic stated in the text."""

    begin: int
    end: int
    surface: str
    value: Decimal
    unit: str
    measure: str
    period: str | None
    about: tuple[str, ...]
    sentence: int


@dataclass
class Extraction:
    """Everything extracted from one article."""

    sentences: list[Span]
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add_fact(self, subject: str, relation: str, obj: Value, sentence: int, *, entity: bool = True) -> None:
        """Record a fact once; self-relations are never stated."""
        if entity and subject == obj:
            return
        known = self._stated()
        if (subject, relation, obj) not in known[2]:
            self.facts.append(Fact(subject, relation, obj, sentence, entity))
            known[2].add((subject, relation, obj))
            known[1] += 1

    def _stated(self) -> list:
        """[facts list, its length, the (subject, relation, object) it holds], kept beside
        :attr:`facts` and made again whenever the list was replaced or changed elsewhere."""
        facts = self.facts
        known = self.__dict__.get("_known")
        if known is None or known[0] is not facts or known[1] != len(facts):
            known = self.__dict__["_known"] = [facts, len(facts), {(f.subject, f.relation, f.object) for f in facts}]
        return known
