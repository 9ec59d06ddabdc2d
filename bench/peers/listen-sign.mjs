// Pre-signs COUNT distinct Standard Webhooks deliveries of one body for bench/listen, since wrk's
// LuaJIT has no HMAC. Each line of OUT is "webhook-id webhook-timestamp webhook-signature" with a
// fresh id and the timestamp now (all servers accept 300 s of skew). Prints on stdout the
// GitHub-style "sha256=<hex HMAC of the body>" that adnanh's webhook checks, keyed with the whole
// secret string. Usage: node listen-sign.mjs SECRET BODY_FILE COUNT OUT ID_PREFIX
import { createHmac } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const [secret, bodyFile, countArg, out, prefix] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
const timestamp = Math.floor(Date.now() / 1000);
const count = Number(countArg);

const lines = [];
for (let i = 0; i < count; i++) {
  const id = `${prefix}_${i.toString(36).padStart(8, "0")}`;
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  lines.push(`${id} ${timestamp} v1,${signature}\n`);
}
writeFileSync(out, lines.join(""));
process.stdout.write(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}\n`);
