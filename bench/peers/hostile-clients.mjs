// The hostile clients of bench/hostile, against a listener on 127.0.0.1:PORT.
//   node hostile-clients.mjs chunked PORT MB   over TLS: a POST whose chunked body goes on for MB
//   node hostile-clients.mjs headers PORT MB   over TLS: a POST whose header lines go on for MB
//     Each writes as fast as the listener reads, on a new connection whenever the listener closes
//     one, until MB were sent in all, then prints "sent N MB over K connections, answers: ...".
//   node hostile-clients.mjs hold PORT IDLE SLOWLORIS SECONDS   over http: holds IDLE connections
//     that send nothing and SLOWLORIS that send a request head one line every 3 s, never ending
//     it, reopening any the listener closes, for SECONDS. Prints "ready ..." once all are open
//     (or after 30 s of trying), then a status line every second, and exits by itself.
// Every mode gives up after a bound (60 s, or SECONDS), so nothing outlives the benchmark.
import net from "node:net";
import tls from "node:tls";

const [mode, port, ...args] = process.argv.slice(2);
const MB = 1024 * 1024;

// flood(head, next, megabytes): over TLS, sends head, then next() until megabytes were sent or the
// listener closed the connection, and so again on a new connection until megabytes were sent in
// all: a listener that refuses early (413, 431) still has the whole volume thrown at it.
function flood(head, next, megabytes) {
  const answers = {};
  let sent = 0;
  let connections = 0;
  const finish = () => {
    const seen = Object.entries(answers).map(([line, n]) => `${line} x${n}`);
    process.stdout.write(`sent ${(sent / MB).toFixed(1)} MB over ${connections} connections, answers: ${seen.join(", ")}\n`);
    process.exit(0);
  };
  const attempt = () => {
    connections++;
    const socket = tls.connect({ port: Number(port), host: "127.0.0.1", rejectUnauthorized: false });
    let answer = "";
    let connected = false;
    socket.on("secureConnect", () => {
      connected = true;
      socket.write(head);
      const pump = () => {
        while (!socket.destroyed && sent < megabytes * MB) {
          const piece = next();
          sent += piece.length;
          if (!socket.write(piece)) return;
        }
        if (sent >= megabytes * MB) socket.end();
      };
      socket.on("drain", pump);
      pump();
    });
    socket.on("data", (data) => (answer += data.toString("latin1")));
    socket.on("error", () => {}); // the listener cutting the connection off: expected
    socket.on("close", () => {
      if (!connected) {
        process.stderr.write(`no TLS connection to 127.0.0.1:${port}\n`);
        process.exit(1);
      }
      const line = answer.split("\r\n")[0] || "none (cut off)";
      answers[line] = (answers[line] || 0) + 1;
      if (sent < megabytes * MB) attempt();
      else finish();
    });
  };
  attempt();
  setTimeout(finish, 60000);
}

// hold(idle, slowloris, seconds): see above. Connections come from 127.0.0.2 to 127.0.0.9 in
// turn, so that reopening thousands of them never runs out of loopback ports.
function hold(idle, slowloris, seconds) {
  const open = { idle: 0, slowloris: 0 };
  let reopened = 0;
  let next = 0;
  let stopping = false;
  const connect = (kind, again) => {
    if (stopping) return;
    if (again) reopened++;
    const socket = net.connect({ port: Number(port), host: "127.0.0.1", localAddress: `127.0.0.${2 + (next++ % 8)}` });
    let timer = null;
    let counted = false;
    socket.on("connect", () => {
      open[kind]++;
      counted = true;
      if (kind === "slowloris") {
        socket.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        let line = 0;
        timer = setInterval(() => socket.write(`X-Slow-${line++}: 1\r\n`), 3000);
      }
    });
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      if (counted) open[kind]--;
      setTimeout(() => connect(kind, true), 1000); // as an attacker would, a second later
    });
  };
  // Open them in batches, so that the listener's accept queue is not the limit being measured.
  const wanted = { idle, slowloris };
  const started = { idle: 0, slowloris: 0 };
  const begin = Date.now();
  const ramp = setInterval(() => {
    for (const kind of ["idle", "slowloris"]) {
      for (let i = 0; i < 250 && started[kind] < wanted[kind]; i++, started[kind]++) connect(kind, false);
    }
    const all = open.idle >= idle && open.slowloris >= slowloris;
    if (all || Date.now() - begin > 30000) {
      clearInterval(ramp);
      process.stdout.write(`ready idle=${open.idle} slowloris=${open.slowloris}\n`);
      setTimeout(() => {
        stopping = true;
        process.exit(0);
      }, seconds * 1000);
    }
  }, 100);
  setInterval(() => {
    process.stdout.write(`open idle=${open.idle} slowloris=${open.slowloris} reopened=${reopened}\n`);
  }, 1000);
}

if (mode === "chunked") {
  const chunk = `10000\r\n${"x".repeat(0x10000)}\r\n`;
  flood("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n", () => chunk, Number(args[0]));
} else if (mode === "headers") {
  let n = 0;
  const value = "x".repeat(1000);
  flood("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n", () => `X-Flood-${n++}: ${value}\r\n`, Number(args[0]));
} else if (mode === "hold") {
  hold(Number(args[0]), Number(args[1]), Number(args[2]));
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
