// Comparing two records: mark one, open another, and see what changed from the marked one (A) to
// this one (B), as api/diff says it: the code of `linkhook store diff`.
import { $, api, el } from "./common.js";

let marked = null; // {recordId, label} of the record marked as A
let current = null; // {recordId, label} of the record shown

// The Compare section for a record just shown.
export function showCompare(detail) {
  current = { recordId: String(detail.record_id), label: `${detail.event} ${detail.id}` };
  $("#diff").hidden = true;
  $("#diff-rows").replaceChildren();
  refresh();
}

function refresh() {
  const isMarked = marked?.recordId === current?.recordId;
  const button = $("#mark");
  button.setAttribute("aria-pressed", String(isMarked));
  button.textContent = isMarked ? "Marked" : "Mark";
  const other = marked !== null && !isMarked;
  $("#diff-marked").hidden = !other;
  $("#compare-note").textContent = other
    ? `Marked: record ${marked.recordId} (${marked.label}).`
    : isMarked
      ? "Marked. Open another record to diff it with this one."
      : "Mark this record, open another, and see what changed.";
}

// A header's value is text; a body field's, JSON. Absent on one side: an em dash.
function shown(value, json) {
  if (value === null || value === undefined) {
    return "—";
  }
  return json ? JSON.stringify(value) : value;
}

function row(what, a, b, json) {
  const change = a === null ? "added" : b === null ? "removed" : "changed";
  return el(
    "tr",
    { class: change },
    el("th", { scope: "row" }, what),
    el("td", {}, shown(a, json)),
    el("td", {}, shown(b, json)),
  );
}

async function diff() {
  const a = marked.recordId;
  const b = current.recordId;
  let result;
  try {
    result = await api(`api/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  } catch (error) {
    $("#compare-note").textContent = `Diff refused: ${error.message}`;
    return;
  }
  if (current?.recordId !== b) {
    return; // another record was opened meanwhile
  }
  const rows = result.headers.map((h) => row(`header ${h.name}`, h.a, h.b, false));
  if (Array.isArray(result.body)) {
    rows.push(...result.body.map((f) => row(f.path === "" ? "body" : f.path, f.a, f.b, true)));
  } else {
    const { from, a_end: aEnd, b_end: bEnd } = result.body.bytes;
    rows.push(row("body bytes", `[${from}, ${aEnd})`, `[${from}, ${bEnd})`, false));
  }
  $("#diff-rows").replaceChildren(...rows);
  $("#diff").hidden = rows.length === 0;
  $("#compare-note").textContent = result.identical
    ? `Identical to record ${a}: the same headers and body.`
    : `${rows.length} ${rows.length === 1 ? "difference" : "differences"} from record ${a} (A) to this one (B).`;
}

$("#mark").addEventListener("click", () => {
  marked = marked?.recordId === current.recordId ? null : { ...current };
  refresh();
});
$("#diff-marked").addEventListener("click", diff);
