"""CPU time of a JVM's threads, grouped by name (numbers stripped), between two snapshots.

Usage: threads_cpu.py snapshot PID OUT.json     (take a snapshot)
       threads_cpu.py diff BEFORE.json AFTER.json SECONDS
       threads_cpu.py share BEFORE.json AFTER.json GROUP   (GROUP's percentage of the CPU between them)
Threads tell the phases apart: dtr-call = HTTP client, TLS and JSON parsing; XNIO-1 task =
mapping to metrics, rendering and writing the answer; VM Thread = the serial collector;
C1/C2 CompilerThread = the JIT.
"""
import glob, json, os, re, sys

TICK = os.sysconf("SC_CLK_TCK")


def snapshot(pid):
    groups = {}
    for task in glob.glob("/proc/%s/task/*" % pid):
        try:
            comm = open(task + "/comm").read().strip()
            fields = open(task + "/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a thread that just ended
        group = re.sub(r"[-\s]?\d+$", "", comm) or comm
        groups[group] = groups.get(group, 0) + (int(fields[11]) + int(fields[12])) / TICK
    return groups


def used(before_file, after_file):
    before, after = json.load(open(before_file)), json.load(open(after_file))
    return {g: after[g] - before.get(g, 0) for g in after}


if sys.argv[1] == "snapshot":
    json.dump(snapshot(sys.argv[2]), open(sys.argv[3], "w"))
elif sys.argv[1] == "share":
    cpu = used(sys.argv[2], sys.argv[3])
    print("%.1f" % (100 * cpu.get(sys.argv[4], 0) / (sum(cpu.values()) or 1)))
else:
    seconds = float(sys.argv[4])
    by_group = used(sys.argv[2], sys.argv[3])
    total = sum(by_group.values()) or 1
    print("CPU by thread group: %.1f cores busy on average over %.0f s" % (total / seconds, seconds))
    for group, cpu in sorted(by_group.items(), key=lambda kv: -kv[1])[:8]:
        print("    %5.1f%%  %-20s %.2f cores" % (100 * cpu / total, group, cpu / seconds))
