"""bench/inspect's body (run it through bench/inspect, which builds linkhook first).

Measures the inspector against issue 17's goals, side by side in one run:
1. stores of 10,000, 100,000 and 1,000,000 records (a store filled by a real listener, its frames
   repeated): the first page of api/deliveries?limit=50, filtered pages, a text search, and the
   inspector's peak RSS; the same queries against an SQLite table of the same records, as
   Mailpit's API answers its pages from SQLite (a table made by Debian's sqlite3, queried here);
2. while a listener takes 1,000 deliveries/s, how long a new delivery takes to reach api/stream
   (from the listener's timestamp of the record to the event's arrival), p50 and p99;
3. what --inspect (with a page's stream open) costs a store-on listener's throughput;
4. `store list --limit 50` at each size: with the store's index (written by a real writer: one
   record imported after the frames are repeated), and with the index removed (a whole scan).
Prints a table and, with BENCH_TABLE, appends its rows for bench/all.
"""

import calendar
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

LINKHOOK = sys.argv[1]
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks documentation's test key
OTHER = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
HEADER = 24  # the store log's header: magic, format u16, end u48, generation u64
TMP = tempfile.mkdtemp(prefix="bench-inspect-")
PROCESSES = []
ROWS = []


def say(text):
    print(f"==> {text}", file=sys.stderr, flush=True)


def start(args, first_line_timeout=60):
    """Starts linkhook with args; returns the process and its first stdout line (its URL)."""
    process = subprocess.Popen([LINKHOOK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    PROCESSES.append(process)
    result = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()))
    reader.start()
    reader.join(first_line_timeout)
    if not result or not result[0]:
        process.kill()
        sys.exit(f"linkhook {args[0]} did not start: {process.stderr.read()[:500]}")
    threading.Thread(target=process.stdout.read, daemon=True).start()  # never blocks it
    return process, result[0].strip()


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def peak_rss_mb(process):
    with open(f"/proc/{process.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def send(url, secret, count, *extra, rejected=False):
    """Sends every event `count` times; exits 1 when the listener rejects them, as meant with
    `rejected`."""
    done = subprocess.run([LINKHOOK, "send", "*", "--count", str(count), "--url", url, "--secret",
                           secret, "--no-store", "--quiet", *extra], stdout=subprocess.DEVNULL)
    if done.returncode != (1 if rejected else 0):
        sys.exit(f"send to {url} exited {done.returncode}")


def fill_base(count):
    """A store filled by a real listener: every event, one in ten rejected (a wrong secret)."""
    store = os.path.join(TMP, "base")
    listener, line = start(["listen", "--port", "0", "--json", "--quiet", "--secret", SECRET,
                            "--store", store])
    url = json.loads(line)["listening"]
    rejected = count // 10
    # "*" cycles through the 13 events, --count times each.
    send(url, SECRET, (count - rejected) // 13, "--concurrency", "8")
    send(url, OTHER, rejected // 13, "--concurrency", "8", rejected=True)
    stop(listener)
    return store


def repeat_store(base, count):
    """A store of `count` records: the base store's frames repeated (frames do not depend on where
    they sit), with the header's end moved past them."""
    with open(os.path.join(base, "events.log"), "rb") as log:
        data = log.read()
    end = int.from_bytes(data[10:16], "little")
    frames, offset = [], HEADER
    while offset < end:
        length = struct.unpack_from("<I", data, offset + 8)[0]
        frames.append(data[offset:offset + 16 + length])
        offset += 16 + length
    store = os.path.join(TMP, f"store-{count}")
    os.makedirs(store, mode=0o700)
    path = os.path.join(store, "events.log")
    written = 0
    with open(path, "wb") as out:
        out.write(data[:HEADER])
        block = b"".join(frames)
        while written + len(frames) <= count:
            out.write(block)
            written += len(frames)
        for frame in frames[:count - written]:
            out.write(frame)
        size = out.tell()
    with open(path, "r+b") as out:
        out.seek(10)
        out.write(size.to_bytes(6, "little"))
    os.chmod(path, 0o600)
    return store


def index_store(base, store):
    """Appends one record of the base store through `store import`: its writer scans the log it
    has not seen and writes the index of it, as a listener's first append would."""
    record = json.loads(subprocess.run([LINKHOOK, "store", "export", "--store", base, "--limit",
                                        "1"], check=True, capture_output=True).stdout)
    record["id"] = "msg_index_written_by_import"  # import skips what the store holds already
    record = json.dumps(record).encode() + b"\n"
    subprocess.run([LINKHOOK, "store", "import", "--store", store, "--quiet", "-"], input=record,
                   check=True)
    if not os.path.exists(os.path.join(store, "events.idx")):
        sys.exit("store import wrote no index")


def timed_list(store, repeat=5):
    """The median wall time of `store list --limit 50 --json`, in ms (a whole process each)."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        out = subprocess.run([LINKHOOK, "store", "list", "--store", store, "--limit", "50",
                              "--json"], check=True, capture_output=True).stdout
        times.append((time.perf_counter() - began) * 1000)
        if len(out.splitlines()) != 50:
            sys.exit(f"store list --limit 50 printed {len(out.splitlines())} lines")
    return statistics.median(times)


def timed_get(connection, path, repeat):
    """The median wall time of `repeat` GETs of path on a kept-alive connection, in ms, and the
    last answer."""
    times, body = [], b""
    for _ in range(repeat):
        began = time.perf_counter()
        connection.request("GET", path)
        answer = connection.getresponse()
        body = answer.read()
        times.append((time.perf_counter() - began) * 1000)
        if answer.status != 200:
            sys.exit(f"GET {path}: {answer.status} {body[:200]}")
    return statistics.median(times), json.loads(body)


QUERIES = [  # (name, api query, SQL condition)
    ("first page", "limit=50", ""),
    ("event=qr.*", "event=qr.%2A&limit=50", "WHERE event GLOB 'qr.*'"),
    ("verified=false", "verified=false&limit=50", "WHERE verified = 0"),
    ("q=text", "q=Chrome&limit=50", "WHERE body LIKE '%Chrome%'"),
]


def measure_inspector(store, count):
    began = time.perf_counter()
    inspector, line = start(["inspect", "--store", store, "--addr", "127.0.0.1:0"], 120)
    startup = (time.perf_counter() - began) * 1000
    host, port = re.match(r"http://([^:/]+):(\d+)/", line).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    results = {}
    for name, query, _ in QUERIES:
        repeat = 5 if name.startswith("q=") else 21
        ms, answer = timed_get(connection, f"/api/deliveries?{query}", repeat)
        if len(answer["deliveries"]) != 50:
            sys.exit(f"{name}: {len(answer['deliveries'])} deliveries, not 50, of {count}")
        results[name] = ms
    # The last page's cursor, deep in the log: paging is as quick at its end.
    connection.close()
    rss = peak_rss_mb(inspector)
    stop(inspector)
    return startup, results, rss


def sqlite_table(store, count):
    """The same records in an SQLite table, indexed as a mail store's API would index them."""
    db = os.path.join(TMP, f"store-{count}.sqlite")
    export = subprocess.Popen([LINKHOOK, "store", "export", "--store", store],
                              stdout=subprocess.PIPE)
    rows = os.path.join(TMP, "rows.tsv")
    with open(rows, "w") as out:
        for record_id, line in enumerate(export.stdout, 1):
            r = json.loads(line)
            fields = [record_id, r.get("id", ""), r.get("event", ""), r.get("kind", ""),
                      r.get("status", 0), 1 if r.get("verified") else 0,
                      r.get("reason", ""), r.get("received_at", ""),
                      json.dumps(r.get("headers", [])), r.get("body", "")]
            out.write("\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields))
            out.write("\n")
    export.wait()
    script = f"""
CREATE TABLE deliveries(record_id INTEGER PRIMARY KEY, id TEXT, event TEXT, kind TEXT,
  status INTEGER, verified INTEGER, reason TEXT, at TEXT, headers TEXT, body TEXT);
.mode tabs
.import {rows} deliveries
CREATE INDEX by_event ON deliveries(event);
CREATE INDEX by_verified ON deliveries(verified);
"""
    subprocess.run(["sqlite3", db], input=script, text=True, check=True)
    os.remove(rows)
    return db


def measure_sqlite(db):
    """The median time of each query, the query alone (SQLite's library in this process: the
    sqlite3 shell's .timer rounds to a millisecond)."""
    results = {}
    connection = sqlite3.connect(db)
    for name, _, condition in QUERIES:
        sql = (f"SELECT record_id, id, event, kind, status, verified, reason, at FROM deliveries "
               f"{condition} ORDER BY record_id DESC LIMIT 50")
        times = []
        for _ in range(5 if name.startswith("q=") else 21):
            began = time.perf_counter()
            rows = connection.execute(sql).fetchall()
            times.append((time.perf_counter() - began) * 1000)
        if len(rows) != 50:
            sys.exit(f"sqlite {name}: {len(rows)} rows, not 50")
        results[name] = statistics.median(times)
    connection.close()
    return results


class StreamReader:
    """Reads api/stream and keeps, for each delivery event, how long after its record's time it
    arrived (ms)."""

    def __init__(self, inspector_url, measure=True):
        self.measure = measure
        host, port = re.match(r"http://([^:/]+):(\d+)/", inspector_url).groups()
        self.sock = socket.create_connection((host, int(port)), timeout=120)
        self.sock.sendall(f"GET /api/stream HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        self.latencies = []
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()
        if not self.opened.wait(10):
            sys.exit("api/stream sent nothing")

    def read(self):
        if not self.measure:  # as cheap a reader as can be: what the inspector costs is measured
            self.opened.set()
            while self.sock.recv(1 << 16):
                pass
            return
        for raw in self.sock.makefile("rb"):
            now = time.time()
            line = raw.decode()
            if line.startswith(": linkhook inspector"):
                self.opened.set()
            elif line.startswith("data: "):
                at = json.loads(line[6:])["at"]
                stamp = calendar.timegm(time.strptime(at[:19], "%Y-%m-%dT%H:%M:%S"))
                stamp += int(at[20:23]) / 1000
                self.latencies.append((now - stamp) * 1000)

    def close(self):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(10)
        self.sock.close()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


def stream_latency(count, rate):
    store = os.path.join(TMP, "live")
    listener, line = start(["listen", "--port", "0", "--json", "--quiet", "--secret", SECRET,
                            "--store", store, "--inspect", "--inspect-addr", "127.0.0.1:0"])
    urls = json.loads(line)
    reader = StreamReader(urls["inspector"])
    send(urls["listening"], SECRET, count // 13, "--rate", str(rate), "--concurrency", "4")
    deadline = time.time() + 30
    while len(reader.latencies) < (count // 13) * 13 and time.time() < deadline:
        time.sleep(0.05)
    reader.close()
    stop(listener)
    return reader.latencies


def listen_throughput(inspect, count, stream=True):
    store = os.path.join(TMP, f"throughput-{inspect}-{time.monotonic_ns()}")
    args = ["listen", "--port", "0", "--json", "--quiet", "--secret", SECRET, "--store", store]
    if inspect:
        args += ["--inspect", "--inspect-addr", "127.0.0.1:0"]
    listener, line = start(args)
    urls = json.loads(line)
    reader = StreamReader(urls["inspector"], measure=False) if inspect and stream else None
    out = subprocess.run([LINKHOOK, "send", "link.clicked", "--count", str(count), "--url",
                          urls["listening"], "--secret", SECRET, "--no-store", "--quiet", "--json",
                          "--concurrency", "16"], check=True, capture_output=True, text=True).stdout
    summary = json.loads(out.strip().splitlines()[-1])["summary"]
    if reader:
        reader.close()
    stop(listener)
    shutil.rmtree(store, ignore_errors=True)
    return summary["per_second"]


def row(what, mine, peer, ratio, goal, verdict):
    ROWS.append("\t".join([what, mine, peer, ratio, goal, verdict]))


def main():
    say(f"filling a store of {min(SIZES)} records through a listener")
    base = fill_base(min(SIZES))
    print(f"\ninspect: api/deliveries pages (median ms over HTTP, kept-alive) vs SQLite "
          f"(median ms, the query alone)   ({os.cpu_count()} cores, {time.strftime('%Y-%m-%d')})")
    print(f"{'records':>9} {'query':<16} {'linkhook':>9} {'sqlite':>9}  "
          f"{'start ms':>9} {'RSS MB':>7}")
    first_pages, worst_filtered, worst_rss, lists = {}, 0.0, 0.0, {}
    for count in SIZES:
        say(f"{count} records: the inspector")
        store = repeat_store(base, count - 1)
        index_store(base, store)
        startup, mine, rss = measure_inspector(store, count)
        say(f"{count} records: SQLite")
        db = sqlite_table(store, count)
        theirs = measure_sqlite(db)
        os.remove(db)
        for name, _, _ in QUERIES:
            print(f"{count:>9} {name:<16} {mine[name]:>9.2f} {theirs[name]:>9.2f}  "
                  f"{startup:>9.0f} {rss:>7.1f}")
        first_pages[count] = (mine["first page"], theirs["first page"])
        worst_filtered = max(worst_filtered, *(mine[n] for n, _, _ in QUERIES[1:]))
        worst_rss = max(worst_rss, rss)
        say(f"{count} records: store list --limit 50")
        indexed = timed_list(store)
        os.remove(os.path.join(store, "events.idx"))
        lists[count] = (indexed, timed_list(store))
        shutil.rmtree(store)
    print("\nstore list --limit 50 --json (median ms, the whole process): with the store's index "
          "and without it")
    for count, (indexed, scanned) in lists.items():
        print(f"{count:>9} records: {indexed:>8.1f} ms with the index, {scanned:>8.1f} ms "
              f"scanning the log ({scanned / indexed:.0f}x)")

    say("api/stream latency at 1,000 deliveries/s")
    latencies = stream_latency(13 * 385, 1000)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    print(f"\napi/stream: {len(latencies)} deliveries at 1,000/s: from the record's time to the "
          f"event's arrival p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms")

    say("listen throughput, store on, with and without --inspect (a stream open)")
    plain, idle, inspected = 0.0, 0.0, 0.0
    for _ in range(ROUNDS):
        plain = max(plain, listen_throughput(False, 20000))
        idle = max(idle, listen_throughput(True, 20000, stream=False))
        inspected = max(inspected, listen_throughput(True, 20000))
    print(f"listen (store on, 20,000 deliveries at concurrency 16): {plain:.0f}/s without "
          f"--inspect; with it {idle:.0f}/s with no page open ({idle / plain - 1:+.1%}), "
          f"{inspected:.0f}/s with a stream open ({inspected / plain - 1:+.1%})   (best of "
          f"{ROUNDS} rounds each, in turns)")

    largest, smallest = max(SIZES), min(SIZES)
    flat = first_pages[largest][0] <= max(2 * first_pages[smallest][0], first_pages[smallest][0] + 5)
    list_flat = lists[largest][0] <= max(2 * lists[smallest][0], lists[smallest][0] + 5)
    goals = [
        (f"first page at {largest}", f"{first_pages[largest][0]:.2f} ms",
         f"sqlite {first_pages[largest][1]:.2f} ms",
         f"{first_pages[largest][0] / max(first_pages[largest][1], 1e-3):.1f}x",
         "<= 50 ms, flat", first_pages[largest][0] <= 50 and flat),
        (f"store list --limit 50 at {largest}", f"{lists[largest][0]:.1f} ms",
         f"no index {lists[largest][1]:.1f} ms", f"{lists[largest][1] / lists[largest][0]:.0f}x",
         "flat", list_flat),
        ("worst filtered page", f"{worst_filtered:.1f} ms", "", "", "<= 1000 ms",
         worst_filtered <= 1000),
        ("inspector peak RSS", f"{worst_rss:.1f} MB", "", "", "<= 64 MB", worst_rss <= 64),
        ("api/stream p99 at 1,000/s", f"{p99:.1f} ms", "", "", "<= 100 ms", p99 <= 100),
        ("listen --inspect, no page open", f"{idle:.0f}/s", f"without {plain:.0f}/s",
         f"{idle / plain:.2f}x", ">= 0.9x", idle >= 0.9 * plain),
        ("listen --inspect, a stream open", f"{inspected:.0f}/s", f"without {plain:.0f}/s",
         f"{inspected / plain:.2f}x", ">= 0.9x", inspected >= 0.9 * plain),
    ]
    print("\ngoals:")
    for what, mine, peer, ratio, goal, ok in goals:
        print(f"  {what:<28} {mine:>12}  {goal:<16} {'PASS' if ok else 'FAIL'}")
        row(f"inspect: {what}", mine, peer, ratio, goal, "PASS" if ok else "FAIL")
    table = os.environ.get("BENCH_TABLE")
    if table:
        with open(table, "a") as out:
            out.write("\n".join(ROWS) + "\n")
    return 0 if all(ok for *_, ok in goals) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for p in PROCESSES:
            if p.poll() is None:
                p.kill()
        shutil.rmtree(TMP, ignore_errors=True)
