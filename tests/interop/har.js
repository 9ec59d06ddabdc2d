// `linkhook store export --format har` against the HAR 1.2 schemas (npm har-validator, which
// checks them with ajv): records received (with their URL, and one from before linkhook kept
// it), sent (answered, and refused), a body that is not UTF-8, and a replay's attempts (left
// out, and said so).
// Usage: node har.js LINKHOOK_BINARY (with the package on NODE_PATH).
"use strict";
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const validator = require("har-validator");

const linkhook = process.argv[2];
const store = fs.mkdtempSync(path.join(os.tmpdir(), "linkhook-har-"));

function run(args, input = "") {
  const result = spawnSync(linkhook, [...args, "--store", store],
                           { input, encoding: "utf8", timeout: 20000 });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

const received = {
  id: "msg_received", kind: "received", event: "link.clicked",
  received_at: "2025-10-19T10:30:00.123Z", verified: true, status: 204, reason: "valid",
  headers: [["Host", "127.0.0.1:4000"], ["webhook-id", "msg_received"],
            ["Content-Type", "application/json"]],
  body: "{\"event\":\"link.clicked\"}",
  extra: { url: "http://127.0.0.1:4000/hooks?source=ci&x=%20y" },
};
const older = { ...received, id: "msg_older", extra: undefined };
const binary = { ...received, id: "msg_binary", body: undefined, body_base64: "AP/+" };
const attempts = {
  id: "att_1", kind: "attempts", event: "link.clicked", sent_at: "2025-10-19T10:31:00.000Z",
  status: 200, reason: "delivered", ref: "msg_received", headers: [], body: "",
};
const imported = run(["store", "import", "-"],
                     [received, older, binary, attempts].map((r) => JSON.stringify(r)).join("\n"));
assert.equal(imported.status, 0, imported.err);
// A delivery refused (nothing listens on port 1): a sent record with no answer.
const sent = run(["send", "link.clicked", "--url", "http://127.0.0.1:1/hook", "--quiet",
                  "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
assert.equal(sent.status, 1, sent.err);

const exported = run(["store", "export", "--format", "har"]);
assert.equal(exported.status, 0, exported.err);
assert.match(exported.err, /1 attempts record left out/);
const har = JSON.parse(exported.out);

validator.har(har).then(() => {
  const entries = har.log.entries;
  assert.equal(entries.length, 4);
  const [first, second, third, fourth] = entries;
  assert.equal(first.request.url, received.extra.url);
  assert.deepEqual(first.request.queryString,
                   [{ name: "source", value: "ci" }, { name: "x", value: " y" }]);
  assert.deepEqual(first.request.headers.map((h) => [h.name, h.value]), received.headers);
  assert.equal(first.request.postData.text, received.body);
  assert.equal(first.request.postData.mimeType, "application/json");
  assert.equal(first.response.status, 204);
  assert.equal(first.startedDateTime, received.received_at);
  assert.match(second.comment, /URL was not stored/);
  assert.equal(second.request.url, "http://127.0.0.1:4000/");
  assert.equal(third.request.postData.text, "AP/+");
  assert.match(third.request.postData.comment, /base64/);
  assert.equal(fourth.request.url, "http://127.0.0.1:1/hook");
  assert.equal(fourth.response.status, 0);
  assert.match(fourth.response._error, /refused/);
  fs.rmSync(store, { recursive: true, force: true });
  console.log("HAR export against har-schema: 1 passed, 0 failed");
}).catch((error) => {
  console.error(error.errors ? JSON.stringify(error.errors, null, 2) : error);
  process.exit(1);
});
