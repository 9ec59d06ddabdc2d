// The Node.js peer of `linkhook send --count N --concurrency C`: C concurrent loops that each
// sign a body with the npm standardwebhooks library (a fresh msg id and timestamp per delivery,
// as a sender must) and POST it with fetch (undici, keep-alive), until N deliveries were made.
// Prints "SENT OK SECONDS" on one line. Usage: node send-node.mjs URL SECRET BODY_FILE N C
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

const [url, secret, bodyFile, total, concurrency] = process.argv.slice(2);
const body = readFileSync(bodyFile, "utf8");
const webhook = new Webhook(secret);
const n = Number(total);
let next = 0;
let ok = 0;

async function loop() {
  while (next < n) {
    next++;
    const id = "msg_" + randomBytes(16).toString("hex");
    const timestamp = new Date();
    const signature = webhook.sign(id, timestamp, body);
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
    });
    await response.arrayBuffer();
    if (response.status >= 200 && response.status < 300) {
      ok++;
    }
  }
}

const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: Number(concurrency) }, loop));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`${n} ${ok} ${seconds.toFixed(3)}`);
