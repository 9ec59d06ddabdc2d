// The detail pane: one record's summary, a replay's attempts on a timeline, the headers in order,
// the body (pretty-printed or raw), and sending it again with curl or a replay.
import { $, api, bytesOf, el, isGood, statusClass } from "./common.js";
import { curlCommand } from "./curl.js";
import { showCompare } from "./diff.js";
import { parseJson, renderJson } from "./json.js";

const pane = $("#detail");

// The record_id shown, or null; the page keeps it in the URL.
export let openRecord = null;
let shown = null; // its detail, as the API gave it
let raw = false; // raw body rather than pretty-printed

// Shows a record; the caller writes the URL, since openRecord has changed when this returns.
export async function openDetail(recordId) {
  openRecord = recordId;
  let detail;
  try {
    detail = await api(`api/deliveries/${encodeURIComponent(recordId)}`);
  } catch (error) {
    detail = { error: error.message };
  }
  if (openRecord !== recordId) {
    return; // another record was opened, or the pane closed, meanwhile
  }
  shown = detail;
  if (detail.error) {
    $("#detail-title").textContent = `Record ${recordId}: ${detail.error}`;
    pane.classList.add("failed");
  } else {
    pane.classList.remove("failed");
    renderDetail(detail);
  }
  pane.hidden = false;
}

export function closeDetail() {
  pane.hidden = true;
  openRecord = null;
  shown = null;
}

function renderDetail(detail) {
  $("#detail-title").textContent = detail.event;
  const terms = [
    ["Webhook-id", el("code", {}, detail.id)],
    ["Kind", detail.kind],
    ["Time", detail.at],
    ["Status", detail.status ? String(detail.status) : "no answer"],
    // The reason in the API's words, which are linkhook verify's.
    [
      detail.kind === "received" ? "Verification" : "Outcome",
      el("span", { class: isGood(detail) ? "good" : "bad" }, detail.reason),
    ],
    ["Record", detail.record_id],
  ];
  $("#summary").replaceChildren(
    ...terms.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]),
  );
  showCompare(detail);
  renderAttempts(detail);
  $("#headers").replaceChildren(
    ...detail.headers.map(([name, value]) =>
      el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, value)),
    ),
  );
  renderBody(detail);
  // A replay's record keeps its attempts, not the body: there is nothing to send again.
  $("#actions").hidden = detail.kind === "attempt";
  $("#action-result").textContent = "";
  updateCurl();
}

// ---- Attempts on the schedule's timeline ----

function duration(seconds) {
  if (seconds < 60) {
    return `${Number(seconds.toFixed(3))}s`;
  }
  let rest = Math.round(seconds);
  let text = "";
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ]) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}

function renderAttempts(detail) {
  const replay = detail.kind === "attempt" ? detail.extra : undefined;
  const section = $("#attempts");
  section.hidden = !replay?.attempts;
  if (section.hidden) {
    return;
  }
  $("#attempts-target").textContent = `To ${replay.url}: ${replay.ending}`;
  // The waits grow from seconds to hours: a log scale keeps the early attempts apart.
  const span = Math.log1p(Math.max(...replay.attempts.map((a) => a.at_s)));
  $("#timeline").replaceChildren(
    ...replay.attempts.map((attempt) => {
      const answer = attempt.status ? String(attempt.status) : attempt.error || "no answer";
      const next =
        attempt.decision === "retry" ? `retry in ${duration(attempt.wait_s)}` : attempt.decision;
      const ending = { retry: "", delivered: "delivered" }[attempt.decision] ?? "failed";
      const dot = el("span", { class: "dot" });
      dot.style.setProperty("--at", span ? Math.log1p(attempt.at_s) / span : 0);
      const item = el(
        "li",
        { class: `attempt ${ending}` },
        el("span", { class: "at" }, `#${attempt.attempt} +${duration(attempt.at_s)}`),
        el("span", { class: "track", "aria-hidden": "true" }, dot),
        el("span", { class: statusClass(attempt.status) }, answer),
        el("span", { class: "decision" }, next),
      );
      if (attempt.reason) {
        item.append(el("span", { class: "reason" }, attempt.reason));
      }
      return item;
    }),
  );
}

function hexDump(bytes) {
  const lines = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const chunk = [...bytes.subarray(at, at + 16)];
    const hex = chunk.map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const text = chunk.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${at.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${text}`);
  }
  return lines.join("\n");
}

function renderBody(detail) {
  const note = $("#body-note");
  const pretty = $("#body-pretty");
  const exact = $("#body-raw");
  let tree = null;
  if (detail.body_base64 !== undefined) {
    const bytes = bytesOf(detail);
    note.textContent = `Not UTF-8 text: ${bytes.length} bytes, shown in hex.`;
    exact.textContent = hexDump(bytes);
  } else {
    exact.textContent = detail.body;
    try {
      tree = renderJson(parseJson(detail.body));
      note.textContent = "";
    } catch {
      note.textContent = detail.body ? "Not JSON: shown as received." : "Empty body.";
    }
  }
  pretty.replaceChildren(...(tree ? [tree] : []));
  $("#raw-toggle").disabled = !tree;
  showRaw(raw || !tree);
}

function showRaw(on) {
  $("#raw-toggle").setAttribute("aria-pressed", String(on));
  $("#body-raw").hidden = !on;
  $("#body-pretty").hidden = on;
}

function updateCurl() {
  if (shown && !shown.error && shown.kind !== "attempt") {
    $("#curl-command").textContent = curlCommand(shown, $("#target-url").value.trim());
  }
}

async function copyCurl() {
  const result = $("#action-result");
  try {
    await navigator.clipboard.writeText($("#curl-command").textContent);
    result.textContent =
      "Copied: a curl command that sends these bytes and headers to the target URL.";
  } catch {
    $("#actions details").open = true;
    getSelection().selectAllChildren($("#curl-command"));
    result.textContent = "The clipboard is out of reach here: the command is selected below.";
  }
}

async function replay() {
  const recordId = openRecord;
  const url = $("#target-url").value.trim();
  const result = $("#action-result");
  result.removeAttribute("data-ok");
  result.textContent = `Replaying to ${url}…`;
  try {
    const attempt = await api(`api/deliveries/${encodeURIComponent(recordId)}/replay`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url }),
    });
    const answer = attempt.status ? `HTTP ${attempt.status}` : "no answer";
    const why = attempt.error_text ? `: ${attempt.error_text}` : "";
    result.textContent = `Replayed ${attempt.id} to ${attempt.url}: ${answer} in ${Number(attempt.ms.toFixed(1))} ms, ${attempt.ok ? "delivered" : "failed"}${why}`;
    result.dataset.ok = String(attempt.ok);
  } catch (error) {
    result.textContent = `Replay refused: ${error.message}`;
    result.dataset.ok = "false";
  }
}

$("#raw-toggle").addEventListener("click", () => {
  raw = !raw;
  showRaw(raw);
});
$("#target-url").addEventListener("input", updateCurl);
$("#copy-curl").addEventListener("click", copyCurl);
$("#replay").addEventListener("click", replay);
