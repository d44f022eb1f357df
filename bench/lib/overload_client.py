"""Figure 7, overload (issue 14's goal 1): closed-loop clients probing the exporter at once.

Each GROUP's clients probe its path, each on its own keep-alive connection, sending the next
probe when the previous answer arrives, until SECONDS have passed; a probe in flight then still
gets up to CLIENT_TIMEOUT seconds (well above every deadline, so that late answers are measured,
not cut). Meanwhile /metrics is fetched every METRICS_EVERY seconds (the next fetch starts when
the previous one ends if it took longer), and the exporter's thread count is read from
/proc/PID/status every 0.1 s. An answer is late when it came after its group's DEADLINE + 0.5 s
(or not within CLIENT_TIMEOUT). The client's own CPU (it is one Python process: at ~100 % of a
core it would be the bottleneck) is reported too.

Usage: overload_client.py EXPORTER_PORT PID SECONDS CLIENT_TIMEOUT METRICS_EVERY OUT.json GROUP...
       GROUP = name:clients:deadline_s:path, e.g. healthy:240:10:/probe?module=bench&target=https://...
"""
import collections, http.client, json, os, sys, threading, time

exporter_port, pid, seconds, client_timeout, metrics_every, out = sys.argv[1:7]
exporter_port, seconds, client_timeout, metrics_every = int(exporter_port), float(seconds), float(client_timeout), float(metrics_every)
groups = [dict(zip(("name", "clients", "deadline_s", "path"), g.split(":", 3))) for g in sys.argv[7:]]
GRACE_S = 0.5  # issue 14: no answer later than the deadline + 0.5 s

lock = threading.Lock()
answers = []  # (group, latency s, status, up); status 0: no answer (reason in errors)
errors = collections.Counter()
metrics_latencies = []
thread_samples = []  # (s since start, threads)


def fetch(conn, path):
    """(status, body) of one GET on a keep-alive connection; raises on a broken or timed-out one."""
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def client(group):
    conn = None
    while time.monotonic() < end:
        conn = conn or http.client.HTTPConnection("127.0.0.1", exporter_port, timeout=client_timeout)
        start = time.monotonic()
        try:
            status, body = fetch(conn, group["path"])
            up = b"\ndtr_up 1" in body
        except Exception as e:  # no answer within the client's timeout, or a broken connection
            status, up = 0, False
            conn.close()
            conn = None
            with lock:
                errors["%s: %s" % (group["name"], type(e).__name__)] += 1
        with lock:
            answers.append((group["name"], time.monotonic() - start, status, up))


def metrics_poller():
    conn = None
    while time.monotonic() < end:
        conn = conn or http.client.HTTPConnection("127.0.0.1", exporter_port, timeout=client_timeout)
        start = time.monotonic()
        try:
            status, _ = fetch(conn, "/metrics")
        except Exception:
            status = 0
            conn.close()
            conn = None
        latency = time.monotonic() - start
        metrics_latencies.append((latency, status))
        time.sleep(max(0.0, metrics_every - latency))


def thread_poller():
    while time.monotonic() < end + client_timeout and not done.is_set():
        try:
            with open("/proc/%s/status" % pid) as f:
                threads = next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
        except (OSError, StopIteration):
            break  # the exporter has gone
        thread_samples.append((round(time.monotonic() - t0, 1), threads))
        done.wait(0.1)


done = threading.Event()
cpu0, t0 = os.times(), time.monotonic()
end = t0 + seconds
workers = [threading.Thread(target=client, args=(g,), daemon=True) for g in groups for _ in range(int(g["clients"]))]
workers.append(threading.Thread(target=metrics_poller, daemon=True))
poller = threading.Thread(target=thread_poller, daemon=True)
poller.start()
for w in workers:
    w.start()
for w in workers:
    w.join(max(0.0, end + client_timeout + 1 - time.monotonic()))
wall = time.monotonic() - t0
cpu1 = os.times()
done.set()
poller.join()


def median(values):
    return round(values[len(values) // 2], 3) if values else 0


def group_summary(g):
    mine = [a for a in answers if a[0] == g["name"]]
    late_after = float(g["deadline_s"]) + GRACE_S
    refused = sorted(a[1] for a in mine if a[2] == 503)
    admitted = sorted(a[1] for a in mine if a[2] == 200)
    return {
        "clients": int(g["clients"]), "deadline_s": float(g["deadline_s"]), "probes": len(mine),
        "per_s": round(len(mine) / seconds, 1),
        "statuses": dict(collections.Counter(str(a[2]) for a in mine)),
        "up": sum(1 for a in mine if a[2] == 200 and a[3]),
        "admitted_not_up": sum(1 for a in mine if a[2] == 200 and not a[3]),
        "late": sum(1 for a in mine if a[1] > late_after or a[2] == 0),
        "max_latency_s": round(max((a[1] for a in mine), default=0), 3),
        "refused": len(refused), "max_refusal_s": round(max(refused, default=0), 3),
        "median_refusal_s": median(refused), "median_200_s": median(admitted),
    }


summary = {
    "seconds": seconds, "client_timeout_s": client_timeout,
    "groups": {g["name"]: group_summary(g) for g in groups},
    "errors": dict(errors),
    "metrics_polls": len(metrics_latencies),
    "metrics_failed": sum(1 for _, s in metrics_latencies if s != 200),
    "metrics_max_s": round(max((l for l, _ in metrics_latencies), default=0), 3),
    "metrics_over_1s": sum(1 for l, _ in metrics_latencies if l > 1),
    "threads_max": max((n for _, n in thread_samples), default=0),
    "threads_over_time": thread_samples[::10],
    "client_cpu_pct_of_a_core": round(100 * (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / wall, 1),
    "wall_s": round(wall, 1),
}
for key in ("probes", "late", "refused"):
    summary[key] = sum(s[key] for s in summary["groups"].values())
summary["max_latency_s"] = max((s["max_latency_s"] for s in summary["groups"].values()), default=0)
summary["max_refusal_s"] = max((s["max_refusal_s"] for s in summary["groups"].values()), default=0)
with open(out, "w") as f:
    json.dump(summary, f, indent=1)
print(json.dumps({k: v for k, v in summary.items() if k != "threads_over_time"}))
