"""Facts between the entities of a sentence, read with per-language cue words.

Each rule reads one kind of statement the way news text makes it, and only within a
sentence: a fact the text does not state is not extracted. The cue words are data
(``ontology/patterns/<lang>.yaml``: ``cues`` and ``fact_cues``); the rules are the same for
every language.

Forum references without a name ("de conferentie", "this summit", "diễn đàn") count as
mentions of the article's main forum, the one the article is about.
"""

from __future__ import annotations

import re
from functools import cache
from dataclasses import dataclass

from kg.dates import find_dates
from kg.extractor.candidates import Candidate
from kg.extractor.entities import EntityTable
from kg.extractor.model import Entity, Extraction, Mention
from kg.extractor.tokens import LanguagePatterns, language

_YEAR = re.compile(r"\b(19|20)\d\d\b")
_AGENTS = ("Country", "Organization")


@dataclass(frozen=True)
class Item:
    """An entity mention in a sentence, or a forum reference standing for the main forum."""

    begin: int
    end: int
    entity: Entity
    anaphor: bool = False


def _cue_pattern(words) -> re.Pattern[str] | None:
    """Any of ``words`` as whole words, case-insensitively (compiled once per word list)."""
    return _compiled_cues(tuple(w for w in words if w))


@cache
def _compiled_cues(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.IGNORECASE)


@cache
def _alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class FactReader:
    """Reads the facts of one article."""

    def __init__(self, text: str, code: str, extraction: Extraction, table: EntityTable) -> None:
        self.text = text
        self.lang: LanguagePatterns = language(code)
        self.extraction = extraction
        self.table = table
        self.sentences = table.by_sentence()
        self._cues: dict[str, re.Pattern[str] | None] = {}
        self.main_forum = self._main_forum()

    # -- cue helpers ---------------------------------------------------------------------------
    def cue(self, name: str) -> re.Pattern[str] | None:
        if name not in self._cues:
            words = self.lang.cue(name) or list((self.lang.get("fact_cues") or {}).get(name) or [])
            self._cues[name] = _cue_pattern(words)
        return self._cues[name]

    def has_cue(self, name: str, begin: int, end: int) -> bool:
        """A cue word in ``text[begin:end]`` that is not part of a name."""
        pattern = self.cue(name)
        if pattern is None:
            return False
        return any(self.table.is_free(match.start(), match.start() + 1)
                   for match in pattern.finditer(self.text, begin, end))

    def gap(self, begin: int, end: int) -> str:
        return self.text[begin:end].strip()

    def gap_is(self, name: str, begin: int, end: int) -> bool:
        """The text between two offsets is exactly one cue of ``name`` (articles allowed)."""
        gap = re.sub(r"^(?:de|het|the|a|an|een)\s+|\s+(?:de|het|the)$", "", self.gap(begin, end), flags=re.I)
        pattern = self.cue(name)
        return bool(pattern and pattern.fullmatch(gap))

    # -- the main forum and its references -----------------------------------------------------
    def _main_forum(self) -> Entity | None:
        """The forum the article is about: the first one named, unless it is only the frame
        ("in het kader van …") of another meeting, which is then the main one."""
        forums = [e for e in self.extraction.entities.values() if e.type == "Forum" and e.mentions]
        if not forums:
            return None
        frames = set()
        pattern = self.cue("part_of")
        if pattern:
            for forum in forums:
                for mention in forum.mentions:
                    if pattern.search(self.text[max(0, mention.begin - 30):mention.begin]):
                        frames.add(forum.key)
        inner = [f for f in forums if f.key not in frames] or forums
        return min(inner, key=lambda e: e.mentions[0].begin)

    def items(self, index: int) -> list[Item]:
        items = [Item(m.begin, m.end, e) for m, e in self.sentences.get(index, [])]
        if self.main_forum is not None:
            span = self.extraction.sentences[index]
            anaphora = _cue_pattern(list(self.lang.get("event_anaphora") or []))
            if anaphora:
                for match in anaphora.finditer(self.text, span.begin, span.end):
                    if not any(i.begin <= match.start() < i.end for i in items):
                        items.append(Item(match.start(), match.end(), self.main_forum, anaphor=True))
        return sorted(items, key=lambda i: i.begin)

    # -- rules ---------------------------------------------------------------------------------
    def read(self) -> None:
        indexes = range(len(self.extraction.sentences))
        parents = {i: self.part_of(i, [f for f in self.items(i) if f.entity.type == "Forum"]) for i in indexes}
        children = {f.subject for f in self.extraction.facts if f.relation == "partOf"}
        if children:
            self.main_forum = min((self.extraction.entities[k] for k in children), key=lambda e: e.mentions[0].begin)
        self.about_forum = self.main_forum is not None and self.main_forum.mentions[0].sentence < 3
        """Whether the article is about its main forum (named in its opening sentences)."""
        for index, span in enumerate(self.extraction.sentences):
            items = self.items(index)
            if not items:
                continue
            forums = [i for i in items if i.entity.type == "Forum"]
            inner = [f for f in forums if f.entity.key not in parents[index]] or forums
            self.held_in(index, items, forums)
            self.dates(index, span.begin, span.end, inner)
            self.organisers(index, items, inner)
            self.participants(index, items, inner)
            self.topics(index, items, inner, span.begin, span.end)
            self.parties(index, items, span.begin, span.end)
            self.located_in(index, items)
            self.members(index, items)
            self.cooperation(index, items, span.begin, span.end)
        self.named_topics()
        self.affiliations()
        self.prune_topics()

    def prune_topics(self) -> None:
        """A field is a topic of cooperation only where the text presents it so: it is kept when
        a fact holds it, or when a sentence naming it speaks of fields or cooperation."""
        held = {f.object for f in self.extraction.facts if f.relation == "topic"}
        for key, entity in list(self.extraction.entities.items()):
            if entity.type != "Topic" or key in held:
                continue
            spans = [self.extraction.sentences[m.sentence] for m in entity.mentions]
            if not any(self.has_cue("topic_cues", s.begin, s.end) for s in spans):
                self.table.remove(key)

    def add(self, subject: Entity, relation: str, obj, index: int, *, entity: bool = True) -> None:
        self.extraction.add_fact(subject.key, relation, obj.key if entity else obj, index, entity=entity)

    def part_of(self, index: int, forums: list[Item]) -> set[str]:
        """"… in het kader van de 22e CAEXPO en de CABIS": the forums right after the cue."""
        pattern = self.cue("part_of")
        parents: list[Item] = []
        if pattern is None or len(forums) < 2:
            return set()
        span = self.extraction.sentences[index]
        for match in pattern.finditer(self.text, span.begin, span.end):
            position = match.end()
            for item in forums:
                if item.begin < position:
                    continue
                between = self.gap(position, item.begin)
                joined = not parents or re.search(r"(?<!\w)(?:en|and|và|&)(?!\w)", between, re.I)
                if joined and re.fullmatch(r"(?:(?:de|het|the|en|and|và|,|\([^)]*\))\s*)*", between, re.I):
                    parents.append(item)
                    position = item.end
                    after = re.match(r"\s*\([^)]*\)", self.text[position:])
                    position += after.end() if after else 0
                elif item.begin >= position:
                    break
        keys = {p.entity.key for p in parents}
        for item in forums:
            if item.entity.key not in keys:
                for parent in parents:
                    self.add(item.entity, "partOf", parent.entity, index)
        return keys

    def held_in(self, index: int, items: list[Item], forums: list[Item]) -> None:
        """A forum and the first place after "held in"/"tổ chức tại", or after a bare "in"/"tại"
        close to the forum's name."""
        if not forums:
            return
        descriptors = _alternation(tuple((self.lang.get("fact_cues") or {}).get("place_descriptors") or []))
        lead = rf"\s+(?:(?:{descriptors})\s+)?$" if descriptors else r"\s+$"
        named = [f for f in forums if not f.anaphor]
        for item in items:
            if item.entity.type not in ("Place", "Country"):
                continue
            before = self.text[max(0, item.begin - 40):item.begin]
            strong = self.cue("held_in")
            near = self.cue("near")
            held = bool(strong and re.search(rf"(?:{strong.pattern}){lead}", before, re.IGNORECASE))
            if not held and near and re.search(rf"(?:{near.pattern}){lead}", before, re.IGNORECASE):
                held = any(0 <= item.begin - f.end <= 60 or 0 <= f.begin - item.end <= 60 for f in named)
            if held:
                for forum in forums:
                    self.add(forum.entity, "heldIn", item.entity, index)
                return

    def dates(self, index: int, begin: int, end: int, forums: list[Item]) -> None:
        if not forums:
            return
        target = forums[0].entity
        for found in find_dates(self.text[begin:end]):
            start, until = found.start, found.until
            if start.year is None:
                year = _YEAR.search(target.name)
                if not year:
                    continue
                start = start.with_year(int(year.group()))
                until = until.with_year(int(year.group())) if until else None
            if start.month is None:
                continue
            self.add(target, "startDate", start, index, entity=False)
            if until:
                self.add(target, "endDate", until, index, entity=False)
            return

    def _chain_after(self, items: list[Item], position: int, types: tuple[str, ...]) -> list[Item]:
        """Entities of ``types`` listed right after ``position`` ("X and Y", "X, Y và Z")."""
        chain = []
        for item in items:
            if item.begin < position:
                continue
            between = self.gap(position, item.begin)
            if item.entity.type in types and re.fullmatch(r"(?:(?:de|het|the|en|and|và|,|van)\s*)*", between, re.I):
                chain.append(item)
                position = item.end
            elif item.begin >= position:
                break
        return chain

    def organisers(self, index: int, items: list[Item], forums: list[Item]) -> None:
        pattern = self.cue("organised_by")
        if pattern is None or not forums:
            return
        span = self.extraction.sentences[index]
        for match in pattern.finditer(self.text, span.begin, span.end):
            chain = self._chain_after(items, match.end(), _AGENTS)
            if chain and (self.lang.code != "vi" or self.has_cue("organise_verbs", chain[-1].end, chain[-1].end + 30)):
                for agent in chain:
                    self.add(forums[0].entity, "organizer", agent.entity, index)

    def participants(self, index: int, items: list[Item], forums: list[Item]) -> None:
        if not forums:
            return
        forum = forums[0].entity
        organisers = {f.object for f in self.extraction.facts if f.relation == "organizer" and f.sentence == index}
        span = self.extraction.sentences[index]
        gathering = self.has_cue("participation", span.begin, span.end)
        speaking = self.has_cue("speech_at", span.begin, span.end)
        first_forum = min(f.begin for f in forums)
        for item in items:
            if item.entity.type == "Person" and (speaking or first_forum < item.begin):
                self.add(forum, "participant", item.entity, index)
            elif gathering and item.entity.type in _AGENTS and item.entity.key not in organisers:
                for other in forums:
                    if not other.anaphor or other.entity is forum:
                        self.add(other.entity, "participant", item.entity, index)

    def topics(self, index: int, items: list[Item], forums: list[Item], begin: int, end: int) -> None:
        """Fields named in a sentence about a forum, with a cue ("thema", "focus on", "lĩnh vực")."""
        if not self.has_cue("topic_cues", begin, end):
            return
        if forums:
            target = forums[0].entity
        elif self.about_forum and self.has_cue("cooperation", begin, end):
            target = self.main_forum
        else:
            return
        for item in items:
            if item.entity.type == "Topic":
                self.add(target, "topic", item.entity, index)

    def named_topics(self) -> None:
        """A field named inside a forum's or agreement's name is what it is about."""
        holders = [(m, e) for e in self.extraction.entities.values() if e.type in ("Forum", "Agreement", "Initiative")
                   for m in e.mentions]
        for mention, topic in ((m, e) for e in self.extraction.entities.values() if e.type == "Topic" for m in e.mentions):
            for holder_mention, holder in holders:
                if holder_mention.begin <= mention.begin and mention.end <= holder_mention.end:
                    self.add(holder, "topic", topic, mention.sentence)

    def parties(self, index: int, items: list[Item], begin: int, end: int) -> None:
        """Who signed, adopted, launched or proposed an agreement or initiative.

        * the countries or organisations joined right before a signing verb that precedes the
          deal ("Trung Quốc và ASEAN chính thức ký …"; "both sides adopted …" takes the last pair
          named before);
        * a possessive right before the deal ("Indonesia's 'global maritime fulcrum'"), or before
          a word for a policy when the deal is what the sentence is about ("…, China's visie");
        * the countries a bilateral deal's name joins ("China-US … Agreement").
        """
        deals = [i for i in items if i.entity.type in ("Agreement", "Initiative")]
        if not deals:
            return
        agents = [i for i in items if i.entity.type in _AGENTS and not i.anaphor]
        cues = self.lang.get("fact_cues") or {}
        possessive = _alternation(tuple(cues.get("possessive") or []))
        policy = _cue_pattern(list(cues.get("policy_nouns") or []))
        both = _cue_pattern(list(cues.get("both_sides") or []))
        verbs = [m.start() for m in self.cue("party_verbs").finditer(self.text, begin, end)] if self.cue("party_verbs") else []
        for verb in verbs:
            before = [a for a in agents if a.end <= verb]
            if not before:
                continue
            chain = self._chain_before(before)
            near = self.text[chain[-1].end:verb]
            if len(near) > 60 or re.search(r"[;:]", near):
                if not (both and both.search(self.text, max(begin, verb - 40), verb)):
                    continue
            for deal in deals:
                between = [a for a in agents if verb < a.begin < deal.begin]
                if verb < deal.begin <= verb + 250 and not between:
                    for agent in chain:
                        self.add(deal.entity, "party", agent.entity, index)
        for agent in agents:
            owner = possessive and re.match(rf"\s?(?:{possessive})(?!\w)[\s\"'“‘]*", self.text[agent.end:agent.end + 8])
            if not owner:
                continue
            after = agent.end + owner.end()
            direct = [d for d in deals if d.begin == after]
            if direct:
                self.add(direct[0].entity, "party", agent.entity, index)
            elif policy and policy.match(self.text, after) and deals[0].begin < agent.begin:
                self.add(deals[0].entity, "party", agent.entity, index)
        for deal in deals:
            if deal.entity.type == "Agreement":
                inner = [c for c in self.table.nested.get((deal.begin, deal.end), []) if c.type in _AGENTS]
                if len({c.key for c in inner}) >= 2:
                    for cand in inner:
                        self.add(deal.entity, "party", self.table.entity_for(cand), index)

    def _chain_before(self, before: list[Item]) -> list[Item]:
        """The last agent before a point and those joined to it by "and"/"en"/"và"/","."""
        chain = [before[-1]]
        for item in reversed(before[:-1]):
            if re.fullmatch(r"\s*(?:,|and|en|và|&|-)\s*", self.text[item.end:chain[0].begin], re.IGNORECASE):
                chain.insert(0, item)
            else:
                break
        return chain

    _RANK = {"Site": 0, "City": 1, "Province": 2, "Region": 2, "Place": 1, "Country": 3}

    def located_in(self, index: int, items: list[Item]) -> None:
        """"Nanning, China", "Thâm Quyến, tỉnh Quảng Đông", "Station in Laos", "China's Guangxi"."""
        descriptors = _alternation(tuple((self.lang.get("fact_cues") or {}).get("place_descriptors") or []))
        possessive = _alternation(tuple((self.lang.get("fact_cues") or {}).get("possessive") or []))
        located = self.cue("located_in")
        rank = lambda e: self._RANK.get(e.cls if e.type == "Place" else e.type, 1)
        for left, right in zip(items, items[1:]):
            if left.anaphor or right.anaphor:
                continue
            gap = self.gap(left.end, right.begin)
            if possessive and left.entity.type == "Country" and right.entity.type == "Place" and \
                    re.fullmatch(rf"(?:{possessive})", gap):
                self.add(right.entity, "locatedIn", left.entity, index)
                continue
            if right.entity.type not in ("Place", "Country") or left.entity.type not in ("Place", "Organization", "Project"):
                continue
            if left.entity.type == "Organization" and "," in gap:
                continue  # "ASEAN, China agree …" is a list, not an address
            if left.entity.type == "Place" and rank(left.entity) > rank(right.entity):
                continue
            appositive = re.fullmatch(rf",\s*(?:(?:{descriptors})\s+)?", gap + " ", re.IGNORECASE) if descriptors \
                else gap == ","
            inside = left.entity.type != "Organization" and located is not None and \
                re.fullmatch(rf"(?:\w+\s+)?(?:{located.pattern})", gap, re.IGNORECASE)
            if appositive or inside:
                self.add(left.entity, "locatedIn", right.entity, index)
        for item in items:
            if item.anaphor or not (item.entity.cls == "GovernmentBody" or item.entity.type == "Project"):
                continue
            inner = [c for c in self.table.nested.get((item.begin, item.end), []) if c.type in ("Place", "Country")]
            if len({c.key for c in inner}) == 1:
                self.add(item.entity, "locatedIn", self.table.entity_for(inner[0]), index)

    def members(self, index: int, items: list[Item]) -> None:
        """"ASEAN countries such as Vietnam", "vijf ASEAN-landen (Singapore, …)"."""
        cues = self.lang.get("fact_cues") or {}
        nouns = _alternation(tuple(cues.get("member_nouns") or []))
        intro = _alternation(tuple(cues.get("member_intro") or []))
        if not nouns:
            return
        for item in items:
            if item.entity.type != "Organization":
                continue
            after = re.match(rf"\s*(?:{nouns})(?:\s*(?:{intro}))+\s*", self.text[item.end:item.end + 40], re.IGNORECASE)
            before = re.search(rf"(?:{nouns})\s+$", self.text[max(0, item.begin - 20):item.begin], re.IGNORECASE)
            if before:
                after = re.match(rf"(?:\s*(?:{intro}))+\s*", self.text[item.end:item.end + 20], re.IGNORECASE)
            if not after:
                continue
            for member in self._chain_after(items, item.end + after.end(), ("Country",)):
                self.add(member.entity, "memberOf", item.entity, index)

    def cooperation(self, index: int, items: list[Item], begin: int, end: int) -> None:
        """Two countries or organisations joined by "and"/"-"/"và" in a sentence about cooperation."""
        partner_of = _cue_pattern(list((self.lang.get("fact_cues") or {}).get("partner_of") or []))
        agents = [i for i in items if i.entity.type in _AGENTS and not i.anaphor]
        for left, right in zip(agents, agents[1:]):
            gap = self.gap(left.end, right.begin)
            if partner_of and partner_of.search(gap):
                self.add(left.entity, "cooperatesWith", right.entity, index)
        if not self.has_cue("cooperation", begin, end):
            return
        for left, right in zip(agents, agents[1:]):
            gap = self.gap(left.end, right.begin)
            if re.fullmatch(r"(?:-|–|and|en|và|&|with|met|với)", gap, re.IGNORECASE) and left.entity.key != right.entity.key:
                pair = sorted([left.entity, right.entity], key=lambda e: e.key)
                if not any(f.relation == "cooperatesWith" and {f.subject, f.object} == {pair[0].key, pair[1].key}
                           for f in self.extraction.facts):
                    self.add(pair[0], "cooperatesWith", pair[1], index)

    def affiliations(self) -> None:
        """From the words around a titled name: "Xinhua reporter X", "X, director of Y", "Indonesian President X"."""
        entities = self.extraction.entities
        demonyms = _demonym_table()
        for key, contexts in self.table.person_context.items():
            person = entities.get(key)
            if person is None:
                continue
            for context in contexts:
                index = self.table.sentence_of(int(context["begin"]))
                items = self.items(index)
                spans = [context.get("between"), context.get("after")]
                for span in spans:
                    if not span:
                        continue
                    a, b = span
                    for item in items:
                        if a <= item.begin and item.end <= b and item.entity.type in _AGENTS:
                            self.add(person, "affiliation", item.entity, index)
                title = context.get("title_span")
                if title:
                    t0 = int(title[0])
                    for item in items:
                        if item.entity.type in _AGENTS and item.end <= t0 and re.fullmatch(r"\s*", self.text[item.end:t0]):
                            self.add(person, "affiliation", item.entity, index)
                    word = re.search(r"(\w+)\s+$", self.text[:t0])
                    if word and word.group(1) in demonyms:
                        country = self.table.lexicon.entries[demonyms[word.group(1)]]
                        cand = Candidate(word.start(1), word.end(1), country.type, country.cls, country.name,
                                         key=country.iri, how="demonym")
                        self.add(person, "affiliation", self.table.entity_for(cand), index)
                end = int(context["end"])
                of = re.match(r"\s+(?:of|van|của)\s+(?:de\s+|the\s+)?", self.text[end:end + 12])
                if of:
                    for item in items:
                        if item.begin == end + of.end() and item.entity.type in _AGENTS:
                            self.add(person, "affiliation", item.entity, index)


def _demonym_table() -> dict[str, str]:
    from kg.extractor.recognisers import _demonyms
    return _demonyms()


def extract_facts(text: str, code: str, extraction: Extraction, table: EntityTable) -> None:
    """Add the facts the article states to ``extraction``."""
    FactReader(text, code, extraction, table).read()
