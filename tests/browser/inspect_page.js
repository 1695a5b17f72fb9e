#!/usr/bin/env node
// Opens a local HTML page in Debian's headless Chromium (through playwright-core, never a
// downloaded browser) with every network request blocked, and prints one JSON object that
// describes what a person would get: vis.js node/edge counts, blocked requests, console and
// page errors, visible text, optionally the tooltip shown when hovering a node, whether an
// XSS probe ran (window.__xss, dialogs), and a screenshot if asked.
//
// Usage: node inspect_page.js '<json>'   (driven by tests/support/browser.py)
//   json: {"html": "/abs/page.html", "hover_node_id": id|null, "screenshot": "/abs/out.png"|null,
//          "wait_stabilized_ms": 30000, "tooltip_timeout_ms": 3000, "max_text": 20000,
//          "viewport": [1400, 900], "chromium": "/usr/bin/chromium", "timeout_ms": 120000}
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

let userDataDirToRemove = null;
function fail(code, message, extra) {
  if (userDataDirToRemove) { try { fs.rmSync(userDataDirToRemove, { recursive: true, force: true }); } catch (e) {} }
  process.stdout.write(JSON.stringify(Object.assign({ error: message }, extra || {})) + '\n');
  process.exit(code);
}

let playwright;
try {
  playwright = require('playwright-core');
} catch (e) {
  fail(3, 'playwright-core is not installed in tests/browser/node_modules: run `bash scripts/install-test-deps.sh`');
}

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--no-default-browser-check', '--disable-default-apps',
  '--disable-extensions', '--disable-breakpad', '--metrics-recording-only',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  // Belt and braces: even a request the route handler missed cannot resolve a host.
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

// Runs in the page: find the vis.js network whether it is a `var`, a top-level `let`/`const`
// or a window property.
// (window.network can also be a DOM element with id="network": check that it is a Network.)
const FIND_NETWORK = `(function () {
  const isNet = (x) => !!x && typeof x === 'object' && typeof x.getPositions === 'function' && !!x.body;
  const cands = [];
  try { if (typeof network !== 'undefined') cands.push(network); } catch (e) {}
  cands.push(window.network);
  if (window.kgView) cands.push(window.kgView.network);
  for (const c of cands) if (isNet(c)) return c;
  if (window.vis && typeof window.vis.Network === 'function') {
    for (const k of Object.keys(window)) {
      try { if (window[k] instanceof window.vis.Network) return window[k]; } catch (e) {}
    }
  }
  return null;
})()`;

async function main() {
  const raw = process.argv[2];
  if (!raw) fail(2, 'usage: node inspect_page.js <json-args>');
  let args;
  try { args = JSON.parse(raw); } catch (e) { fail(2, 'arguments are not JSON: ' + e.message); }
  const html = path.resolve(args.html);
  if (!fs.existsSync(html)) fail(2, 'no such page: ' + html);
  const executablePath = args.chromium || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    fail(3, `Chromium not found at ${executablePath}: run \`bash scripts/install-test-deps.sh\``);
  }
  const waitStabilizedMs = args.wait_stabilized_ms == null ? 30000 : Number(args.wait_stabilized_ms);
  const tooltipTimeoutMs = args.tooltip_timeout_ms == null ? 3000 : Number(args.tooltip_timeout_ms);
  const maxText = args.max_text == null ? 20000 : Number(args.max_text);
  const [vw, vh] = args.viewport || [1400, 900];
  const timeoutMs = args.timeout_ms == null ? 120000 : Number(args.timeout_ms);

  const watchdog = setTimeout(() => fail(4, `inspect_page timed out after ${timeoutMs} ms`), timeoutMs);

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kg-chromium-'));
  userDataDirToRemove = userDataDir;
  const result = {
    url: pathToFileURL(html).href,
    title: null,
    nodes: null,
    edges: null,
    count_source: null,
    has_network: false,
    has_kg_view: false,
    stabilization: null,
    blocked_requests: [],
    console_errors: [],
    console_warnings: [],
    page_errors: [],
    dialogs: [],
    text: '',
    text_truncated: false,
    tooltip: null,
    xss: false,
    screenshot: null,
    timings_ms: {},
  };
  const t0 = Date.now();
  const blocked = new Set();
  const block = (url) => {
    if (!blocked.has(url)) { blocked.add(url); result.blocked_requests.push(url); }
  };
  const allowed = (url) => url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')
    || url.startsWith('about:');

  let context;
  try {
    context = await playwright.chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      chromiumSandbox: false,
      viewport: { width: vw, height: vh },
      serviceWorkers: 'block',
      acceptDownloads: false,
      timeout: 60000,
    });
    result.timings_ms.launch = Date.now() - t0;

    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (allowed(url)) return route.continue();
      block(url);
      return route.abort('blockedbyclient');
    });
    if (typeof context.routeWebSocket === 'function') {
      await context.routeWebSocket(/.*/, (ws) => { block(ws.url()); ws.close(); });
    }
    context.on('request', (req) => { const u = req.url(); if (!allowed(u)) block(u); });

    const page = context.pages()[0] || await context.newPage();
    page.on('console', (msg) => {
      const loc = msg.location() || {};
      const where = loc.url ? ` (${loc.url}:${loc.lineNumber})` : '';
      if (msg.type() === 'error') result.console_errors.push(msg.text() + where);
      else if (msg.type() === 'warning') result.console_warnings.push(msg.text() + where);
    });
    page.on('pageerror', (err) => result.page_errors.push(String(err && err.stack || err)));
    page.on('dialog', (d) => { result.dialogs.push({ type: d.type(), message: d.message() }); d.dismiss().catch(() => {}); });
    page.on('websocket', (ws) => block(ws.url()));

    await page.goto(result.url, { waitUntil: 'load', timeout: Math.max(1000, timeoutMs - 5000) });
    result.timings_ms.load = Date.now() - t0;

    // Wait until the vis.js physics has settled (or there is no physics), bounded.
    result.stabilization = await page.evaluate(`(async (ms) => {
      const net = ${FIND_NETWORK};
      if (!net || typeof net.on !== 'function') return 'no-network';
      const phys = net.physics;
      const settled = () => !phys || phys.physicsEnabled === false
        || (phys.options && phys.options.enabled === false) || phys.stabilized === true;
      if (settled()) return 'stabilized';
      return await new Promise((resolve) => {
        let done = false;
        const finish = (how) => { if (!done) { done = true; clearInterval(poll); clearTimeout(timer); resolve(how); } };
        // 'stabilizationIterationsDone' is not enough: the simulation may go on moving nodes.
        net.once('stabilized', () => finish('stabilized'));
        const poll = setInterval(() => { if (settled()) finish('stabilized'); }, 100);
        const timer = setTimeout(() => finish('timeout'), ms);
      });
    })(${JSON.stringify(waitStabilizedMs)})`);
    result.timings_ms.stabilized = Date.now() - t0;

    Object.assign(result, await page.evaluate(`(() => {
      const net = ${FIND_NETWORK};
      const size = (x) => {
        if (x == null) return null;
        if (typeof x.length === 'number') return x.length;
        if (typeof x.getIds === 'function') return x.getIds().length;
        if (typeof x === 'object') return Object.keys(x).length;
        return null;
      };
      const out = { has_network: !!net, has_kg_view: !!window.kgView, title: document.title };
      if (net && net.body && net.body.data && net.body.data.nodes) {
        out.nodes = size(net.body.data.nodes); out.edges = size(net.body.data.edges); out.count_source = 'network';
      } else if (window.kgView) {
        out.nodes = size(window.kgView.nodes); out.edges = size(window.kgView.edges); out.count_source = 'kgView';
      }
      return out;
    })()`));

    if (args.hover_node_id !== undefined && args.hover_node_id !== null) {
      result.tooltip = await hoverNode(page, args.hover_node_id, tooltipTimeoutMs);
      result.timings_ms.hover = Date.now() - t0;
    }

    const text = await page.evaluate(() => (document.body ? document.body.innerText : ''));
    result.text_truncated = text.length > maxText;
    result.text = text.slice(0, maxText);
    result.xss = await page.evaluate(() => !!window.__xss);

    if (args.screenshot) {
      const shot = path.resolve(args.screenshot);
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, fullPage: false, timeout: 60000 });
      result.screenshot = shot;
    }
    result.timings_ms.total = Date.now() - t0;
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  clearTimeout(watchdog);
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function hoverNode(page, nodeId, tooltipTimeoutMs, attempt = 1) {
  const info = await page.evaluate(`((id) => {
    const net = ${FIND_NETWORK};
    if (!net || typeof net.getPositions !== 'function') return { error: 'no vis.js network on the page' };
    const candidates = [id, String(id)];
    if (typeof id === 'string' && id.trim() !== '' && !isNaN(Number(id))) candidates.push(Number(id));
    let key = null, pos = null;
    for (const c of candidates) {
      const p = net.getPositions([c])[c];
      if (p) { key = c; pos = p; break; }
    }
    if (!pos) return { error: 'node not found: ' + JSON.stringify(id) };
    // Hovering needs nodes that stay put: stop a simulation that is still running.
    const phys = net.physics;
    if (phys && phys.physicsEnabled !== false && phys.stabilized !== true && typeof net.stopSimulation === 'function') {
      net.stopSimulation();
      pos = net.getPositions([key])[key];
    }
    const canvas = (net.canvas && net.canvas.frame && net.canvas.frame.canvas)
      || (net.body && net.body.container && net.body.container.querySelector('canvas'));
    let rect = canvas.getBoundingClientRect();
    let dom = net.canvasToDOM(pos);
    if (dom.x < 0 || dom.y < 0 || dom.x > rect.width || dom.y > rect.height) {
      net.focus(key, { animation: false });
      rect = canvas.getBoundingClientRect();
      dom = net.canvasToDOM(net.getPositions([key])[key]);
    }
    return { key, x: rect.left + dom.x, y: rect.top + dom.y, dom };
  })(${JSON.stringify(nodeId)})`);
  if (info.error) return { node_id: nodeId, error: info.error, text: null, html: null };

  await page.mouse.move(Math.max(0, info.x - 40), Math.max(0, info.y - 40));
  await page.mouse.move(info.x, info.y, { steps: 8 });
  const under = await page.evaluate(`((d) => { const net = ${FIND_NETWORK}; const n = net.getNodeAt(d); return n === undefined ? null : n; })(${JSON.stringify(info.dom)})`);
  if (under !== info.key) {
    // the node moved (physics still running) or something covers it: report, don't guess
    if (attempt < 3) return hoverNode(page, nodeId, tooltipTimeoutMs, attempt + 1);
  }

  const findTooltip = `(() => {
    const visible = (el) => {
      if (!el) return false;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const els = [...document.querySelectorAll('#kg-tooltip, .kg-tooltip, .vis-tooltip')];
    const el = els.find(visible);
    if (!el) return null;
    return { selector: el.id === 'kg-tooltip' ? '#kg-tooltip' : (el.classList.contains('kg-tooltip') ? '.kg-tooltip' : '.vis-tooltip'),
             text: el.innerText, html: el.innerHTML };
  })()`;
  // vis.js shows its popup after `tooltipDelay` (300 ms) without further mouse moves (each
  // move restarts the timer): poll without moving; nudge once halfway in case the page only
  // reacts to a later mousemove.
  const deadline = Date.now() + tooltipTimeoutMs;
  const nudgeAt = Date.now() + tooltipTimeoutMs / 2;
  let nudged = false;
  let found = null;
  while (Date.now() < deadline) {
    found = await page.evaluate(findTooltip);
    if (found && found.text && found.text.trim()) break;
    if (!nudged && Date.now() >= nudgeAt) {
      nudged = true;
      await page.mouse.move(info.x + 1, info.y + 1);
    }
    await page.waitForTimeout(100);
  }
  return {
    node_id: nodeId,
    node_under_mouse: under,
    mouse: { x: info.x, y: info.y },
    selector: found ? found.selector : null,
    text: found ? found.text : null,
    html: found ? found.html : null,
  };
}

main().catch((e) => fail(1, String(e && e.stack || e)));
