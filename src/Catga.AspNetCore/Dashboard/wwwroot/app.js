// Catga dashboard: a small page over the dashboard's JSON API. No framework and no CDN: the app may have no network.
'use strict';

const api = (path) => 'api/' + path;
const $ = (selector) => document.querySelector(selector);
const views = ['overview', 'dead-letters', 'consumers', 'topology', 'schedules', 'sagas'];
let selected = new Set();
let currentLetter = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ''));
  return node;
}

async function getJson(path) {
  const response = await fetch(api(path), { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function postAction(path, body) {
  const response = await fetch(api(path), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Catga-Dashboard': '1' },
    body: JSON.stringify({ ...body, confirm: true }),
  });
  const result = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(result.error || response.statusText);
  return result;
}

function toast(text) {
  const node = $('#toast');
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { node.hidden = true; }, 4000);
}

// Destructive actions ask first, in a modal dialog that names what will happen.
function confirmAction(text) {
  const dialog = $('#confirm');
  $('#confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

function fmtTime(value) { return value ? new Date(value).toLocaleString() : ''; }

async function showOverview() {
  const o = await getJson('overview');
  $('#service').textContent = [o.service, o.transport].filter(Boolean).join(' · ');
  $('#dead-letter-badge').textContent = o.deadLetters ? String(o.deadLetters) : '';
  const cards = [
    ['Dead letters', o.deadLetters, 'card-dead-letters'],
    ['Outbox backlog', o.outboxBacklog ?? '–', 'card-outbox'],
    ['Relay leader', o.relayLeader == null ? '–' : (o.relayLeader ? 'this node' : 'another node'), 'card-leader'],
    ['Messaging', o.messagingRunning ? 'running' : 'stopped', 'card-running'],
    ['Handled', o.counters.handled, 'card-handled'],
    ['Failed runs', o.counters.failed, 'card-failed'],
    ['Retries', o.counters.retried, 'card-retried'],
    ['Dead-lettered', o.counters.deadLettered, 'card-dead-lettered'],
    ['Inbox duplicates', o.counters.duplicates, 'card-duplicates'],
    ['Relayed', o.counters.relayed, 'card-relayed'],
  ];
  $('#overview-cards').replaceChildren(...cards.map(([label, value, id]) =>
    el('div', { class: 'card', id }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, String(value)))));
  $('#overview-cards').append(el('p', { class: 'muted' }, 'Counts since ' + fmtTime(o.counters.since)));
  $('#destination-table tbody').replaceChildren(...o.counters.destinations.map((d) => el('tr', {},
    el('td', {}, d.destination), el('td', {}, String(d.handled)), el('td', {}, String(d.failed)), el('td', {}, String(d.retried)),
    el('td', { class: d.deadLettered ? 'status-Unhealthy' : '' }, String(d.deadLettered)), el('td', {}, String(d.duplicates)), el('td', {}, String(d.relayed)))));
  $('#health-table tbody').replaceChildren(...o.health.map((h) => el('tr', {},
    el('td', {}, h.name), el('td', {}, h.tags.join(', ')), el('td', { class: 'status-' + h.status }, h.status), el('td', {}, h.description || ''))));
}

function filterQuery() {
  const params = new URLSearchParams();
  if ($('#filter-type').value.trim()) params.set('type', $('#filter-type').value.trim());
  if ($('#filter-reason').value.trim()) params.set('reason', $('#filter-reason').value.trim());
  return params;
}

function updateSelectionButtons() {
  $('#replay-selected').disabled = selected.size === 0;
  $('#delete-selected').disabled = selected.size === 0;
}

async function showDeadLetters() {
  const params = filterQuery();
  params.set('take', '200');
  const page = await getJson('dead-letters?' + params);
  selected = new Set([...selected].filter((id) => page.items.some((l) => l.id === id)));
  $('#dead-letter-summary').textContent = `${page.matched} matching of ${page.total} dead letter(s)`;
  $('#dead-letter-badge').textContent = page.total ? String(page.total) : '';
  $('#dead-letter-table tbody').replaceChildren(...page.items.map((letter) => {
    const box = el('input', { type: 'checkbox', class: 'select', checked: selected.has(letter.id) });
    box.setAttribute('aria-label', 'Select ' + letter.id);
    box.addEventListener('click', (event) => {
      event.stopPropagation();
      if (box.checked) selected.add(letter.id); else selected.delete(letter.id);
      updateSelectionButtons();
    });
    const row = el('tr', { class: 'letter', 'data-id': letter.id },
      el('td', {}, box), el('td', {}, fmtTime(letter.failedAt)), el('td', {}, letter.messageType || ''),
      el('td', {}, letter.destination), el('td', {}, letter.reason), el('td', {}, letter.errorMessage || ''), el('td', {}, String(letter.attempts)));
    row.addEventListener('click', () => showLetter(letter.id));
    return row;
  }));
  updateSelectionButtons();
}

async function showLetter(id) {
  const d = await getJson('dead-letters/' + encodeURIComponent(id));
  currentLetter = d.letter.id;
  $('#detail-id').textContent = d.letter.id;
  const fields = [
    ['Message type', d.letter.messageType], ['Message id', d.letter.messageId], ['Destination', d.letter.destination],
    ['Group', d.group], ['Reason', d.letter.reason], ['Error', d.letter.errorMessage], ['Attempts', d.letter.attempts],
    ['Failed at', fmtTime(d.letter.failedAt)], ['Body size', d.bodyLength + ' bytes'],
  ];
  $('#detail-fields').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v == null ? '' : String(v))]));
  $('#detail-headers tbody').replaceChildren(...d.headers.map((h) => el('tr', {}, el('td', {}, h.name), el('td', {}, h.value))));
  $('#detail-decoded').textContent = d.decoded ? 'Decoded: ' + d.decoded : (d.decodeError ? 'Could not decode: ' + d.decodeError : '');
  $('#detail-body').textContent = d.bodyText != null ? d.bodyText : (d.bodyBase64 ? 'base64: ' + d.bodyBase64 : '');
  $('#detail-exception').textContent = [d.exceptionType, d.exceptionDetails].filter(Boolean).join('\n');
  $('#letter-detail').hidden = false;
}

async function act(path, body, question) {
  if (!(await confirmAction(question))) return;
  try {
    const result = await postAction(path, body);
    toast(`${result.action}: ${result.affected} dead letter(s)` + (result.missing.length ? `, ${result.missing.length} already gone` : ''));
  } catch (error) {
    toast('Failed: ' + error.message);
  }
  selected.clear();
  $('#letter-detail').hidden = true;
  await showDeadLetters();
}

async function showConsumers() {
  const consumers = await getJson('consumers');
  $('#consumer-table tbody').replaceChildren(...consumers.map((c) => el('tr', { 'data-destination': c.destination },
    el('td', {}, c.destination), el('td', {}, c.group), el('td', {}, c.kind), el('td', {}, String(c.inFlight)),
    el('td', {}, c.lag == null ? 'unknown' : String(c.lag)),
    el('td', { class: c.circuitOpen ? 'circuit-open' : 'circuit-closed' }, c.circuitOpen ? 'open' : 'closed'))));
}

// Draws the topology as SVG: the service on the left, its messages in the middle, its handlers on
// the right; an edge's label says how the two are related (handles, or sends / publishes / schedules, which the
// generator read from the handler's code).
async function showTopology() {
  const t = await getJson('topology');
  const ns = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text != null) node.textContent = text;
    return node;
  };
  const messages = [...new Set(t.edges.map((e) => e.message))];
  const targets = [...new Set(t.edges.map((e) => e.to))];
  const rowHeight = 34;
  const height = Math.max(messages.length, targets.length, 1) * rowHeight + 60;
  const label = (m) => { const info = kindOf[m] || {}; return `${m} (${(info.kind || '').toLowerCase()}${info.distributed ? ', distributed' : ''})`; };
  const kindOf = Object.fromEntries(t.messages.map((m) => [m.name, m]));
  // Column widths follow the longest label (about 7 px per character at 12 px).
  const mx = 300;
  const mw = Math.max(220, ...messages.map((m) => label(m).length * 7 + 20));
  const hx = mx + mw + 130;
  const hw = Math.max(180, ...targets.map((h) => h.length * 7 + 20));
  const width = hx + hw + 20;
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, id: 'topology-svg', role: 'img' });
  svg.append(svgEl('title', {}, 'Topology of ' + t.service));
  const y = (i, n) => 20 + (height - 60) * (i + 0.5) / Math.max(n, 1);
  const box = (x, cy, w, label, cls, fill) => {
    const g = svgEl('g', { class: cls });
    g.append(svgEl('rect', { x, y: cy - 12, width: w, height: 24, rx: 6, fill, stroke: '#8892a6' }));
    g.append(svgEl('text', { x: x + 8, y: cy + 4 }, label));
    svg.append(g);
  };
  const serviceY = 20 + (height - 60) / 2;
  messages.forEach((m, i) => {
    const my = y(i, messages.length);
    svg.append(svgEl('path', { d: `M200,${serviceY} C250,${serviceY} 250,${my} ${mx},${my}`, fill: 'none', stroke: '#b6bdcb' }));
  });
  // Blue edges are "handles" (see the legend); the others (sends, publishes, schedules) are orange and labelled at the
  // message's end, one label under the other when a message has several, so no two labels print over each other.
  const labelled = {};
  t.edges.forEach((e) => {
    const my = y(messages.indexOf(e.message), messages.length);
    const ty = y(targets.indexOf(e.to), targets.length);
    const handles = e.relation === 'handles';
    svg.append(svgEl('path', { d: `M${mx + mw},${my} C${mx + mw + 60},${my} ${hx - 60},${ty} ${hx},${ty}`, fill: 'none', stroke: handles ? '#2f6fde' : '#b57600', class: 'edge-' + e.relation }));
    if (!handles) {
      const k = labelled[e.message] = (labelled[e.message] || 0) + 1;
      svg.append(svgEl('text', { x: mx + mw + 8, y: my - 16 + 11 * k, fill: '#b57600' }, e.relation));
    }
  });
  svg.append(svgEl('text', { x: 20, y: height - 8, fill: '#687083' }, 'blue: handles · orange: sends, publishes, schedules (read from the handler\'s code)'));
  box(20, serviceY, 180, t.service, 'service', '#e3ecff');
  messages.forEach((m, i) => box(mx, y(i, messages.length), mw, label(m), 'message', (kindOf[m] || {}).distributed ? '#fff4e0' : '#f3f4f7'));
  targets.forEach((h, i) => box(hx, y(i, targets.length), hw, h, 'handler', '#e6f5ec'));
  $('#topology-picture').replaceChildren(svg);
}

async function showSchedules() {
  const page = await getJson('schedules?take=200');
  $('#schedule-summary').textContent = `${page.total} pending scheduled message(s)`;
  $('#schedule-table tbody').replaceChildren(...page.items.map((m) => {
    const cancel = el('button', { type: 'button', class: 'danger' }, 'Cancel');
    cancel.addEventListener('click', async () => {
      if (!(await confirmAction(`Cancel scheduled message ${m.id}? It will not be sent.`))) return;
      try {
        const result = await postAction('schedules/cancel', { ids: [m.id] });
        toast(`cancelled ${result.affected} schedule(s)`);
      } catch (error) {
        toast('Failed: ' + error.message);
      }
      await showSchedules();
    });
    return el('tr', { 'data-id': m.id }, el('td', {}, fmtTime(m.dueAt)), el('td', {}, m.messageType || ''), el('td', {}, m.destination),
      el('td', {}, m.recurrence || ''), el('td', {}, m.id), el('td', {}, cancel));
  }));
}

// Sagas: the registered sagas in a choice, one page of the chosen saga's instances (filtered by status and state,
// newest first or by key; "Next page" follows the store's cursor), and an instance's state history when opened.
let sagaCursor = null;

async function showSagas() {
  const types = await getJson('sagas');
  const choice = $('#saga-name');
  const chosen = choice.value;
  choice.replaceChildren(...types.sagas.map((name) => el('option', { value: name }, name)));
  if (types.sagas.includes(chosen)) choice.value = chosen;
  if (!types.sagas.length) {
    $('#saga-summary').textContent = 'This service registers no sagas.';
    return;
  }
  await listSagas(false);
}

async function listSagas(more) {
  const saga = $('#saga-name').value;
  const params = new URLSearchParams({ order: $('#saga-order').value, limit: '50' });
  if ($('#saga-status').value) params.set('status', $('#saga-status').value);
  if ($('#saga-state').value.trim()) params.set('state', $('#saga-state').value.trim());
  if (more && sagaCursor) params.set('cursor', sagaCursor);
  const page = await getJson(`sagas/${encodeURIComponent(saga)}?${params}`);
  sagaCursor = page.nextCursor;
  const rows = page.items.map((s) => {
    const row = el('tr', { class: 'saga', 'data-key': s.key },
      el('td', {}, s.key), el('td', { class: 'saga-' + s.status }, s.status), el('td', {}, s.state), el('td', {}, String(s.revision)),
      el('td', {}, fmtTime(s.createdAt)), el('td', {}, fmtTime(s.updatedAt)), el('td', {}, String(s.pendingEffects)), el('td', {}, String(s.timeouts)));
    row.addEventListener('click', () => showSaga(saga, s.key));
    return row;
  });
  if (more) $('#saga-table tbody').append(...rows); else $('#saga-table tbody').replaceChildren(...rows);
  const shown = document.querySelectorAll('#saga-table tbody tr.saga').length;
  $('#saga-summary').textContent = `${shown} instance(s) of ${saga} shown` + (sagaCursor ? '; more may follow' : '');
  $('#saga-more').hidden = !sagaCursor;
  document.body.dataset.sagasListed = String(Date.now());
}

async function showSaga(saga, key) {
  try {
    const s = await getJson(`sagas/${encodeURIComponent(saga)}/${encodeURIComponent(key)}`);
    $('#saga-detail-title').textContent = `${s.saga} / ${s.key}`;
    $('#saga-fields').replaceChildren(...[['Status', s.status], ['State', s.state], ['Revision', s.revision], ['Created', fmtTime(s.createdAt)],
      ['Updated', fmtTime(s.updatedAt)], ['Pending effects', s.pendingEffects], ['Timeouts', s.timeouts]]
      .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]));
    $('#saga-history tbody').replaceChildren(...s.history.map((h) => el('tr', { class: 'history' },
      ...[fmtTime(h.at), h.messageType, h.messageId, h.from, h.to, h.note || ''].map((v) => el('td', {}, v)))));
    $('#saga-detail').hidden = false;
  } catch (error) {
    toast(error.message);
  }
}

const loaders = { overview: showOverview, 'dead-letters': showDeadLetters, consumers: showConsumers, topology: showTopology, schedules: showSchedules, sagas: showSagas };

async function route() {
  const view = views.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'overview';
  for (const name of views) {
    document.getElementById('view-' + name).classList.toggle('active', name === view);
    document.querySelector(`nav a[data-view="${name}"]`).classList.toggle('active', name === view);
  }
  document.body.dataset.view = view;
  try {
    await loaders[view]();
    document.body.dataset.loaded = view;
  } catch (error) {
    toast('Could not load: ' + error.message);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  window.addEventListener('hashchange', route);
  $('#refresh').addEventListener('click', route);
  $('#dead-letter-filter').addEventListener('submit', (event) => { event.preventDefault(); showDeadLetters(); });
  $('#select-all').addEventListener('change', (event) => {
    document.querySelectorAll('#dead-letter-table tbody tr.letter').forEach((row) => {
      const box = row.querySelector('input.select');
      box.checked = event.target.checked;
      if (box.checked) selected.add(row.dataset.id); else selected.delete(row.dataset.id);
    });
    updateSelectionButtons();
  });
  $('#replay-selected').addEventListener('click', () => act('dead-letters/replay', { ids: [...selected] }, `Replay ${selected.size} dead letter(s) to their destinations?`));
  $('#delete-selected').addEventListener('click', () => act('dead-letters/delete', { ids: [...selected] }, `Delete ${selected.size} dead letter(s)? They cannot be recovered.`));
  $('#replay-matching').addEventListener('click', () => {
    const f = filterQuery();
    act('dead-letters/replay', { all: true, type: f.get('type'), reason: f.get('reason') }, 'Replay every dead letter matching the filter?');
  });
  $('#purge').addEventListener('click', () => act('dead-letters/purge', {}, 'Purge ALL dead letters? They cannot be recovered.'));
  $('#replay-one').addEventListener('click', () => act('dead-letters/replay', { ids: [currentLetter] }, `Replay dead letter ${currentLetter}?`));
  $('#delete-one').addEventListener('click', () => act('dead-letters/delete', { ids: [currentLetter] }, `Delete dead letter ${currentLetter}? It cannot be recovered.`));
  $('#close-detail').addEventListener('click', () => { $('#letter-detail').hidden = true; });
  $('#saga-filter').addEventListener('submit', (event) => { event.preventDefault(); $('#saga-detail').hidden = true; listSagas(false).catch((error) => toast(error.message)); });
  $('#saga-more').addEventListener('click', () => listSagas(true).catch((error) => toast(error.message)));
  $('#saga-open').addEventListener('click', () => { if ($('#saga-key').value.trim()) showSaga($('#saga-name').value, $('#saga-key').value.trim()); });
  $('#close-saga').addEventListener('click', () => { $('#saga-detail').hidden = true; });
  route();
});
