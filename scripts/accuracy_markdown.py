#!/usr/bin/env python3
"""Turns the accuracy runner's output (scripts/bench_accuracy.sh) into the
markdown tables of docs/benchmarks.md: one wide table of OWA (sets as
columns, methods as rows, geometric mean last) and one of 95 % coverage and
median ms per series for chosen methods.

Usage: scripts/accuracy_markdown.py RUN_OUTPUT [RUN_OUTPUT ...]
       [--methods naive2,ets,arima,...]
Later files override earlier ones for the same set and method.
"""
import math
import sys


def parse(paths):
    rows = {}
    sets = []
    for path in paths:
        for line in open(path):
            parts = line.split()
            if len(parts) < 11 or parts[0] in ("set", "method"):
                continue
            try:
                vals = [float(x) for x in parts[2:11]]
            except ValueError:
                continue
            s, m = parts[0], parts[1]
            if s not in sets:
                sets.append(s)
            rows[(s, m)] = dict(smape=vals[0], mase=vals[1], owa=vals[2],
                                cov80=vals[3], cov95=vals[4], msis=vals[5],
                                ms_med=vals[6], ms_mean=vals[7],
                                failed=int(vals[8]))
    return sets, rows


def main():
    args = sys.argv[1:]
    methods = None
    if "--methods" in args:
        i = args.index("--methods")
        methods = args[i + 1].split(",")
        args = args[:i] + args[i + 2:]
    sets, rows = parse(args)
    if methods is None:
        methods = []
        for (_, m) in rows:
            if m not in methods:
                methods.append(m)
    short = [s.replace("Tourism", "Tour").replace("FREDMD", "FRED")
             .replace("-Quarterly", "-Q").replace("-Monthly", "-M")
             .replace("-Yearly", "-Y").replace("-Weekly", "-W")
             .replace("-Hourly", "-H").replace("-Daily", "-D") for s in sets]
    print("| method | " + " | ".join(short) + " | gm OWA |")
    print("| --- | " + " | ".join("---" for _ in sets) + " | --- |")
    for m in methods:
        cells, logs = [], []
        for s in sets:
            r = rows.get((s, m))
            if r is None:
                cells.append("–")
                continue
            cells.append("%.3f" % r["owa"])
            logs.append(math.log(r["owa"]))
        gm = "%.3f" % math.exp(sum(logs) / len(logs)) if logs else "–"
        print("| %s | %s | %s |" % (m, " | ".join(cells), gm))
    print()
    print("| method | " + " | ".join(short) + " |")
    print("| --- | " + " | ".join("---" for _ in sets) + " |")
    for m in methods:
        cells = []
        for s in sets:
            r = rows.get((s, m))
            cells.append("–" if r is None else "%.2f / %.3g" % (r["cov95"], r["ms_med"]))
        print("| %s | %s |" % (m, " | ".join(cells)))


if __name__ == "__main__":
    main()
