// The Node.js peer of `linkhook listen --no-store`: a plain `http` server that reads each body,
// verifies it with the standardwebhooks library and answers 204, or 401 when it does not verify.
// One process, as a Node endpoint usually runs. Usage: node listen-node.mjs PORT SECRET
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const [port, secret] = process.argv.slice(2);
const webhook = new Webhook(secret);

createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    try {
      webhook.verify(Buffer.concat(chunks).toString("utf8"), req.headers);
      res.writeHead(204).end();
    } catch {
      res.writeHead(401).end();
    }
  });
}).listen(Number(port), "127.0.0.1");
