// What the list and the detail pane share.

export const $ = (selector) => document.querySelector(selector);

// An element with attributes and children; strings among the children become text nodes.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export async function api(path, options) {
  const response = await fetch(path, options);
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(json.error || `${response.status} ${response.statusText}`);
  }
  return json;
}

// s2xx, s4xx, …; s0xx for 0, no answer at all (refused, timed out).
export function statusClass(status) {
  return `status s${status >= 100 && status < 600 ? Math.floor(status / 100) : 0}xx`;
}

// Good news: a received delivery that verified, or a sent one that got a 2xx.
export function isGood(summary) {
  return summary.kind === "received"
    ? summary.verified
    : summary.status >= 200 && summary.status < 300;
}

// The body's bytes: the API gives UTF-8 text as is, other bytes in base64.
export function bytesOf(detail) {
  return detail.body_base64 !== undefined
    ? Uint8Array.from(atob(detail.body_base64), (c) => c.charCodeAt(0))
    : new TextEncoder().encode(detail.body);
}
