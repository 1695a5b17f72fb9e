// The network page's own script (kg/view/render.py inlines it and allows it by hash in the CSP).
// All text from the graph reaches the page through textContent, never as HTML.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("kg-data").textContent);
  const started = performance.now();
  const $ = (id) => document.getElementById(id);
  const count = (n) => n.toLocaleString("en");

  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  // ------------------------------------------------------------------ data for vis-network
  const styles = Object.fromEntries(DATA.classes.map((c) => [c.type, c]));
  const nodeIds = DATA.nodes.map((n) => n.id);
  const nodeById = new Map(DATA.nodes.map((n) => [n.id, n]));

  function classColour(n) { return styles[n.type].colour; }
  function communityColour(n) {
    const c = DATA.communities[n.community];
    return c ? c.colour : DATA.community_other;
  }

  // Entities without a relation in the view take no part in the physics: repelled by all the
  // others they would drift to the edges and shrink the drawing; they go in rows underneath.
  const linked = new Set(DATA.edges.flatMap(([from, to]) => [from, to]));
  const unrelated = DATA.nodes.filter((n, i) => !linked.has(i))
    .sort((a, b) => a.type.localeCompare(b.type) || a.label.localeCompare(b.label)).map((n) => n.id);
  const nodes = new vis.DataSet(DATA.nodes.map((n, i) => {
    const style = styles[n.type];
    const node = { id: n.id, label: n.label, shape: style.shape, value: n.degree + 1, color: style.colour,
                   shapeProperties: { borderDashes: style.dashed ? [4, 3] : false } };
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    else if (!linked.has(i)) node.physics = false;
    return node;
  }));

  const pairs = new Map();
  const edges = new vis.DataSet(DATA.edges.map(([from, to, relation], i) => {
    const key = Math.min(from, to) + "-" + Math.max(from, to);
    const k = pairs.get(key) || 0;
    pairs.set(key, k + 1);
    const edge = { id: i, from: nodeIds[from], to: nodeIds[to], label: DATA.relations[relation] };
    if (k > 0) edge.smooth = { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.ceil(k / 2) };
    return edge;
  }));

  // Physics only when Python gave no positions and some entity is related to another.
  const physics = DATA.physics && linked.size > 0;
  const showEdgeLabels = DATA.physics;
  $("edge-labels").checked = showEdgeLabels;
  const network = new vis.Network($("network"), { nodes, edges }, {
    nodes: { scaling: { min: 8, max: 40, label: { enabled: true, min: 14, max: 26, drawThreshold: 5 } },
             font: { size: 12 }, borderWidth: 1 },
    edges: { color: { color: "#9a9a9a", highlight: "#333", hover: "#555" }, smooth: false, width: 1,
             arrows: { to: { enabled: true, scaleFactor: 0.5 } },
             font: { size: showEdgeLabels ? 9 : 0, align: "middle", color: "#555" } },
    physics: physics
      ? { stabilization: { iterations: DATA.iterations, updateInterval: 10 },
          solver: "forceAtlas2Based",  // degree-dependent repulsion spreads the hubs that news graphs have
          forceAtlas2Based: { gravitationalConstant: -60, centralGravity: 0.015, springLength: 90, avoidOverlap: 0.4 } }
      : false,
    layout: { improvedLayout: physics, randomSeed: 7 },  // the same page draws the same picture
    interaction: { hover: true, hideEdgesOnDrag: !physics, hideEdgesOnZoom: !physics },
  });
  window.network = network;
  window.kgView = { network, nodes, edges, data: DATA, ready: false };

  // ------------------------------------------------------------------ status and notes
  const plural = (n, one, many) => count(n) + " " + (n === 1 ? one : many);
  const summary = () => plural(DATA.nodes.length, "entity", "entities") + " · " + plural(DATA.edges.length, "relation", "relations");
  function ready() {
    const seconds = (performance.now() - started) / 1000;
    $("status").textContent = summary() + " · drawn in " + seconds.toFixed(1) + " s";
    window.kgView.ready = true;
    window.kgView.drawnMs = Math.round(performance.now() - started);
  }
  if (physics) {
    $("status").textContent = "Laying out " + summary() + "…";
    network.on("stabilizationProgress", (p) => {
      $("status").textContent = "Laying out the graph: step " + p.iterations + " of " + p.total + "…";
    });
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: false });
      placeUnrelated();
      ready();
    });
  } else {
    $("status").textContent = "Drawing " + summary() + "…";
    if (DATA.physics) placeUnrelated();
    network.once("afterDrawing", ready);
  }
  function placeUnrelated() {
    if (!unrelated.length) return;
    const spacing = 170;
    const placed = Object.values(network.getPositions(DATA.nodes.filter((n, i) => linked.has(i)).map((n) => n.id)));
    const left = placed.length ? Math.min(...placed.map((p) => p.x)) : 0;
    const right = placed.length ? Math.max(...placed.map((p) => p.x)) : 0;
    const top = placed.length ? Math.max(...placed.map((p) => p.y)) + 2 * spacing : 0;
    const columns = Math.max(8, Math.floor((right - left) / spacing) + 1);
    unrelated.forEach((id, k) => network.moveNode(id, left + (k % columns) * spacing, top + Math.floor(k / columns) * spacing / 3));
    if (placed.length) {
      network.fit({ nodes: DATA.nodes.filter((n, i) => linked.has(i)).map((n) => n.id), animation: false });
      $("notes").appendChild(el("li", "Entities without a relation in this view (" + count(unrelated.length) + ") are lined up below the graph: zoom out to see them."));
    } else {
      network.fit({ animation: false });
    }
  }
  for (const note of DATA.notes) $("notes").appendChild(el("li", note));
  if (DATA.omitted) $("notes").appendChild(el("li", DATA.omitted, "omitted"));

  // ------------------------------------------------------------------ legend and colouring
  function classLegend() {
    $("legend-title").textContent = "Classes";
    $("legend").replaceChildren(...DATA.classes.map((c) => {
      const li = el("li");
      const box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.title = "show or hide this class";
      box.addEventListener("change", () => nodes.update(DATA.nodes.filter((n) => n.type === c.type)
        .map((n) => ({ id: n.id, hidden: !box.checked }))));
      const glyph = el("span", c.glyph, "glyph");
      glyph.style.color = c.colour;
      const label = el("label");
      label.append(box, glyph, c.label + " (" + count(c.count) + ")");
      li.appendChild(label);
      return li;
    }));
  }
  function communityLegend() {
    $("legend-title").textContent = "Communities";
    const items = DATA.communities.map((c, i) => {
      const li = el("li");
      const swatch = el("span", null, "swatch");
      swatch.style.background = c.colour;
      li.append(swatch, (i + 1) + ". " + count(c.size) + " entities: " + c.hubs.join(", "));
      return li;
    });
    const rest = el("li");
    const swatch = el("span", null, "swatch");
    swatch.style.background = DATA.community_other;
    rest.append(swatch, "smaller communities and unrelated entities");
    $("legend").replaceChildren(...items, rest);
  }
  $("colour-by").addEventListener("change", (event) => {
    const byCommunity = event.target.value === "community";
    nodes.update(DATA.nodes.map((n) => ({ id: n.id, color: byCommunity ? communityColour(n) : classColour(n) })));
    if (byCommunity) communityLegend(); else classLegend();
  });
  $("edge-labels").addEventListener("change", (event) => {
    network.setOptions({ edges: { font: { size: event.target.checked ? 9 : 0 } } });
  });
  classLegend();

  // ------------------------------------------------------------------ tooltips and details
  function source(stem) {
    const line = el("div", null, "source");
    const article = DATA.articles[stem] || {};
    const name = article.title || stem;
    if (article.url && /^https?:\/\//i.test(article.url)) {
      const a = el("a", name);
      a.href = article.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      line.appendChild(a);
    } else {
      line.appendChild(document.createTextNode(name));
    }
    const extra = [article.date, article.lang].filter(Boolean).join(", ");
    if (extra) line.appendChild(document.createTextNode(" (" + extra + ")"));
    return line;
  }

  function sentences(card, list, shown, more) {
    for (const [text, stem] of list.slice(0, shown).map((i) => DATA.sentences[i])) {
      const quote = el("blockquote", text);
      quote.appendChild(source(stem));
      card.appendChild(quote);
    }
    const hidden = list.length - shown + more;
    if (hidden > 0) card.appendChild(el("div", "… " + count(hidden) + " more sentence(s)" + (shown < list.length ? " (click the node)" : ""), "more"));
  }

  function nodeCard(n, shown) {
    const card = el("div", null, "card");
    card.appendChild(el("h3", n.label));
    card.appendChild(el("div", n.type + (n.classes.length ? " — " + n.classes.join(", ") : ""), "kind"));
    if (n.labels.length) {
      const names = n.labels.slice(0, shown === Infinity ? n.labels.length : 8).map(([text, lang]) => lang ? text + " (" + lang + ")" : text);
      const more = n.labels.length - names.length + n.more.labels;
      card.appendChild(el("div", "Labels: " + names.join(", ") + (more > 0 ? " … and " + count(more) + " more" : ""), "labels"));
    }
    card.appendChild(el("div", "Mentioned in " + count(n.articles) + " article(s) · " + count(n.degree) + " related entit" + (n.degree === 1 ? "y" : "ies")));
    const facts = n.facts.map(([p, v]) => p + ": " + v);
    if (n.more.facts) facts.push("… and " + count(n.more.facts) + " more fact(s)");
    facts.push(...n.figures);
    if (n.more.figures) facts.push("… and " + count(n.more.figures) + " more figure(s)");
    if (facts.length) {
      const list = el("ul", null, "facts");
      for (const f of facts) list.appendChild(el("li", f));
      card.appendChild(list);
    }
    sentences(card, n.sentences, Math.min(shown, n.sentences.length), n.more.sentences);
    return card;
  }

  function edgeCard(id, shown) {
    const [from, to, relation, evidence, more] = DATA.edges[id];
    const card = el("div", null, "card");
    card.appendChild(el("h3", DATA.nodes[from].label + " → " + DATA.relations[relation] + " → " + DATA.nodes[to].label));
    if (!evidence.length) card.appendChild(el("div", "No sentence recorded for this relation.", "more"));
    sentences(card, evidence, Math.min(shown, evidence.length), more);
    return card;
  }

  const tip = $("kg-tooltip");
  function showTip(card, pointer) {
    tip.replaceChildren(card);
    tip.hidden = false;
    const area = $("network").getBoundingClientRect();
    const x = Math.min(area.left + pointer.x + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = Math.min(area.top + pointer.y + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = Math.max(0, x) + "px";
    tip.style.top = Math.max(0, y) + "px";
  }
  const hideTip = () => { tip.hidden = true; };
  // A node's card shows at once; an edge's only when the pointer rests on it, so sweeping
  // across a dense drawing does not flash cards, and a node always wins over the edges under it.
  let overNode = false;
  let edgeTimer = null;
  const cancelEdge = () => { clearTimeout(edgeTimer); edgeTimer = null; };
  network.on("hoverNode", (p) => {
    cancelEdge();
    overNode = true;
    showTip(nodeCard(nodeById.get(p.node), 3), p.pointer.DOM);
  });
  network.on("blurNode", () => { overNode = false; hideTip(); });
  network.on("hoverEdge", (p) => {
    cancelEdge();
    edgeTimer = setTimeout(() => { if (!overNode) showTip(edgeCard(p.edge, 2), p.pointer.DOM); }, 400);
  });
  network.on("blurEdge", () => { cancelEdge(); if (!overNode) hideTip(); });
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  function showDetails(card) { $("details").replaceChildren(card); }
  network.on("click", (p) => {
    if (p.nodes.length) showDetails(nodeCard(nodeById.get(p.nodes[0]), Infinity));
    else if (p.edges.length) showDetails(edgeCard(p.edges[0], Infinity));
  });

  // ------------------------------------------------------------------ find a node by name
  const byName = new Map();
  for (const n of DATA.nodes) {
    const key = n.label.toLocaleLowerCase();
    if (!byName.has(key)) byName.set(key, n.id);
  }
  $("names").replaceChildren(...[...byName.keys()].sort().map((k) => { const o = el("option"); o.value = nodeById.get(byName.get(k)).label; return o; }));
  $("find").addEventListener("change", (event) => {
    const id = byName.get(event.target.value.trim().toLocaleLowerCase());
    if (id === undefined) return;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 400 } });
    showDetails(nodeCard(nodeById.get(id), Infinity));
  });
})();
