// The body's JSON, shown as it was sent: indented, coloured and foldable, each value in its own
// source text.
import { el } from "./common.js";

// A JSON parser that keeps what JSON.parse loses and the bytes hold: key order (JSON.parse puts
// integer-like keys first), repeated keys, and numbers past a double's precision. Each value keeps
// its source text. Throws SyntaxError on anything that is not JSON.
export function parseJson(text) {
  // Groups: 1 punctuation, 2 a string, 3 a number, 4 true, false or null.
  const token =
    /[ \t\n\r]*(?:([{}[\],:])|("(?:[^"\\\u0000-\u001f]+|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null))/y;
  let current;
  const advance = () => {
    current = token.exec(text);
    if (!current) {
      throw new SyntaxError("not JSON");
    }
  };
  const value = (depth) => {
    const [, punctuation, string, number, literal] = current;
    if (string !== undefined) {
      return { type: "string", text: string };
    }
    if (number !== undefined) {
      return { type: "number", text: number };
    }
    if (literal !== undefined) {
      return { type: "literal", text: literal };
    }
    if ((punctuation !== "{" && punctuation !== "[") || depth > 200) {
      throw new SyntaxError("not JSON, or nested too deep");
    }
    const object = punctuation === "{";
    const close = object ? "}" : "]";
    const node = { type: object ? "object" : "array", items: [] };
    advance();
    if (current[1] === close) {
      return node;
    }
    for (;;) {
      let key = null;
      if (object) {
        key = current[2];
        advance();
        if (key === undefined || current[1] !== ":") {
          throw new SyntaxError("not JSON");
        }
        advance();
      }
      node.items.push({ key, value: value(depth + 1) });
      advance();
      if (current[1] === close) {
        return node;
      }
      if (current[1] !== ",") {
        throw new SyntaxError("not JSON");
      }
      advance();
    }
  };
  advance();
  const root = value(0);
  if (!/^[ \t\n\r]*$/.test(text.slice(token.lastIndex))) {
    throw new SyntaxError("not JSON");
  }
  return root;
}

// The parsed JSON as indented lines; objects and arrays fold with <details>.
export function renderJson(node, key = null, comma = false) {
  const head = [];
  if (key !== null) {
    head.push(el("span", { class: "j-key" }, key), ": ");
  }
  if (node.type !== "object" && node.type !== "array") {
    return el(
      "div",
      { class: "j-line" },
      ...head,
      el("span", { class: `j-${node.type}` }, node.text),
      comma ? "," : "",
    );
  }
  const [open, close] = node.type === "object" ? ["{", "}"] : ["[", "]"];
  if (!node.items.length) {
    return el("div", { class: "j-line" }, ...head, open + close, comma ? "," : "");
  }
  const count = `${node.items.length} ${node.type === "object" ? "key" : "item"}${node.items.length === 1 ? "" : "s"}`;
  return el(
    "details",
    { class: "j-fold", open: "" },
    el(
      "summary",
      {},
      ...head,
      open,
      el("span", { class: "j-folded" }, ` ${count} ${close}${comma ? "," : ""}`),
    ),
    el(
      "div",
      { class: "j-items" },
      ...node.items.map((item, i) => renderJson(item.value, item.key, i < node.items.length - 1)),
    ),
    el("div", { class: "j-line" }, close, comma ? "," : ""),
  );
}
