#!/usr/bin/python3
"""What /usr/bin/time -v said about each poll, from the kit's
RUNNER.SCENARIO.time files in one or more result dirs; prints markdown.
report.md has wall, CPU and peak RSS; this adds the file system traffic
(512-byte blocks, in MB), page faults and context switches."""
import glob, os, re, sys

FIELDS = {
    "user": "User time (seconds)",
    "sys": "System time (seconds)",
    "wall": "Elapsed (wall clock) time (h:mm:ss or m:ss)",
    "rss": "Maximum resident set size (kbytes)",
    "major": "Major (requiring I/O) page faults",
    "minor": "Minor (reclaiming a frame) page faults",
    "vcs": "Voluntary context switches",
    "ics": "Involuntary context switches",
    "fs_in": "File system inputs",
    "fs_out": "File system outputs",
    "rc": "Exit status",
}
SCENARIOS = ("cold", "warm", "advanced")


def parse(path):
    txt = open(path).read()
    out = {}
    for key, label in FIELDS.items():
        m = re.search(r"^\s*%s: (\S+)" % re.escape(label), txt, re.M)
        out[key] = m.group(1) if m else None
    if out["wall"]:
        parts = [float(x) for x in out["wall"].split(":")]
        out["wall"] = sum(x * 60 ** i for i, x in enumerate(reversed(parts)))
    return out


def k_of(d):
    m = re.search(r"K(\d+)$", os.path.normpath(d))
    return int(m.group(1)) if m else d


for d in sys.argv[1:]:
    rows = []
    for path in glob.glob(os.path.join(d, "*.time")):
        runner, scenario = os.path.basename(path)[:-len(".time")].rsplit(".", 1)
        if scenario in SCENARIOS:
            rows.append((runner, scenario, parse(path)))
    if not rows:
        continue
    order = {s: i for i, s in enumerate(SCENARIOS)}
    rows.sort(key=lambda r: (order[r[1]], r[0] != "aggregator", r[0]))
    print("### K = %s\n" % k_of(d))
    print("| scenario | runner | wall s | user s | sys s | peak RSS MB | FS in MB | FS out MB "
          "| major / minor faults | vol. / invol. context switches | exit |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for runner, scenario, t in rows:
        num = lambda k, f=float: f(t[k]) if t[k] is not None else 0
        print("| %s | %s | %.2f | %.2f | %.2f | %.0f | %.1f | %.1f | %d / %d | %d / %d | %s |" % (
            scenario, runner, num("wall"), num("user"), num("sys"), num("rss") / 1024,
            num("fs_in", int) * 512 / 1e6, num("fs_out", int) * 512 / 1e6,
            num("major", int), num("minor", int), num("vcs", int), num("ics", int), t["rc"]))
    print()
