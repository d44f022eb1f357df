"""Figure 6: the TLS connections nginx saw during the scale test, in all and per round.

Reads nginx's `conns` log lines ($pid $connection $connection_requests $ssl_session_reused $msec
...). A connection is new on its first request ($connection_requests 1); a round is INTERVAL
seconds of request time from T0 (epoch seconds, when the scale client's schedule started), the
last round taking whatever ends after it (the answers of its late probes).
Usage: tls_rounds.py ACCESS_LOG T0 INTERVAL ROUNDS OUT.json
"""
import json, sys

log, t0, interval, rounds, out = sys.argv[1:6]
t0, interval, rounds = float(t0), float(interval), int(rounds)
by_round = [{"round": k + 1, "calls": 0, "new": 0, "resumed": 0} for k in range(rounds)]
connections, resumed = set(), 0
with open(log) as f:
    for line in f:
        pid, connection, requests, reused, msec = line.split()[:5]
        connections.add((pid, connection))
        r = by_round[min(rounds - 1, max(0, int((float(msec) - t0) // interval)))]
        r["calls"] += 1
        if requests == "1":
            r["new"] += 1
            r["resumed"] += reused == "r"
            resumed += reused == "r"
for r in by_round:
    r["new_pct"] = round(100 * r["new"] / (r["calls"] or 1), 2)
with open(out, "w") as f:
    json.dump({"connections": len(connections), "resumed": resumed, "by_round": by_round}, f, indent=1)
