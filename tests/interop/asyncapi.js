// `linkhook schema --asyncapi` against the official AsyncAPI 3.0.0 JSON Schema (npm
// @asyncapi/specs, checked with ajv): the document is valid, names the 13 events as messages
// whose payloads are `linkhook schema --all`'s schemas, and a document missing its "info" is not.
// Usage: node asyncapi.js LINKHOOK_BINARY (with the packages on NODE_PATH).
"use strict";
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const specs = require("@asyncapi/specs");

const linkhook = process.argv[2];

function run(args) {
  const result = spawnSync(linkhook, args, { encoding: "utf8", timeout: 20000 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

// The specification's schema carries its own copy of the draft-07 meta-schema.
const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
addFormats(ajv);
const validate = ajv.compile(specs.schemas["3.0.0"]);

const document = run(["schema", "--asyncapi"]);
assert.ok(validate(document), JSON.stringify(validate.errors, null, 2));
const schemas = run(["schema", "--all"]);
assert.deepEqual(Object.keys(document.components.messages), Object.keys(schemas));
for (const [event, schema] of Object.entries(schemas)) {
  const { $schema, $id, ...payload } = schema;
  assert.deepEqual(document.components.schemas[event], payload, event);
}
const broken = structuredClone(document);
delete broken.info;
assert.equal(validate(broken), false);
console.log("schema --asyncapi against the AsyncAPI 3.0.0 schema: 1 passed, 0 failed");
