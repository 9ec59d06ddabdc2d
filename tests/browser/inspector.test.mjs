// The inspector's page in a real, headless Chromium (issue 17): a real `linkhook listen --inspect`
// on loopback takes deliveries while the page is open; a second listener with the same secret is
// the target of "copy as curl" and of replays. Usage (through ./run):
//   node inspector.test.mjs LINKHOOK_BINARY CHROMIUM [SCREENSHOT_PNG]
// Prints one line per case passed; on a failure, says which and why and exits 1. Every process it
// starts is stopped, whatever happens.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import puppeteer from "puppeteer-core";

const [binary, chromium, screenshot] = process.argv.slice(2);
const STEP_MS = 10_000; // the longest any one wait may take
const TOTAL_MS = 50_000; // the whole run
const XSS = "<img src=x onerror=window.__xss=1>";
const XSS_SCRIPT = "<script>window.__xss=1</script>";
// Key order, big numbers and escapes that JSON.parse would not keep; quotes and $ for the shell.
const DETAIL_BODY = `{"event":"link.clicked","b":1,"2":"two",\n  "big":12345678901234567890,"nested":{"list":[1,2.50,{"deep":null}]},"text":"caf\\u00e9 ☕ 'quoted' \${x}"}`;

const children = [];
const errors = []; // console errors, page errors and CSP violations in the page
let dir; // a temporary directory for the stores and bodies
let secret; // the listeners' signing secret
let storeA; // the store of the inspected listener
let storeB; // the store of the target listener
let inspected; // the listener with the inspector: {first: {listening, inspector}, lines}
let target; // the listener that copies and replays go to
let inspector; // the inspector's URL
let browser;
let page;

class Failure extends Error {}

// The last resort, should the test itself crash: no process it started outlives it.
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

function check(condition, message) {
  if (!condition) {
    throw new Failure(message);
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function withTimeout(promise, what, ms = STEP_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failure(`${what}: nothing within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- linkhook and HTTP ----

// Runs linkhook to its end: {code, stdout, stderr}.
function linkhook(...args) {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: STEP_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr });
    });
  });
}

// Signs and sends to the inspected listener, storing the sent record in its store too.
async function send(...args) {
  const url = inspected.first.listening;
  const sent = await linkhook("send", "--url", url, "--secret", secret, "--store", storeA, ...args);
  check(sent.code === 0, `linkhook send ${args.join(" ")}: ${sent.stderr}`);
}

// Starts a linkhook that serves, and waits for its first stdout line (its URLs). Its later lines
// are kept, as JSON objects, for waitForLine.
async function serve(...args) {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const server = { lines: [], waiters: [], stderr: "" };
  child.stderr.on("data", (data) => (server.stderr += data));
  const lines = readline.createInterface({ input: child.stdout });
  const first = new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Failure(`linkhook ended (${code}): ${server.stderr}`)));
    lines.once("line", resolve);
  });
  server.first = JSON.parse(await withTimeout(first, `linkhook ${args.join(" ")} to start`));
  lines.on("line", (line) => {
    server.lines.push(JSON.parse(line));
    server.waiters = server.waiters.filter((waiter) => !waiter());
  });
  return server;
}

// The first line of a server's output that passes the test.
function waitForLine(server, test, what) {
  const found = new Promise((resolve) => {
    const waiter = () => {
      const line = server.lines.find(test);
      if (line) {
        resolve(line);
      }
      return Boolean(line);
    };
    if (!waiter()) {
      server.waiters.push(waiter);
    }
  });
  return withTimeout(found, what);
}

// A request straight to a server, with the headers given (Host included): {status, json}.
function request(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: STEP_MS }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (data) => (text += data));
      res.on("end", () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {} // a listener's answer is text
        resolve({ status: res.statusCode, json });
      });
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Failure(`${method} ${url}: no answer`)));
    req.end(body);
  });
}

const api = async (apiPath) => (await request(new URL(apiPath, inspector))).json;

async function recordOf(id, kind) {
  const { deliveries } = await api(`api/deliveries?kind=${kind}&limit=500`);
  return deliveries.find((d) => d.id === id);
}

// ---- The page ----

function wait(fn, what, ...args) {
  return page.waitForFunction(fn, { timeout: STEP_MS }, ...args).catch(() => {
    throw new Failure(`${what}: not within ${STEP_MS / 1000} s`);
  });
}

async function load(query = "") {
  await page.goto(`${inspector}${query}`, { waitUntil: "load" });
  await wait(() => document.querySelector("#connection.live"), "the live stream to connect");
}

// The list as shown: one object per row.
function rows() {
  return page.$$eval("#deliveries tbody tr", (trs) =>
    trs.map((tr) => ({
      recordId: tr.dataset.id,
      kind: tr.cells[1].textContent,
      event: tr.cells[2].textContent,
      status: tr.cells[3].textContent,
      verdict: tr.cells[4].textContent,
      id: tr.cells[5].textContent,
    })),
  );
}

// Waits for the row of a delivery (webhook-id and kind) and gives its record_id.
async function rowShown(id, kind) {
  const row = await wait(
    (id, kind) =>
      [...document.querySelectorAll("#deliveries tbody tr")].find(
        (tr) => tr.cells[5].textContent === id && tr.cells[1].textContent === kind,
      )?.dataset.id,
    `the ${kind} row of ${id}`,
    id,
    kind,
  );
  return row.jsonValue();
}

// Opens a record's detail from its row, or from a shared URL when the list does not show it.
async function openDetail(recordId) {
  if (await page.$(`#deliveries tr[data-id="${recordId}"]`)) {
    await page.click(`#deliveries tr[data-id="${recordId}"] a.open`);
  } else {
    await load(`?record=${recordId}`);
  }
  await detailShown(recordId);
}

function detailShown(recordId) {
  return wait(
    (id) =>
      !document.querySelector("#detail").hidden &&
      document.querySelector("#summary dd:last-of-type")?.textContent === id,
    `the detail of record ${recordId}`,
    recordId,
  );
}

const text = (selector) => page.$eval(selector, (node) => node.textContent);

function setTarget(url) {
  return page.$eval(
    "#target-url",
    (input, url) => {
      input.value = url;
      input.dispatchEvent(new Event("input"));
    },
    url,
  );
}

// Runs the detail's curl command, and gives the target's line for the delivery.
async function runCurl(id) {
  const command = await text("#curl-command");
  check(command.includes(target.first.listening), `the command is not to the target: ${command}`);
  const ran = await new Promise((resolve) =>
    execFile("bash", ["-c", command], { timeout: STEP_MS }, (error, _, stderr) =>
      resolve({ error, stderr }),
    ),
  );
  check(!ran.error, `the curl command failed: ${ran.stderr}\n${command}`);
  return waitForLine(target, (line) => line.id === id, `the target to receive ${id}`);
}

async function storedByTarget(id) {
  return JSON.parse((await linkhook("store", "show", id, "--store", storeB, "--json")).stdout);
}

// ---- The cases, in order: each builds on the deliveries of those before ----

const cases = [
  [
    "the page loads with no console errors",
    async () => {
      const { deliveries } = await api("api/deliveries");
      await load();
      await wait(
        (n) => document.querySelectorAll("#deliveries tbody tr").length === n,
        `the ${deliveries.length} stored records in the list`,
        deliveries.length,
      );
      const listed = await rows();
      check(
        same(
          listed.map((r) => r.recordId),
          deliveries.map((d) => d.record_id),
        ),
        "the list is not the API's",
      );
      const forged = listed.find((r) => r.id === "msg_forged" && r.kind === "received");
      check(
        forged?.status === "401" && forged.verdict.startsWith("no signature matches"),
        `the forged delivery shows as ${JSON.stringify(forged)}`,
      );
    },
  ],
  [
    "deliveries appear live",
    async () => {
      await page.evaluate(() => (window.__sameDocument = true));
      await send("team.member_added", "--id", "msg_live");
      await rowShown("msg_live", "received");
      await rowShown("msg_live", "sent");
      check(await page.evaluate(() => window.__sameDocument), "the page reloaded");
      check((await rows())[0].id === "msg_live", "the live rows are not at the top");
      if (screenshot) {
        // What README shows: a few deliveries, one of them open.
        await openDetail((await recordOf("msg_seed_1", "received")).record_id);
        await wait(() => !document.getAnimations().length, "the new rows' highlight to fade");
        await page.screenshot({ path: screenshot });
        await page.keyboard.press("Escape");
      }
    },
  ],
  [
    "filters narrow the list and show in the URL",
    async () => {
      await page.type("input[name=event]", "qr.*");
      await wait(() => {
        const events = [...document.querySelectorAll("#deliveries td.event")].map(
          (td) => td.textContent,
        );
        const url = new URLSearchParams(location.search);
        return (
          events.length === 2 &&
          events.every((e) => e === "qr.scanned") &&
          url.get("event") === "qr.*"
        );
      }, "the list to narrow to event qr.* (2 rows), and the URL to say so");
      // Live rows too: one outside the filter, then one in it.
      await send("link.clicked", "--id", "msg_hidden");
      await send("qr.scanned", "--id", "msg_shown");
      await rowShown("msg_shown", "received");
      check(
        !(await rows()).some((r) => r.id === "msg_hidden"),
        "a live row outside the filter shows",
      );
      await page.select("select[name=kind]", "received");
      await wait(() => {
        const kinds = [...document.querySelectorAll("#deliveries tbody tr")].map(
          (tr) => tr.cells[1].textContent,
        );
        const url = new URLSearchParams(location.search);
        return (
          kinds.length === 2 &&
          kinds.every((k) => k === "received") &&
          url.get("kind") === "received"
        );
      }, "the list to narrow to received qr.* (2 rows), and the URL to say so");

      // A shared view: the filters come from the URL.
      await load("?verified=false&status=401");
      check(
        (await page.$eval("select[name=verified]", (s) => s.value)) === "false",
        "the form does not show verified=false",
      );
      const { deliveries } = await api("api/deliveries?verified=false&status=401");
      const shown = (await rows()).map((r) => r.recordId);
      check(
        shown.length === 2 &&
          same(
            shown,
            deliveries.map((d) => d.record_id),
          ),
        `the view lists ${shown}`,
      );

      // Free text runs on the server: live rows come through a new first page.
      await load("?q=needle-in-a-header");
      await wait(
        () => document.querySelector("#list-message").textContent.startsWith("No delivery"),
        "an empty search",
      );
      await send("link.clicked", "--id", "msg_needle", "-H", "X-Tag: needle-in-a-header");
      await rowShown("msg_needle", "received");
      check(
        (await rows()).every((r) => r.id === "msg_needle"),
        "the search shows other rows",
      );

      // Older pages come with "Load more".
      await send("link.clicked", "--count", "55", "--no-store", "--quiet");
      await load("?event=link.clicked&kind=received");
      await wait(
        () =>
          document.querySelectorAll("#deliveries tbody tr").length === 50 &&
          !document.querySelector("#more").hidden,
        "a first page of 50, and Load more",
      );
      await page.click("#more");
      const all = (await api("api/deliveries?event=link.clicked&kind=received&limit=500"))
        .deliveries;
      await wait(
        (n) =>
          document.querySelectorAll("#deliveries tbody tr").length === n &&
          document.querySelector("#more").hidden,
        `all ${all.length} rows after Load more`,
        all.length,
      );
      check(
        same(
          (await rows()).map((r) => r.recordId),
          all.map((d) => d.record_id),
        ),
        "the rows after Load more are not the API's",
      );
    },
  ],
  [
    "the detail shows exact headers and body",
    async () => {
      await writeFile(path.join(dir, "body.json"), DETAIL_BODY);
      await load();
      await send(
        "--file",
        path.join(dir, "body.json"),
        "--id",
        "msg_detail",
        "-H",
        "X-Custom: one 'two'",
      );
      const recordId = await rowShown("msg_detail", "received");
      // From the keyboard: / searches, Escape leaves, j moves down, Enter opens.
      await page.keyboard.press("/");
      check(
        await page.evaluate(() => document.activeElement?.name === "q"),
        "/ does not focus the search",
      );
      await page.keyboard.press("Escape");
      const index = (await rows()).findIndex((r) => r.recordId === recordId);
      for (let i = 0; i <= index; i++) {
        await page.keyboard.press("j");
      }
      await page.keyboard.press("Enter");
      await detailShown(recordId);
      check(
        new URL(page.url()).searchParams.get("record") === recordId,
        "the URL does not name the open record",
      );

      const received = await api(`api/deliveries/${recordId}`);
      const headers = await page.$$eval("#headers tr", (trs) =>
        trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]),
      );
      check(
        same(headers, received.headers),
        `headers shown ${JSON.stringify(headers)}, received ${JSON.stringify(received.headers)}`,
      );
      check(
        headers.some(([name, value]) => name === "X-Custom" && value === "one 'two'"),
        "X-Custom is missing",
      );
      check(
        (await text("#summary")).includes(received.reason),
        "the verification reason is not shown",
      );
      const keys = await page.$$eval("#body-pretty .j-key", (spans) =>
        spans.map((s) => s.textContent),
      );
      check(
        same(keys, ['"event"', '"b"', '"2"', '"big"', '"nested"', '"list"', '"deep"', '"text"']),
        `pretty keys ${keys}`,
      );
      const numbers = await page.$$eval("#body-pretty .j-number", (spans) =>
        spans.map((s) => s.textContent),
      );
      check(
        numbers.includes("12345678901234567890") && numbers.includes("2.50"),
        `pretty numbers ${numbers}`,
      );
      await page.click("#body-pretty summary"); // folds the whole body
      check(!(await page.$eval("#body-pretty details", (d) => d.open)), "the body does not fold");
      await page.click("#body-pretty summary");
      await page.click("#raw-toggle");
      check(await page.$eval("#body-raw", (pre) => !pre.hidden), "the raw view does not show");
      check((await text("#body-raw")) === DETAIL_BODY, "the raw body is not the bytes sent");
      await page.click("#raw-toggle");
    },
  ],
  [
    "copy as curl reproduces the delivery",
    async () => {
      // The detail of msg_detail is open.
      await setTarget(target.first.listening);
      await page.click("#copy-curl"); // headless, the clipboard may be out of reach: the page says so
      await wait(
        () => document.querySelector("#action-result").textContent,
        "copy as curl to answer",
      );
      const resent = await runCurl("msg_detail");
      check(resent.verified && resent.status === 200, `the target says ${JSON.stringify(resent)}`);
      check(
        (await storedByTarget("msg_detail")).body === DETAIL_BODY,
        "the target got other bytes",
      );

      // Bytes that are not UTF-8 go as base64. The listener stores them, though not JSON.
      const latin1 = Buffer.from('{"event":"link.clicked","name":"caf\xe9"}', "latin1");
      await writeFile(path.join(dir, "latin1.json"), latin1);
      const signed = await linkhook(
        "sign",
        "--secret",
        secret,
        "--id",
        "msg_latin1",
        "--json",
        path.join(dir, "latin1.json"),
      );
      const headers = { ...JSON.parse(signed.stdout).headers, "Content-Type": "application/json" };
      await request(inspected.first.listening, { method: "POST", headers, body: latin1 });
      await openDetail(await rowShown("msg_latin1", "received"));
      check((await text("#body-note")).includes("Not UTF-8"), "the body is not said to be bytes");
      check((await text("#body-raw")).includes("63 61 66 e9"), "the hex view is missing the bytes");
      check(
        (await text("#curl-command")).includes("base64 -d"),
        "the curl command does not decode base64",
      );
      await runCurl("msg_latin1");
      check(
        (await storedByTarget("msg_latin1")).body_base64 === latin1.toString("base64"),
        "the target got other bytes",
      );
    },
  ],
  [
    "replay works",
    async () => {
      await openDetail((await recordOf("msg_seed_1", "received")).record_id);
      await setTarget(target.first.listening);
      await page.click("#replay");
      await wait(() => document.querySelector("#action-result").dataset.ok, "the replay's answer");
      const result = await page.$eval("#action-result", (p) => ({
        ok: p.dataset.ok,
        text: p.textContent,
      }));
      check(
        result.ok === "true" && result.text.includes("HTTP 200"),
        `the replay shows: ${result.text}`,
      );
      const replayed = await waitForLine(
        target,
        (line) => line.id === "msg_seed_1",
        "the replay at the target",
      );
      check(replayed.verified, `the target did not verify the replay: ${replayed.reason}`);
    },
  ],
  [
    "an XSS payload stays inert",
    async () => {
      // Markup in the event name, the webhook-id, a header and the body.
      await writeFile(
        path.join(dir, "hostile.json"),
        JSON.stringify({ event: XSS, data: { html: XSS, script: XSS_SCRIPT } }),
      );
      await send(
        "--file",
        path.join(dir, "hostile.json"),
        "--id",
        XSS_SCRIPT,
        "-H",
        `X-Note: ${XSS}`,
      );
      await openDetail(await rowShown(XSS_SCRIPT, "received"));
      await page.click("#raw-toggle");
      await page.click("#actions summary"); // shows the curl command
      const dom = await page.evaluate(() => ({
        xss: window.__xss,
        images: [...document.images].map((img) => img.getAttribute("src")),
        scripts: [...document.scripts].map((script) => script.getAttribute("src")),
        text: document.body.textContent,
      }));
      check(dom.xss === undefined, "a payload ran script");
      check(
        same(dom.images, ["favicon.svg"]) && same(dom.scripts, ["app.js"]),
        `markup from a payload entered the page: ${JSON.stringify(dom)}`,
      );
      check(
        dom.text.includes(XSS) && dom.text.includes(XSS_SCRIPT),
        "the payload's markup does not show as text",
      );
    },
  ],
  [
    "a rebinding request gets 403",
    async () => {
      // A page elsewhere whose name resolves to 127.0.0.1 sends its own name as Host.
      const url = new URL(inspector);
      const rebound = await request(new URL("api/deliveries", url), {
        headers: { Host: `evil.example:${url.port}` },
      });
      check(
        rebound.status === 403 && rebound.json?.error,
        `Host evil.example got ${rebound.status}`,
      );
      const index = await request(url, { headers: { Host: "evil.example" } });
      check(index.status === 403, `the page for Host evil.example got ${index.status}`);
      const { record_id } = await recordOf("msg_seed_1", "received");
      const crossSite = await request(new URL(`api/deliveries/${record_id}/replay`, url), {
        method: "POST",
        headers: { Origin: "http://evil.example", "Content-Type": "application/json" },
        body: JSON.stringify({ url: target.first.listening }),
      });
      check(crossSite.status === 403, `a POST from Origin evil.example got ${crossSite.status}`);
      check(
        (await request(new URL("api/deliveries", url))).status === 200,
        "the inspector's own Host is refused",
      );
    },
  ],
  [
    "the diff view shows what changed between two deliveries",
    async () => {
      const same_seed = ["link.clicked", "--seed", "5"];
      await send(...same_seed, "--id", "msg_diff_a", "--set", "data.click.country=US");
      await send(...same_seed, "--id", "msg_diff_b", "--set", "data.click.country=FR");
      const a = await rowShown("msg_diff_a", "received");
      const b = await rowShown("msg_diff_b", "received");
      await openDetail(a);
      await page.click("#mark");
      await openDetail(b);
      await page.click("#diff-marked");
      await wait(() => !document.querySelector("#diff").hidden, "the diff table");
      const shown = await page.$$eval("#diff-rows tr", (trs) =>
        trs.map((tr) => [...tr.cells].map((cell) => cell.textContent)),
      );
      check(
        shown.some((r) => same(r, ["header webhook-id", "msg_diff_a", "msg_diff_b"])),
        `no webhook-id row in ${JSON.stringify(shown)}`,
      );
      check(
        shown.some((r) => same(r, ["data.click.country", '"US"', '"FR"'])),
        `no country row in ${JSON.stringify(shown)}`,
      );
      // The page shows what `linkhook store diff` says: the same code.
      const cli = await linkhook(
        "store", "diff", "msg_diff_a", "msg_diff_b", "--kind", "received", "--json",
        "--store", storeA,
      );
      check(cli.code === 1, `store diff exited ${cli.code}: ${cli.stderr}`);
      const { a: _a, b: _b, ...api_diff } = await api(`api/diff?a=${a}&b=${b}`);
      check(same(api_diff, JSON.parse(cli.stdout)), "api/diff and store diff --json disagree");
    },
  ],
  [
    "a replay's attempts show on a timeline",
    async () => {
      const refused = ["--url", "http://127.0.0.1:1/", "--max-attempts", "3"];
      await linkhook("replay", "msg_seed_1", ...refused, "--store", storeA, "--secret", secret);
      const newest = await wait(() => {
        const row = document.querySelector("#deliveries tbody tr");
        return row?.cells[1].textContent === "attempt" && row.dataset.id;
      }, "the replay's record, live");
      await openDetail(await newest.jsonValue());
      await wait(
        () => document.querySelectorAll("#timeline li").length === 3,
        "3 attempts on the timeline",
      );
      const decisions = await page.$$eval("#timeline .decision", (spans) =>
        spans.map((s) => s.textContent),
      );
      check(
        same(decisions, ["retry in 5s", "retry in 5m", "gave up"]),
        `the timeline says ${decisions}`,
      );
    },
  ],
];

async function main() {
  dir = await mkdtemp(path.join(os.tmpdir(), "linkhook-browser-"));
  process.env.LINKHOOK_STORE = path.join(dir, "default"); // never the user's own store
  secret = (await linkhook("secret")).stdout.trim();
  storeA = path.join(dir, "a");
  storeB = path.join(dir, "b");
  const listen = ["listen", "--port", "0", "--json", "--secret", secret, "--timeout", "120"];
  inspected = await serve(
    ...listen,
    "--store",
    storeA,
    "--inspect",
    "--inspect-addr",
    "127.0.0.1:0",
  );
  target = await serve(...listen, "--store", storeB);
  inspector = inspected.first.inspector;

  // Stored before the page opens: two deliveries, and one signed with another secret (401).
  await send("link.clicked", "--id", "msg_seed_1");
  await send("qr.scanned", "--id", "msg_seed_2");
  const stranger = (await linkhook("secret")).stdout.trim();
  await linkhook(
    "send",
    "link.created",
    "--id",
    "msg_forged",
    "--url",
    inspected.first.listening,
    "--secret",
    stranger,
    "--store",
    storeA,
  );

  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  page = await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.setViewport({ width: 1280, height: 800 });
  page.on(
    "console",
    (message) => message.type() === "error" && errors.push(`console: ${message.text()}`),
  );
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });

  for (const [name, run] of cases) {
    try {
      await run();
    } catch (error) {
      throw error instanceof Failure ? new Failure(`${name}: ${error.message}`) : error;
    }
    check(!errors.length, `${name}: errors in the page`);
    console.log(`ok - ${name}`);
  }
}

async function stop() {
  await browser?.close().catch(() => {});
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return null;
      }
      const ended = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 3000);
      return ended.finally(() => clearTimeout(force));
    }),
  );
  if (dir) {
    await rm(dir, { recursive: true, force: true });
  }
}

let status = 0;
try {
  await withTimeout(main(), "the whole test", TOTAL_MS);
} catch (error) {
  status = 1;
  console.error(`FAIL - ${error instanceof Failure ? error.message : error.stack}`);
  // What the page showed then.
  const shown = await page
    ?.evaluate(
      () =>
        `${location.href} said: ${document.querySelector("#connection").textContent}; ${document.querySelector("#list-message").textContent}`,
    )
    .catch(() => null);
  if (shown) {
    console.error(`  the page at ${shown}`);
  }
  if (errors.length) {
    console.error(`  errors in the page:\n    ${errors.join("\n    ")}`);
  }
} finally {
  await stop();
}
process.exit(status);
