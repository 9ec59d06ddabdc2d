// bench/validate's peer: ajv (with ajv-formats) validating a file of payloads, one JSON per line,
// against `linkhook schema --all` (the same schemas linkhook validates with). Prints the count of
// valid and invalid payloads, as linkhook validate -q does.
// Usage: node validate-ajv.mjs SCHEMAS_JSON PAYLOADS_NDJSON
import { readFileSync, createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const [schemasFile, payloadsFile] = process.argv.slice(2);
const ajv = new Ajv();
addFormats.default ? addFormats.default(ajv) : addFormats(ajv);
const validators = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(schemasFile, "utf8"))).map(([event, schema]) => [
    event,
    ajv.compile(schema),
  ]),
);
let valid = 0;
let invalid = 0;
for await (const line of createInterface({ input: createReadStream(payloadsFile) })) {
  if (!line) continue;
  const payload = JSON.parse(line);
  const validate = validators[payload.event];
  if (validate && validate(payload)) valid++;
  else invalid++;
}
console.log(`${valid + invalid} payloads: ${valid} valid, ${invalid} invalid`);
