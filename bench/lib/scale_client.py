"""Item 6: probe many distinct targets on a schedule, like one Prometheus with a 15 s interval.

Target i (of N) is first probed at i * interval / N and then every interval, for `duration`
seconds. Each probe is timed from the request to the last byte of the answer. A probe fails when
the answer is not 200 or its dtr_up is not 1. Every `sample` seconds the exporter's established
TLS connections to the targets' ports are counted with ss.

Usage: scale_client.py EXPORTER_PORT MODULE FIRST_PORT N INTERVAL DURATION TAIL OUT.json
"""
import collections, http.client, json, re, subprocess, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

exporter_port, module, first_port, n, interval, duration, tail, out = sys.argv[1:9]
exporter_port, first_port, n = int(exporter_port), int(first_port), int(n)
interval, duration, tail = float(interval), float(duration), float(tail)
last_port = first_port + n - 1

local = threading.local()
results = []  # (target index, scheduled offset, lateness s, latency s, status, up)
reasons = collections.Counter()  # "api/reason" of the failed calls, from dtr_api_error_info
ERROR_INFO = re.compile(rb'^dtr_api_error_info\{api="([^"]*)",reason="([^"]*)"\}', re.M)
lock = threading.Lock()


def probe(i, due):
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = http.client.HTTPConnection("127.0.0.1", exporter_port, timeout=30)
    path = "/probe?module=%s&target=https://127.0.0.1:%d" % (module, first_port + i)
    start = time.monotonic()
    status, up = 0, False
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        status, up = response.status, (b"\ndtr_up 1" in body)
        if not up:
            with lock:
                reasons.update("%s/%s" % (api.decode(), reason.decode()) for api, reason in ERROR_INFO.findall(body))
    except Exception as e:  # a broken connection: count the probe as failed, reconnect next time
        local.conn = None
        conn.close()
        print("probe %d failed: %r" % (i, e), file=sys.stderr)
    latency = time.monotonic() - start
    with lock:
        results.append((i, due - t0, start - due, latency, status, up))


def count_connections():
    out = subprocess.run(["ss", "-Htn", "state", "established",
                          "( dport >= :%d and dport <= :%d )" % (first_port, last_port)],
                         capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line.strip())


samples = []
stop_sampling = threading.Event()


def sampler():
    while not stop_sampling.is_set():
        samples.append((round(time.monotonic() - t0, 1), count_connections()))
        stop_sampling.wait(5)


# Like Prometheus, start every probe on time however long the others take: plenty of workers.
pool = ThreadPoolExecutor(max_workers=1024)
t0 = time.monotonic() + 0.5
t0_epoch = time.time() + (t0 - time.monotonic())  # for nginx's $msec (tls_rounds.py)
threading.Thread(target=sampler, daemon=True).start()
schedule = sorted((k * interval + i * interval / n, i) for i in range(n)
                  for k in range(int(duration / interval + 0.5)))
for offset, i in schedule:
    due = t0 + offset
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    pool.submit(probe, i, due)
pool.shutdown(wait=True)
load_end = time.monotonic() - t0
time.sleep(tail)  # how the pool looks once the probes stop
stop_sampling.set()
samples.append((round(time.monotonic() - t0, 1), count_connections()))

latencies = sorted(r[3] for r in results)
later = sorted(r[3] for r in results if r[1] >= interval)  # rounds 2 on
failed = sum(1 for r in results if r[4] != 200 or not r[5])


def pct(p, values=latencies):
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def by_round():
    """Per round of `interval` seconds: a cold start (JIT, first TLS handshakes) shows in the first rounds."""
    rounds = collections.defaultdict(list)
    for r in results:
        rounds[int(r[1] // interval) + 1].append(r)
    return [{"round": k, "failed": sum(1 for r in rs if r[4] != 200 or not r[5]),
             "p99_ms": round(sorted(r[3] for r in rs)[int(0.99 * (len(rs) - 1))] * 1000),
             "over_10s": sum(1 for r in rs if r[3] > 10)} for k, rs in sorted(rounds.items())]


summary = {
    "targets": n, "interval_s": interval, "duration_s": duration, "probes": len(results), "failed": failed,
    "p50_ms": pct(0.50) * 1000, "p99_ms": pct(0.99) * 1000, "max_ms": (latencies[-1] if latencies else 0) * 1000,
    "p99_ms_after_round_1": pct(0.99, later) * 1000,
    "max_lateness_ms": max((r[2] for r in results), default=0) * 1000,
    # Prometheus' default scrape_timeout, and the probe's deadline (the bench module's 10 s timeout)
    "over_10s": sum(1 for r in results if r[3] > 10),
    "failure_reasons": dict(reasons),
    "statuses": dict(collections.Counter(str(r[4]) for r in results if r[4] != 200)),
    "by_round": by_round(),
    "load_end_s": round(load_end, 1),
    "t0_epoch": t0_epoch,
    "connections": samples,
    "connections_max_under_load": max((c for t, c in samples if t <= load_end), default=0),
    "connections_after_tail": samples[-1][1],
    "tail_s": round(samples[-1][0] - load_end, 1),
}
with open(out, "w") as f:
    json.dump(summary, f, indent=1)
print(json.dumps({k: v for k, v in summary.items() if k != "connections"}))
print("connections over time (s, established):", " ".join("%s:%d" % s for s in samples))
