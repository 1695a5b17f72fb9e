"""Summary: statistics and lookup keys written into ``graph/entities`` after each build.

The library queries (``queries/``) must answer in well under a second on 10,000 articles, and
some of their questions are counts over every mention in the store ("most mentioned first",
"entities with a single mention") or look up an entity by any of its names whatever the case.
Counting a million mentions or lower-casing every name takes seconds per query; done once per
build it takes seconds per build. So every build ends with :func:`refresh_summary`, which
replaces the summary triples of the entities graph with fresh ones:

- ``kg:nameKey``: each of an entity's names (``rdfs:label``, ``skos:prefLabel``,
  ``skos:altLabel``, ``kg:acronym``, in any graph) lower-cased with SPARQL's ``LCASE``, as a
  plain string; a query finds an entity by name with one index lookup of
  ``LCASE(STR(?name))``.
- ``kg:nameLanguage``: the language tag of each of an entity's ``skos:altLabel`` values (the
  surface forms of the articles and the lexicon's names), ``""`` for a name without one.
- ``kg:statedType``: each class (``rdf:type``) any graph states for a mentioned entity, once
  (every article that mentions an entity types it again).
- ``kg:mentionCount`` / ``kg:articleCount``: how many mentions (``kg:denotes``) name the entity,
  in how many articles.
- ``kg:forumCount``: for each country, how many forums it is involved in, as host (the forum
  is held in it or in one of its places, through ``kg:locatedIn`` chains), organiser or
  participant.
- ``kg:YearCount`` nodes (``https://w3id.org/cn-asean-kg/count/topic/{slug}/{yyyy|undated}``) for
  the fields of cooperation (topics): ``kg:countOf`` the topic, ``kg:year`` the publication year
  of the articles (``"undated"`` for articles without a date), ``kg:mentionsInYear`` and
  ``kg:articlesInYear``.

All of it is derived from the article graphs, so it is recomputed whole rather than patched: an
article that is replaced or removed changes counts of entities it does not mention any more.
Only writing is incremental: the fresh summary is compared with the one in the store, and just
the difference is removed and added (an incremental build changes the counts of what its
articles mention, not the whole summary). Name keys are the same whichever articles a store
holds, so a store that loads the N-Quads of several shards gets their union; counts are not
(each shard counts its own articles): ``kg load`` (:mod:`kg.commands.load`) loads shards and runs
:func:`refresh_summary` once.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.store import GraphStore
from kg.vocab import ENTITIES_GRAPH, ID_NS, KG_NS, RDF, RDFS, SCHEMA, SKOS

_SUMMARY_PROPERTIES = ("nameKey", "nameLanguage", "statedType", "mentionCount", "articleCount", "forumCount")
COUNT_NS = "https://w3id.org/cn-asean-kg/count/"

_PREFIXES = f"""
PREFIX kg: <{KG_NS}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX schema: <{SCHEMA}>
"""

# Each part is a CONSTRUCT of entities-graph triples rather than an INSERT, so that only the
# difference to the summary already in the store is written (refresh_summary). Their cost grows
# with the store: 3.4-3.7 CPU s on 10,000 articles (12.3M quads), 32-39 on 100,000 (121M).

_NAME_KEYS = _PREFIXES + """
CONSTRUCT { ?entity kg:nameKey ?key }
WHERE {
  { SELECT DISTINCT ?entity ?name WHERE {
      VALUES ?property { rdfs:label skos:prefLabel skos:altLabel kg:acronym }
      GRAPH ?g { ?entity ?property ?name }
  } }
  BIND(LCASE(STR(?name)) AS ?key)
}
"""

_NAME_LANGUAGES = _PREFIXES + """
CONSTRUCT { ?entity kg:nameLanguage ?language }
WHERE {
  { SELECT DISTINCT ?entity ?name WHERE { GRAPH ?g { ?entity skos:altLabel ?name } } }
  BIND(LANG(?name) AS ?language)
}
"""

# the entities are the subjects of the entities graph that some article mentions
_STATED_TYPES = _PREFIXES + f"""
CONSTRUCT {{ ?entity kg:statedType ?type }}
WHERE {{
  SELECT DISTINCT ?entity ?type
  WHERE {{
    {{ SELECT DISTINCT ?entity WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?entity rdfs:label ?label }} }} }}
    GRAPH ?g {{ ?entity a ?type }}
  }}
}}
"""

# A mention lives in its article's graph and nowhere else (its IRI is the article's), so the
# graph counts the articles, and the rows of one entity are distinct mentions: COUNT(?mention)
# is COUNT(DISTINCT ?mention) at half the cost. Joining kg:inArticle instead costs 20 times more.
_COUNTS = _PREFIXES + """
CONSTRUCT { ?entity kg:mentionCount ?mentions ; kg:articleCount ?articles }
WHERE {
  SELECT ?entity (COUNT(?mention) AS ?mentions) (COUNT(DISTINCT ?g) AS ?articles)
  WHERE { GRAPH ?g { ?mention kg:denotes ?entity } }
  GROUP BY ?entity
}
"""

# As in _COUNTS, with one kg:Article and at most one date a graph (the mapper writes them so,
# ontology/shapes.ttl checks it): a mention is one row
_TOPIC_YEARS = _PREFIXES + f"""
CONSTRUCT {{
  ?node a kg:YearCount ; kg:countOf ?topic ; kg:year ?year ;
        kg:mentionsInYear ?mentions ; kg:articlesInYear ?articles .
}}
WHERE {{
  {{ SELECT ?topic ?year (COUNT(?mention) AS ?mentions) (COUNT(DISTINCT ?g) AS ?articles)
    WHERE {{
      {{ SELECT DISTINCT ?topic WHERE {{
          GRAPH <{ENTITIES_GRAPH}> {{ ?topic rdfs:label ?label }}
          FILTER(STRSTARTS(STR(?topic), "{ID_NS}topic/"))
      }} }}
      GRAPH ?g {{ ?mention kg:denotes ?topic }}
      # the article of graph ?g: its publication year, "undated" without one
      OPTIONAL {{ GRAPH ?g {{ ?article a kg:Article ; schema:datePublished ?published }} }}
      BIND(COALESCE(SUBSTR(STR(?published), 1, 4), "undated") AS ?year)
    }}
    GROUP BY ?topic ?year
  }}
  # …/count/topic/{{slug}}/{{year}}: outside …/id/, so no query mistakes a count for an entity
  BIND(IRI(CONCAT("{COUNT_NS}", STRAFTER(STR(?topic), "{ID_NS}"), "/", ?year)) AS ?node)
}}
"""

# over the union of the graphs (a chain of places can span articles)
_FORUM_COUNTS = _PREFIXES + f"""
CONSTRUCT {{ ?country kg:forumCount ?forums }}
WHERE {{
  SELECT ?country (COUNT(DISTINCT ?forum) AS ?forums)
  WHERE {{
    ?country rdfs:label ?name .
    FILTER(STRSTARTS(STR(?country), "{ID_NS}country/"))
    {{
      SELECT DISTINCT ?forum ?country
      WHERE {{ {{ ?forum kg:heldIn ?country }} UNION {{ ?forum kg:organizer ?country }} UNION {{ ?forum kg:participant ?country }} }}
    }}
    UNION
    {{
      ?place kg:locatedIn+ ?country .
      {{ SELECT DISTINCT ?forum ?place WHERE {{ ?forum kg:heldIn ?place }} }}
    }}
  }}
  GROUP BY ?country
}}
"""

_KEYS = (_NAME_KEYS, _NAME_LANGUAGES, _STATED_TYPES)
_STATISTICS = (_COUNTS, _TOPIC_YEARS, _FORUM_COUNTS)


def _summary(store: GraphStore, *, counts: bool) -> set[ox.Quad]:
    """The summary quads the store's article graphs give (the default graph is their union)."""
    graph = ox.NamedNode(ENTITIES_GRAPH)
    queries = _KEYS + _STATISTICS if counts else _KEYS
    return {ox.Quad(t.subject, t.predicate, t.object, graph) for query in queries for t in store.query(query)}


def _written(store: GraphStore) -> set[ox.Quad]:
    """The summary quads in ``graph/entities`` now (an incremental build's store has the last build's)."""
    graph = ox.NamedNode(ENTITIES_GRAPH)
    quads = set()
    for name in _SUMMARY_PROPERTIES:
        quads.update(store.store.quads_for_pattern(None, ox.NamedNode(KG_NS + name), None, graph))
    for count in store.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(KG_NS + "YearCount"),
                                               graph):
        quads.update(store.store.quads_for_pattern(count.subject, None, None, graph))
    return quads


def refresh_summary(store: GraphStore, *, counts: bool = True) -> None:
    """Replace the name keys and statistics of ``graph/entities`` by ones computed from the store.

    ``counts=False`` (a shard build) writes the name keys, name languages and stated types only:
    those of several shards add up to the whole graph's, counts do not; a store that loads the
    shards runs this once more with counts."""
    fresh, written = _summary(store, counts=counts), _written(store)
    # only the difference is written, the new quads through the bulk loader (no transaction;
    # a build writes into a store version it publishes when complete, kg/staging.py)
    for quad in written - fresh:
        store.store.remove(quad)
    if added := fresh - written:
        store.store.bulk_extend(added)
