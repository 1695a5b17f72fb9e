"""Evaluate: score what the built graph says about annotated articles against gold YAML.

The rules are those of ``tests/gold/FORMAT.md``: the graph is read back from the TriG export
(one named graph per article, found by ``dcterms:identifier``), so the score is the score of
what users get, not of an internal structure. Entities match on type and a normalised label;
relations match when both ends match; precision, recall and F1 per type, per relation and
micro-averaged, overall and per language.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from kg.errors import KGError
from kg.paths import SEEDS_DIR
from kg.reader import find_article_files
from kg.vocab import DCTERMS, KG_NS, RDF, RDFS, SCHEMA, SKOS, TOP_TYPES, top_type_of

RELATIONS = ("heldIn", "startDate", "endDate", "edition", "partOf", "organizer", "participant", "topic",
             "party", "date", "role", "affiliation", "locatedIn", "memberOf", "cooperatesWith")
_LITERAL_RELATIONS = {"startDate", "endDate", "edition", "date", "role"}
_LABELS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SCHEMA + "name")


def norm(text: str) -> str:
    """Case folding, accent removal, spaces/hyphens/punctuation collapsed (FORMAT.md)."""
    text = unicodedata.normalize("NFKD", str(text).casefold().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", text).strip()


@dataclass
class Counts:
    tp: int = 0
    extracted: int = 0
    gold: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.extracted += other.extracted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.tp / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "extracted": self.extracted, "gold": self.gold,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class ArticleScore:
    article: str
    language: str
    entities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)


def _max_matching(candidates: dict[str, list[str]]) -> dict[str, str]:
    """Maximum bipartite matching extracted → gold (each gold used once)."""
    owner: dict[str, str] = {}

    def augment(node: str, seen: set[str]) -> bool:
        for gold in candidates[node]:
            if gold in seen:
                continue
            seen.add(gold)
            if gold not in owner or augment(owner[gold], seen):
                owner[gold] = node
                return True
        return False

    for node in sorted(candidates):
        augment(node, set())
    return {node: gold for gold, node in owner.items()}


def _literal_matches(relation: str, extracted: str, gold: object) -> bool:
    if relation == "edition":
        try:
            return int(extracted) == int(gold)
        except (TypeError, ValueError):
            return False
    if relation == "role":
        a, b = str(extracted).casefold().strip(), str(gold).casefold().strip()
        return a == b or a in b or b in a
    return str(extracted) == str(gold)


def score_article(store: ox.Store, gold: dict) -> ArticleScore:
    stem = gold["article"]
    score = ArticleScore(stem, gold.get("language") or "und")
    rows = list(store.query(f'SELECT ?g WHERE {{ GRAPH ?g {{ ?a <{DCTERMS}identifier> "{stem}" }} }}'))
    tops = top_type_of()
    gold_entities = {e["id"]: e for e in gold.get("entities") or []}
    gold_names = {gid: {norm(e["name"])} | {norm(a) for a in e.get("aliases") or []} for gid, e in gold_entities.items()}
    for e in gold_entities.values():
        score.entities[e["type"]].gold += 1
    gold_relations = [tuple(r) for r in gold.get("relations") or []]
    for r in gold_relations:
        score.relations[r[1]].gold += 1
    if not rows:
        score.missed = [f"{gid} (article not in graph)" for gid in gold_entities]
        return score
    g = rows[0]["g"]
    nodes = set()
    for quad in store.quads_for_pattern(None, None, None, g):
        nodes.add(quad.subject)
        if isinstance(quad.object, ox.NamedNode):
            nodes.add(quad.object)
    extracted: dict[str, tuple[str, set[str]]] = {}
    for node in nodes:
        if not isinstance(node, ox.NamedNode):
            continue
        types = {tops.get(q.object.value[len(KG_NS):]) for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None)
                 if q.object.value.startswith(KG_NS)} - {None}
        if not types:
            continue
        labels = {norm(q.object.value) for p in _LABELS for q in store.quads_for_pattern(node, ox.NamedNode(p), None)}
        for type_ in types:
            extracted[f"{node.value}|{type_}"] = (type_, labels)
            score.entities[type_].extracted += 1
    candidates = {key: sorted(gid for gid, e in gold_entities.items() if e["type"] == type_ and gold_names[gid] & labels)
                  for key, (type_, labels) in extracted.items()}
    matched = _max_matching(candidates)
    node_to_gold: dict[str, set[str]] = defaultdict(set)
    for key, gid in matched.items():
        score.entities[gold_entities[gid]["type"]].tp += 1
        node_to_gold[key.split("|")[0]].add(gid)
    score.missed = sorted(f"{gid} [{gold_entities[gid]['type']}] {gold_entities[gid]['name']}"
                          for gid in set(gold_entities) - set(matched.values()))
    score.spurious = sorted(f"[{t}] {key.split('|')[0].rsplit('/', 1)[-1]}" for key, (t, _) in extracted.items() if key not in matched)

    remaining = list(gold_relations)
    for quad in store.quads_for_pattern(None, None, None, g):
        relation = quad.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if relation not in RELATIONS:
            continue
        score.relations[relation].extracted += 1
        subjects = node_to_gold.get(quad.subject.value, set())
        hit = None
        for r in remaining:
            if r[1] != relation:
                continue
            if relation in _LITERAL_RELATIONS:
                ok = r[0] in subjects and isinstance(quad.object, ox.Literal) and _literal_matches(relation, quad.object.value, r[2])
            else:
                objects = node_to_gold.get(quad.object.value, set()) if isinstance(quad.object, ox.NamedNode) else set()
                ok = (r[0] in subjects and r[2] in objects) or (
                    relation == "cooperatesWith" and r[2] in subjects and r[0] in objects)
            if ok:
                hit = r
                break
        if hit:
            remaining.remove(hit)
            score.relations[relation].tp += 1
        else:
            obj = quad.object.value.rsplit("/", 1)[-1]
            score.spurious.append(f"{quad.subject.value.rsplit('/', 1)[-1]} {relation} {obj}")
    score.missed.extend(f"{r[0]} {r[1]} {r[2]}" for r in remaining)
    return score


def load_gold(gold_dir: Path) -> list[dict]:
    files = sorted(gold_dir.glob("*.yaml")) + sorted(gold_dir.glob("*.yml"))
    if not files:
        raise KGError(f"{gold_dir}: no gold .yaml files")
    golds = []
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise KGError(f"{path}: {exc}") from exc
        if not isinstance(data, dict) or "article" not in data:
            raise KGError(f"{path}: not a gold file (no `article:` key)")
        golds.append(data)
    return golds


def build_for(golds: list[dict], article_paths: list[Path], out_dir: Path) -> Path:
    """Build the graph of exactly the articles the gold files name; return the TriG path."""
    from kg.build import build

    wanted = {g["article"] for g in golds}
    files = [p for p in find_article_files(article_paths) if p.stem in wanted]
    missing = wanted - {p.stem for p in files}
    if missing:
        raise KGError(f"articles not found for gold files: {', '.join(sorted(missing))}")
    build(files, out_dir, full=True, html=False)
    return out_dir / "graph.trig"


def evaluate(golds: list[dict], trig: Path) -> list[ArticleScore]:
    store = ox.Store()
    store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    return [score_article(store, gold) for gold in golds]


def totals(scores: list[ArticleScore], languages: set[str] | None = None) -> dict[str, dict[str, Counts]]:
    result = {"entities": defaultdict(Counts), "relations": defaultdict(Counts)}
    for s in scores:
        if languages and s.language not in languages:
            continue
        for kind in ("entities", "relations"):
            for name, counts in getattr(s, kind).items():
                result[kind][name].add(counts)
    return result


def micro(table: dict[str, Counts]) -> Counts:
    total = Counts()
    for counts in table.values():
        total.add(counts)
    return total


def format_table(title: str, table: dict[str, Counts], order: tuple[str, ...]) -> str:
    lines = [f"{title:16s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>5s} {'ext':>5s} {'gold':>5s}"]
    for name in order:
        c = table.get(name)
        if c and (c.gold or c.extracted):
            lines.append(f"{name:16s} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5d} {c.extracted:5d} {c.gold:5d}")
    m = micro(table)
    lines.append(f"{'micro':16s} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} {m.tp:5d} {m.extracted:5d} {m.gold:5d}")
    return "\n".join(lines)


def report(scores: list[ArticleScore], *, by_language: bool) -> tuple[str, dict]:
    sections = []
    data: dict = {"overall": {}, "languages": {}, "articles": {}}
    groups = [("all", None)]
    if by_language:
        groups += [(lang, {lang}) for lang in sorted({s.language for s in scores})]
    for name, langs in groups:
        t = totals(scores, langs)
        sections.append(f"== {name} ==\n" + format_table("entity type", t["entities"], TOP_TYPES)
                        + "\n\n" + format_table("relation", t["relations"], RELATIONS))
        entry = {"entities": micro(t["entities"]).as_dict(), "relations": micro(t["relations"]).as_dict(),
                 "per_type": {k: v.as_dict() for k, v in sorted(t["entities"].items())},
                 "per_relation": {k: v.as_dict() for k, v in sorted(t["relations"].items())}}
        if langs is None:
            data["overall"] = entry
        else:
            data["languages"][name] = entry
    for s in scores:
        data["articles"][s.article] = {"language": s.language,
                                       "entities": micro(s.entities).as_dict(), "relations": micro(s.relations).as_dict(),
                                       "missed": s.missed, "spurious": s.spurious}
    return "\n\n".join(sections), data


def evaluate_command(args: argparse.Namespace) -> int:
    golds = load_gold(args.gold)
    with tempfile.TemporaryDirectory(prefix="kg-evaluate-") as tmp:
        trig = build_for(golds, args.articles or [SEEDS_DIR], Path(tmp))
        scores = evaluate(golds, trig)
    text, data = report(scores, by_language=args.by_language)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nwrote {args.json}", file=sys.stderr)
    return 0
