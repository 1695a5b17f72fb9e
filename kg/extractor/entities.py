"""Turning chosen candidates into one entity per real thing within an article.

Several mentions of the same thing become one :class:`Entity`: same lexicon entry, same
folded name and type, or an acronym the text introduced in brackets ("… Expo (CAEXPO)").
Names found by a pattern once are found again wherever the article repeats them.
"""

from __future__ import annotations

import bisect
import re

from kg.extractor.candidates import Candidate
from kg.extractor.model import Entity, Extraction, Mention
from kg.extractor.normalise import FoldedText, fold
from kg.lexicon import Lexicon
from kg.mapper.iris import new_key

_YEAR_END = re.compile(r"\s(?:19|20)\d\d$")
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&.\- ]{1,18}?)\s*\)")


class EntityTable:
    """The entities of one article as they are found, with their mentions."""

    def __init__(self, text: str, extraction: Extraction, lexicon: Lexicon, language: str = "en",
                 article: str = "") -> None:
        self.text = text
        self.language = language
        self.article = article
        """The article's identifier (file stem): the scope of the things it names without a name."""
        self.extraction = extraction
        self.lexicon = lexicon
        self._starts = [s.begin for s in extraction.sentences]
        self.mentions: list[tuple[Mention, str]] = []
        """(mention, entity key), in text order once :meth:`finish` ran."""
        self._taken: list[tuple[int, int]] = []
        self._occupied = bytearray(len(text))
        """1 where some mention stands: :meth:`is_free` in one C-level scan."""
        self._released: set[int] = set()
        """ids of mentions taken back by :meth:`_release`."""
        self.nested: dict[tuple[int, int], list] = {}
        """Lexicon names found inside a longer chosen name, by the outer name's span."""
        self.person_context: dict[str, list[dict[str, object]]] = {}
        """Per person key, the spans around each titled mention (title, text between, text after)."""

    # -- adding -------------------------------------------------------------------------
    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def key_for(self, cand: Candidate) -> str:
        """The lexicon's IRI, else a key from the name; a thing the text describes without naming
        it ("a roundtable on biomedicine") is this article's: another article's roundtable is
        another event, so its key holds the article's identifier as well."""
        if cand.key:
            return cand.key
        if cand.attrs.get("unnamed"):
            return new_key(cand.type, f"{cand.name} {self.article}")
        return new_key(cand.type, cand.name)

    def add(self, cand: Candidate) -> str:
        key = self.key_for(cand)
        entities = self.extraction.entities
        entity = entities.get(key)
        if entity is None:
            entity = entities[key] = Entity(key=key, type=cand.type, cls=cand.cls, name=cand.name,
                                            from_lexicon=cand.key is not None,
                                            name_language=self._name_language(cand))
        if cand.attrs:
            series = cand.attrs.get("series")
            if series and series != key:
                entity.series = str(series)
        begin, end = cand.begin, cand.end
        surface = self.text[begin:end]
        mention = Mention(begin, end, surface, max(0, bisect.bisect_right(self._starts, begin) - 1), cand.how)
        entity.mentions.append(mention)
        entity.labels.add(surface)
        self.mentions.append((mention, key))
        self._taken.append((begin, end))
        self._occupied[begin:end] = b"\x01" * (end - begin)
        return key

    def _name_language(self, cand: Candidate) -> str:
        """English unless the name is the article's own words in another language; a person's
        name written in plain Latin letters reads the same in English."""
        surface = self.text[cand.begin:cand.end]
        if cand.key or cand.name != surface or self.language in ("en", "und"):
            return "en"
        if cand.type == "Person" and surface.isascii():
            return "en"
        return self.language

    def add_all(self, candidates: list[Candidate]) -> None:
        for cand in candidates:
            key = self.add(cand)
            for attr in ("edition",):
                if attr in cand.attrs:
                    self.extraction.add_fact(key, attr, int(cand.attrs[attr]), self.sentence_of(cand.begin), entity=False)
            self._pending_roles(cand, key)
            if cand.type == "Person" and any(k in cand.attrs for k in ("title_span", "between", "after")):
                self.person_context.setdefault(key, []).append(dict(cand.attrs, begin=cand.begin, end=cand.end))

    def _pending_roles(self, cand: Candidate, key: str) -> None:
        role = cand.attrs.get("role")
        if role:
            self.extraction.add_fact(key, "role", str(role), self.sentence_of(cand.begin), entity=False)

    def _release(self, begin: int, end: int, *, keep: str) -> None:
        """Free a span some other entity took, when the text says it names ``keep``."""
        for mention, key in list(self.mentions):
            if (mention.begin, mention.end) == (begin, end) and key != keep:
                self.mentions.remove((mention, key))
                self._released.add(id(mention))
                self._taken.remove((begin, end))
                self._forget_spans()
                entity = self.extraction.entities[key]
                entity.mentions.remove(mention)
                if not entity.mentions:
                    del self.extraction.entities[key]

    def remove(self, key: str) -> None:
        """Forget an entity and its mentions."""
        entity = self.extraction.entities.pop(key)
        spans = {(m.begin, m.end) for m in entity.mentions}
        if not spans:
            self.mentions = [(m, k) for m, k in self.mentions if k != key]
            return
        self.mentions = [(m, k) for m, k in self.mentions if k != key]
        self._taken = [t for t in self._taken if t not in spans]
        self._forget_spans(spans)

    def entity_for(self, cand: Candidate) -> Entity:
        """The entity a candidate names, adding it (and its mention) when new."""
        key = self.key_for(cand)
        entity = self.extraction.entities.get(key)
        if entity is None or all((m.begin, m.end) != (cand.begin, cand.end) for m in entity.mentions):
            self.add(cand)
        return self.extraction.entities[key]

    def is_free(self, begin: int, end: int) -> bool:
        return self._occupied.find(1, begin, end) == -1

    def _forget_spans(self, spans: set[tuple[int, int]] | None = None) -> None:
        """Recompute where mentions stand after some were taken back: everywhere, or only
        within ``spans`` (the spans given up)."""
        if spans is None:
            self._occupied = bytearray(len(self.text))
            for begin, end in self._taken:
                self._occupied[begin:end] = b"\x01" * (end - begin)
            return
        occupied = self._occupied
        for begin, end in spans:
            occupied[begin:end] = bytes(end - begin)
        low = min(b for b, _ in spans)
        high = max(e for _, e in spans)
        for begin, end in [t for t in self._taken if t[0] < high and low < t[1]]:
            for b, e in spans:
                if begin < e and b < end:
                    occupied[begin:end] = b"\x01" * (end - begin)
                    break

    # -- aliases ------------------------------------------------------------------------
    def link_aliases(self, folded: FoldedText) -> None:
        """Bracketed acronyms and repeated pattern names become mentions of their entity."""
        aliases: dict[str, str] = {}
        for mention, key in list(self.mentions):
            if key not in self.extraction.entities or id(mention) in self._released:
                continue
            match = _ACRONYM_AFTER.match(self.text, mention.end)
            if match:
                self._release(match.start(1), match.end(1), keep=key)
                if self.is_free(match.start(1), match.end(1)):
                    aliases.setdefault(match.group(1), key)
            if not self.extraction.entities[key].from_lexicon:
                aliases.setdefault(mention.surface, key)
        for alias, key in sorted(aliases.items(), key=lambda kv: -len(kv[0])):
            entity = self.extraction.entities[key]
            for begin, end in _whole_word_occurrences(self.text, alias):
                if self.is_free(begin, end):
                    how = "acronym" if alias.isupper() else "repeat"
                    self.add(Candidate(begin, end, entity.type, entity.cls, entity.name,
                                       key=key if entity.from_lexicon else None, how=how))

    def merge_coreferent(self) -> None:
        """One entity for names of one thing: with and without a year, or through its acronym."""
        entities = self.extraction.entities
        acronyms = {}
        for mention, key in self.mentions:
            if mention.how == "acronym":
                acronyms[mention.surface] = key
        groups: dict[tuple[str, str], list[str]] = {}
        for key, entity in sorted(entities.items()):
            if entity.from_lexicon or entity.type == "Person":
                continue
            target = next((acronyms[w] for w in re.findall(r"[\w.]+", entity.name)
                           if w in acronyms and acronyms[w] != key and entities[acronyms[w]].type == entity.type), None)
            if target:
                self._merge(target, key)
                continue
            groups.setdefault((entity.type, _YEAR_END.sub("", fold(entity.name))), []).append(key)
        for keys in groups.values():
            if len(keys) > 1:
                keep = max(keys, key=lambda k: (bool(_YEAR_END.search(fold(entities[k].name))), len(entities[k].mentions), k))
                for other in keys:
                    if other != keep:
                        self._merge(keep, other)

    def _merge(self, keep: str, other: str) -> None:
        entities = self.extraction.entities
        if keep not in entities or other not in entities:
            return
        gone = entities.pop(other)
        target = entities[keep]
        target.mentions.extend(gone.mentions)
        target.labels |= gone.labels
        target.series = target.series or gone.series
        self.mentions = [(m, keep if k == other else k) for m, k in self.mentions]
        facts = []
        for fact in self.extraction.facts:
            subject = keep if fact.subject == other else fact.subject
            obj = keep if fact.object_is_entity and fact.object == other else fact.object
            facts.append(type(fact)(subject, fact.relation, obj, fact.sentence, fact.object_is_entity))
        self.extraction.facts = facts

    def by_sentence(self) -> dict[int, list[tuple[Mention, Entity]]]:
        grouped: dict[int, list[tuple[Mention, Entity]]] = {}
        for mention, key in sorted(self.mentions, key=lambda mk: mk[0].begin):
            grouped.setdefault(mention.sentence, []).append((mention, self.extraction.entities[key]))
        return grouped

    def finish(self) -> None:
        """Sort mentions, pick each new entity's fullest name."""
        self.mentions.sort(key=lambda mk: (mk[0].begin, mk[0].end))
        for entity in self.extraction.entities.values():
            entity.mentions.sort(key=lambda m: (m.begin, m.end))


def _joins_word(char: str) -> bool:
    """A character that continues a word for an alias: what ``[\\w-]`` matches."""
    return char.isalnum() or char == "_" or char == "-"


def _whole_word_occurrences(text: str, alias: str):
    """(begin, end) of each occurrence of ``alias`` not inside a longer word or hyphenated name,
    left to right without overlaps: what ``(?<![\\w-])alias(?![\\w-])`` finds, with
    ``str.find`` instead of a pattern compiled per alias."""
    size = len(text)
    width = len(alias)
    position = text.find(alias)
    while position >= 0:
        end = position + width
        if (position == 0 or not _joins_word(text[position - 1])) and (end == size or not _joins_word(text[end])):
            yield position, end
            position = text.find(alias, end)
        else:
            position = text.find(alias, position + 1)
