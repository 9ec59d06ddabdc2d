// The inspector's page: the event store's deliveries, newest first, kept live over Server-Sent
// Events, and the detail of one (detail.js). Payloads are written by whoever sends them, so every
// text that comes from the API enters the page as text (textContent, text nodes, setAttribute),
// never as markup.
import { $, api, el, isGood, statusClass } from "./common.js";
import { closeDetail, openDetail, openRecord } from "./detail.js";

const PAGE_SIZE = 50;
const FILTERS = ["event", "kind", "status", "verified", "q"];

const form = $("#filters");
const tbody = $("#deliveries tbody");

const state = {
  filters: {}, // the filters shown in the URL and the form
  next: null, // the cursor of the next older page, or null when the list is whole
  rows: new Map(), // record_id → <tr>
  selected: null, // the selected <tr>
  generation: 0, // bumped when the list restarts, so that answers for an older list are dropped
  fresh: 0, // rows that arrived live since the list started
};

function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

// ---- Filters and the URL ----

function readForm() {
  const filters = {};
  for (const name of FILTERS) {
    const input = form.elements[name];
    const value = input.value.trim();
    input.setAttribute("aria-invalid", String(!input.validity.valid));
    if (value && input.validity.valid) {
      filters[name] = value;
    }
  }
  return filters;
}

function showFilters() {
  for (const name of FILTERS) {
    form.elements[name].value = state.filters[name] ?? "";
  }
}

// The URL holds the filters and the open record, so that a view can be shared or reloaded.
function viewUrl(record) {
  const params = new URLSearchParams(state.filters);
  if (record) {
    params.set("record", record);
  }
  return params.size ? `?${params}` : location.pathname;
}

function writeUrl() {
  history.replaceState(null, "", viewUrl(openRecord));
}

function applyFilters() {
  const filters = readForm();
  if (JSON.stringify(filters) === JSON.stringify(state.filters)) {
    return;
  }
  state.filters = filters;
  writeUrl();
  restartList();
}

// The server's glob: '*' any run of characters, '?' one.
function globRegExp(glob) {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${pattern}$`, "s");
}

// Whether a live row belongs in the filtered list (the server filters the pages it lists).
function matches(summary) {
  const f = state.filters;
  return (
    (!f.event || globRegExp(f.event).test(summary.event)) &&
    (!f.kind || summary.kind === f.kind) &&
    (!f.status || summary.status === Number(f.status)) &&
    (!f.verified || String(summary.verified) === f.verified)
  );
}

// ---- The list ----

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hourCycle: "h23",
});
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

function shortTime(iso) {
  const date = new Date(iso);
  const time = timeFormat.format(date);
  return date.toDateString() === new Date().toDateString()
    ? time
    : `${dayFormat.format(date)} ${time}`;
}

function statusCell(status) {
  const cell = el("td", { class: statusClass(status) }, status ? String(status) : "—");
  if (!status) {
    cell.title = "no answer";
  }
  return cell;
}

function renderRow(summary) {
  const open = el("a", { href: viewUrl(summary.record_id), class: "open" }, summary.event);
  return el(
    "tr",
    { "data-id": summary.record_id },
    el("td", {}, el("time", { datetime: summary.at, title: summary.at }, shortTime(summary.at))),
    el("td", {}, el("span", { class: `kind kind-${summary.kind}` }, summary.kind)),
    el("td", { class: "event" }, open),
    statusCell(summary.status),
    el(
      "td",
      { class: `verdict ${isGood(summary) ? "good" : "bad"}`, title: summary.reason },
      summary.reason,
    ),
    el("td", { class: "id" }, el("code", {}, summary.id)),
  );
}

// Record ids are offsets in the store's log: a larger one is newer. They are decimal strings that
// may pass 2^53, hence BigInt.
function addRow(summary) {
  if (state.rows.has(summary.record_id)) {
    return;
  }
  const row = renderRow(summary);
  state.rows.set(summary.record_id, row);
  const id = BigInt(summary.record_id);
  const last = tbody.lastElementChild;
  const before =
    !last || BigInt(last.dataset.id) > id
      ? null
      : [...tbody.rows].find((r) => BigInt(r.dataset.id) < id);
  tbody.insertBefore(row, before);
  if (summary.record_id === openRecord) {
    select(row);
  }
}

function say(text) {
  $("#list-message").textContent = text;
}

function sayCount() {
  if (state.fresh) {
    say(
      `${state.fresh} new ${state.fresh === 1 ? "delivery" : "deliveries"} since this view opened`,
    );
  } else if (!state.rows.size) {
    say(
      Object.keys(state.filters).length
        ? "No delivery matches these filters."
        : "No deliveries yet: they appear here as they come.",
    );
  } else {
    say("");
  }
}

async function fetchPage(before) {
  const params = new URLSearchParams(state.filters);
  params.set("limit", PAGE_SIZE);
  if (before) {
    params.set("before", before);
  }
  return api(`api/deliveries?${params}`);
}

// Loads a page (the first, or the one before the cursor) into the list.
async function loadPage(before) {
  const generation = state.generation;
  try {
    const page = await fetchPage(before);
    if (generation !== state.generation) {
      return;
    }
    page.deliveries.forEach(addRow);
    state.next = page.next;
    $("#more").hidden = state.next === null;
    sayCount();
  } catch (error) {
    if (generation === state.generation) {
      say(`Cannot list the deliveries: ${error.message}`);
    }
  }
}

function restartList() {
  state.generation++;
  state.rows.clear();
  state.selected = null;
  state.fresh = 0;
  state.next = null;
  tbody.replaceChildren();
  $("#more").hidden = true;
  loadPage(null);
}

// After the live stream (re)connects, records may have come while it was away: the first page is
// merged in. The list starts over instead when it is empty, when the store was cleared (its log
// started over: the page's newest row is older than the list's), or when rows may be missing
// between the page's oldest row and the list's newest.
async function refreshFirstPage() {
  const generation = state.generation;
  let page;
  try {
    page = await fetchPage(null);
  } catch (error) {
    say(`Cannot list the deliveries: ${error.message}`);
    return;
  }
  if (generation !== state.generation) {
    return;
  }
  const newest = tbody.firstElementChild ? BigInt(tbody.firstElementChild.dataset.id) : null;
  const first = page.deliveries.length ? BigInt(page.deliveries[0].record_id) : null;
  if (
    newest === null ||
    first === null ||
    first < newest ||
    (page.next !== null && BigInt(page.next) > newest)
  ) {
    restartList();
    return;
  }
  page.deliveries.forEach(addRow);
  // The list now holds everything down to the older of the two cursors.
  if (state.next === null || page.next === null) {
    state.next = null;
  } else if (BigInt(page.next) < BigInt(state.next)) {
    state.next = page.next;
  }
  $("#more").hidden = state.next === null;
  sayCount();
}

const refreshSoon = debounce(refreshFirstPage, 200);

function onDelivery(event) {
  const summary = JSON.parse(event.data);
  if (state.filters.q) {
    refreshSoon(); // text search runs over bodies, which only the server has
    return;
  }
  if (!matches(summary) || state.rows.has(summary.record_id)) {
    return;
  }
  // Record ids only grow, until the store is cleared and its log starts over.
  const newest = tbody.firstElementChild;
  if (newest && BigInt(summary.record_id) < BigInt(newest.dataset.id)) {
    restartList();
    return;
  }
  addRow(summary);
  state.rows.get(summary.record_id).classList.add("fresh");
  state.fresh++;
  sayCount();
}

function setConnection(text, live) {
  const connection = $("#connection");
  connection.textContent = text;
  connection.classList.toggle("live", live);
}

function connect() {
  const source = new EventSource("api/stream");
  // Also on the first open: a record stored between the first page and the stream's start is
  // caught this way.
  source.addEventListener("open", () => {
    setConnection("live", true);
    refreshFirstPage();
  });
  source.addEventListener("error", () => {
    const closed = source.readyState === EventSource.CLOSED;
    setConnection(closed ? "not live: reload the page" : "reconnecting…", false);
  });
  source.addEventListener("delivery", onDelivery);
  // A page left for another may stay in the back-forward cache with its stream open, and browsers
  // allow six connections per server: the stream closes with the page and opens again on return.
  addEventListener("pagehide", () => source.close(), { once: true });
}

// ---- Selection, the detail, and keys ----

function show(recordId) {
  openDetail(recordId);
  writeUrl();
}

function hide() {
  closeDetail();
  writeUrl();
  state.selected?.querySelector("a.open").focus();
}

function select(row) {
  if (state.selected) {
    state.selected.classList.remove("selected");
    state.selected.removeAttribute("aria-current");
  }
  state.selected = row;
  row.classList.add("selected");
  row.setAttribute("aria-current", "true");
}

function move(step) {
  const rows = [...tbody.rows];
  if (!rows.length) {
    return;
  }
  const at = rows.indexOf(state.selected);
  const row = rows[at < 0 ? 0 : Math.min(Math.max(at + step, 0), rows.length - 1)];
  select(row);
  row.querySelector("a.open").focus();
  row.scrollIntoView({ block: "nearest" });
  if (openRecord !== null) {
    show(row.dataset.id);
  }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const typing = event.target.closest("input, select, textarea");
  if (event.key === "Escape") {
    if (typing) {
      event.target.blur();
    } else if (openRecord !== null) {
      hide();
    }
    return;
  }
  if (typing) {
    return;
  }
  if (event.key === "j" || event.key === "k") {
    move(event.key === "j" ? 1 : -1);
  } else if (event.key === "/") {
    form.elements.q.focus();
  } else if (
    event.key === "Enter" &&
    state.selected &&
    !event.target.closest("a, button, summary")
  ) {
    show(state.selected.dataset.id);
  } else {
    return;
  }
  event.preventDefault();
}

// ---- Start ----

tbody.addEventListener("click", (event) => {
  const row = event.target.closest("tr");
  // A modified click on the link opens the record in a new tab, as links do.
  if (!row || (event.target.closest("a") && (event.ctrlKey || event.metaKey || event.shiftKey))) {
    return;
  }
  event.preventDefault();
  select(row);
  show(row.dataset.id);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  applyFilters();
});
form.addEventListener("change", applyFilters);
form.addEventListener("input", debounce(applyFilters, 300));
document.addEventListener("keydown", onKey);
addEventListener("pageshow", (event) => event.persisted && connect());
$("#more").addEventListener("click", () => loadPage(state.next));
$("#close").addEventListener("click", hide);

const params = new URLSearchParams(location.search);
for (const name of FILTERS) {
  if (params.get(name)) {
    state.filters[name] = params.get(name);
  }
}
showFilters();
restartList();
connect();
if (params.get("record")) {
  show(params.get("record"));
}
