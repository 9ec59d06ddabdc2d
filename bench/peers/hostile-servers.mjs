// The hostile servers of bench/hostile, each over http and over https (the certificate CERT and
// key KEY), on free loopback ports. Each answers the first bytes of a request (hang: never):
//   hang         accepts, reads, never answers;
//   drip         a 200 answer, one byte per second, head included;
//   chunked      a 200 head, then chunks as fast as the client reads them, never the last one;
//   slow-length  a 200 head with a 100 GB Content-Length, then the body at 10 KiB/s;
//   headers      a 200 status line, then header lines as fast as the client reads them, no end;
//   garbage      random bytes as fast as the client reads them.
// Prints "KIND PROTOCOL PORT" for each, then "ready"; exits by itself after LIFETIME seconds.
// Usage: node hostile-servers.mjs CERT KEY LIFETIME
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";

const [certFile, keyFile, lifetime] = process.argv.slice(2);
const options = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
const ok = "HTTP/1.1 200 OK\r\n";

// endless(socket, next): writes next() again and again, as fast as the socket drains, until it
// closes: a client that keeps reading gets an answer without end, one that stops holds it still.
function endless(socket, next) {
  const pump = () => {
    while (!socket.destroyed && socket.write(next()));
  };
  socket.on("drain", pump);
  pump();
}

// every(socket, ms, next): writes next() every ms milliseconds until the socket closes.
function every(socket, ms, next) {
  const timer = setInterval(() => socket.destroyed || socket.write(next()), ms);
  socket.on("close", () => clearInterval(timer));
}

const filler = "x".repeat(64 * 1024);
const answers = {
  hang: () => {},
  drip: (socket) => {
    const answer = ok + "Content-Length: 2\r\n\r\nok";
    let at = 0;
    every(socket, 1000, () => answer[at++ % answer.length]);
  },
  chunked: (socket) => {
    socket.write(ok + "Transfer-Encoding: chunked\r\n\r\n");
    endless(socket, () => `10000\r\n${filler.slice(0, 0x10000)}\r\n`);
  },
  "slow-length": (socket) => {
    socket.write(ok + "Content-Length: 100000000000\r\n\r\n");
    every(socket, 100, () => filler.slice(0, 1024));
  },
  headers: (socket) => {
    socket.write(ok);
    let n = 0;
    endless(socket, () => `X-Flood-${n++}: ${filler.slice(0, 1000)}\r\n`);
  },
  garbage: (socket) => endless(socket, () => randomBytes(16 * 1024)),
};

// serve(socket, answer): answers once the request's first bytes arrive; errors (the client
// giving up mid-write) end that connection only.
function serve(socket, answer) {
  socket.on("error", () => socket.destroy());
  socket.once("data", () => answer(socket));
  socket.on("data", () => {}); // keep reading whatever else the client sends
}

const servers = [];
for (const [kind, answer] of Object.entries(answers)) {
  for (const [protocol, server] of [
    ["http", net.createServer((socket) => serve(socket, answer))],
    ["https", tls.createServer(options, (socket) => serve(socket, answer))],
  ]) {
    server.on("tlsClientError", () => {});
    servers.push(
      new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve(`${kind} ${protocol} ${server.address().port}`)),
      ),
    );
  }
}
process.stdout.write((await Promise.all(servers)).join("\n") + "\nready\n");
setTimeout(() => process.exit(0), Number(lifetime) * 1000);
