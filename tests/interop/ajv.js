// linkhook's schemas and its validator against an independent one, ajv (with ajv-formats): every
// payload generate makes is valid to both, and on payloads broken in every way the test knows
// (a field dropped, a type changed, a bad timestamp, a value off its enum, an e-mail that is
// none), both give the same verdict, payload by payload.
// Usage: node ajv.js LINKHOOK_BINARY (with the packages on NODE_PATH).
"use strict";
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

const linkhook = process.argv[2];

function run(args, input = "") {
  const result = spawnSync(linkhook, args, { input, encoding: "utf8", timeout: 60000,
                                              maxBuffer: 1 << 28 });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

const ajv = new Ajv({ allErrors: false });
addFormats(ajv);
const schemas = JSON.parse(run(["schema", "--all"]).out);
const validators = Object.fromEntries(
  Object.entries(schemas).map(([event, schema]) => [event, ajv.compile(schema)]));

const payloads = run(["generate", "--all", "--count", "40", "--seed", "21"]).out
  .trim().split("\n").map((line) => JSON.parse(line));
assert.equal(payloads.length, 13 * 40);

// Every way to break one payload: each leaf dropped, or given the other type.
function* broken(payload) {
  function* walk(node, path) {
    for (const [key, value] of Object.entries(node)) {
      if (value !== null && typeof value === "object") {
        yield* walk(value, [...path, key]);
        continue;
      }
      const at = (copy) => path.reduce((o, k) => o[k], copy);
      let copy = structuredClone(payload);
      if (!Array.isArray(at(copy))) {
        delete at(copy)[key];
        yield copy;
      }
      copy = structuredClone(payload);
      at(copy)[key] = typeof value === "string" ? 42 : "42";
      yield copy;
    }
  }
  yield* walk(payload, []);
  for (const timestamp of ["2025-10-19 10:30:00", "2025-02-30T10:00:00Z", "yesterday"]) {
    yield { ...structuredClone(payload), timestamp };
  }
}

const cases = [...payloads];
for (const payload of payloads.slice(0, 26)) {
  cases.push(...broken(payload));
}
const clicked = structuredClone(payloads.find((p) => p.event === "link.clicked"));
clicked.data.click.device = "fridge";
cases.push(clicked);
const upgraded = structuredClone(payloads.find((p) => p.event === "account.upgraded"));
upgraded.data.changed_by.email = "not an address";
cases.push(upgraded);

const ours = run(["validate", "--json"], cases.map((c) => JSON.stringify(c)).join("\n") + "\n");
const verdicts = ours.out.trim().split("\n").map((line) => JSON.parse(line));
const summary = verdicts.pop().summary;
assert.equal(verdicts.length, cases.length);
let invalid = 0;
cases.forEach((payload, i) => {
  // A payload whose "event" was dropped or changed names no schema: invalid to both.
  const validate = validators[payload.event];
  const theirs = validate ? validate(payload) : false;
  assert.equal(verdicts[i].valid, theirs,
               `line ${i + 1}: linkhook says ${JSON.stringify(verdicts[i])}, ajv ` +
               JSON.stringify(validate?.errors));
  invalid += theirs ? 0 : 1;
  if (i < payloads.length) {
    assert.ok(theirs, `generated payload ${i + 1} is invalid to ajv`);
  }
});
assert.equal(summary.invalid, invalid);
assert.ok(invalid > 500, `only ${invalid} broken payloads`);
assert.equal(ours.status, 1);
console.log(`ajv agrees with linkhook validate on ${cases.length} payloads (${invalid} invalid): ` +
            "1 passed, 0 failed");
