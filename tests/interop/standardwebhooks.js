// linkhook against the reference Standard Webhooks library for JavaScript (npm standardwebhooks):
// each verifies what the other signed, and both reject a tampered body.
// Usage: node standardwebhooks.js LINKHOOK_BINARY (with the package on NODE_PATH).
"use strict";
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const { Webhook } = require("standardwebhooks");

const linkhook = process.argv[2];

function run(args, input = "") {
  const result = spawnSync(linkhook, args, { input, encoding: "utf8", timeout: 20000 });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

const secret = run(["secret"]).out.trim();
const body = run(["generate", "link.clicked", "--seed", "7"]).out;
assert.match(secret, /^whsec_/);
assert.ok(body.length > 100);
const library = new Webhook(secret);

// linkhook signs, the library verifies (and rejects a changed body).
const signed = run(["sign", "--secret", secret, "--json", "-"], body);
assert.equal(signed.status, 0, signed.err);
const headers = JSON.parse(signed.out).headers;
assert.deepEqual(library.verify(body, headers), JSON.parse(body));
assert.throws(() => library.verify(body.replace("link.clicked", "link.clacked"), headers));

// The library signs, linkhook verifies (and rejects a changed body).
const id = "msg_interop" + Date.now();
const now = new Date();
const signature = library.sign(id, now, body);
const flags = ["--secret", secret, "-H", `webhook-id: ${id}`,
               "-H", `Webhook-Timestamp: ${Math.floor(now.getTime() / 1000)}`,
               "-H", `WEBHOOK-SIGNATURE: ${signature}`, "-"];
const verified = run(["verify", ...flags], body);
assert.equal(verified.status, 0, verified.out + verified.err);
assert.equal(verified.out, "valid\n");
const tampered = run(["verify", ...flags], body.replace("}", ",\"x\":1}"));
assert.equal(tampered.status, 1);
assert.match(tampered.out, /^invalid: no signature matches/);

// The library's own test vector, checked by linkhook.
const vector = run(["verify", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--now", "1614265330",
                    "-H", "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek", "-H", "webhook-timestamp: 1614265330",
                    "-H", "webhook-signature: " +
                        new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                            .sign("msg_p5jXN8AQM9LWM0D4loKWxJek", new Date(1614265330000), '{"test": 2432232314}'),
                    "-"], '{"test": 2432232314}');
assert.equal(vector.out, "valid\n");
console.log("interop with standardwebhooks: 1 passed, 0 failed");
