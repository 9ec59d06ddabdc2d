// "Copy as curl": a shell command that sends a delivery's exact bytes and headers again.
import { bytesOf } from "./common.js";

// Single quotes make every character literal to a POSIX shell, except a single quote itself.
const shellQuote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

// Headers curl writes from its own request.
const CURL_WRITES = new Set(["host", "content-length", "transfer-encoding", "connection"]);
// Headers curl adds unless told not to; removed when the delivery had none.
const CURL_ADDS = ["Accept", "Content-Type", "User-Agent"];

function toBase64(bytes) {
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

// A command that POSTs the exact bytes and headers again. The body goes through printf, a shell
// builtin, so that its size is no argument limit and a body starting with '@' is not a file name;
// bytes a shell word cannot hold (not UTF-8, or NUL) go as base64.
export function curlCommand(detail, url) {
  const names = new Set(detail.headers.map(([name]) => name.toLowerCase()));
  const options = [`curl -i -sS ${shellQuote(url)}`];
  for (const [name, value] of detail.headers) {
    if (!CURL_WRITES.has(name.toLowerCase())) {
      // `-H 'Name:'` would remove the header; `-H 'Name;'` sends it empty.
      options.push(`-H ${shellQuote(value === "" ? `${name};` : `${name}: ${value}`)}`);
    }
  }
  for (const name of CURL_ADDS) {
    if (!names.has(name.toLowerCase())) {
      options.push(`-H ${shellQuote(`${name}:`)}`);
    }
  }
  options.push("--data-binary @-");
  const text = detail.body_base64 === undefined && !detail.body.includes("\0");
  const feed = text
    ? `printf %s ${shellQuote(detail.body)}`
    : `printf %s ${shellQuote(toBase64(bytesOf(detail)))} | base64 -d`;
  return `${feed} |\n  ${options.join(" \\\n    ")}\n`;
}
