"""Derives the benchmark's JFR settings from the JDK's profile.jfc: CPU samples every 2 ms, and
every new TLAB and outside-TLAB allocation recorded (allocation volume by stack).

Usage: jfc.py PROFILE.jfc OUT.jfc
"""
import re, sys

s = open(sys.argv[1]).read()
s = re.sub(r'(<event name="jdk.ExecutionSample">.*?<setting name="period"[^>]*>)[^<]*', r'\g<1>2 ms', s, flags=re.S)
for event in ("jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB"):
    s = re.sub(r'(<event name="%s">\s*<setting name="enabled"[^>]*>)false' % event, r'\g<1>true', s)
open(sys.argv[2], "w").write(s)
