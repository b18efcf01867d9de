#!/usr/bin/env python3
"""Writes tests/data/dev_sample.csv: a fixed, small sample of the development
data (../shared/data) for the ctest that runs every model on every kind of
series and checks that nothing returns NaN or infinity. Per set: the
series at 10 %, 50 % and 90 % of the file (M4 Hourly and NN5: one, to keep
the test short). Values are the training parts as the accuracy runner
reads them (leading/trailing gaps dropped, inner gaps interpolated).

Usage: scripts/make_dev_sample.py [DATA_DIR] [OUT_FILE]
"""
import csv
import os
import sys

SETS = [  # name, folder, file, step (as tsforecast's units), picks
    ("M3-Other", "m3", "M3-Other", "", 3),
    ("M3-Yearly", "m3", "M3-Yearly", "1y", 3),
    ("M1-Yearly", "m1", "M1-Yearly", "1y", 3),
    ("Tourism-Yearly", "tourism", "Tourism-Yearly", "1y", 3),
    ("M1-Quarterly", "m1", "M1-Quarterly", "1q", 3),
    ("M3-Quarterly", "m3", "M3-Quarterly", "1q", 3),
    ("Tourism-Quarterly", "tourism", "Tourism-Quarterly", "1q", 3),
    ("M4-Weekly", "m4", "Weekly", "1w", 3),
    ("M1-Monthly", "m1", "M1-Monthly", "1mo", 3),
    ("M3-Monthly", "m3", "M3-Monthly", "1mo", 3),
    ("FREDMD-Monthly", "fred-md", "FREDMD-Monthly", "1mo", 3),
    ("NN5-Daily", "nn5", "NN5-Daily", "1d", 1),
    ("M4-Hourly", "m4", "Hourly", "1h", 1),
]


def values(row):
    v = [None if c in ("", "NA") else float(c) for c in row[1:]]
    while v and v[-1] is None:
        v.pop()
    while v and v[0] is None:
        v.pop(0)
    i = 0
    while i < len(v):
        if v[i] is None:
            j = i
            while v[j] is None:
                j += 1
            a, b = v[i - 1], v[j]
            for k in range(i, j):
                v[k] = a + (b - a) * (k - i + 1) / (j - i + 1)
            i = j
        i += 1
    return v


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    out = sys.argv[2] if len(sys.argv) > 2 else "tests/data/dev_sample.csv"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["set", "id", "step", "values"])
        for name, folder, file, step, picks in SETS:
            with open(os.path.join(data, folder, file + "-train.csv")) as g:
                rows = list(csv.reader(g))[1:]
            at = [0.5] if picks == 1 else [0.1, 0.5, 0.9]
            for p in at:
                row = rows[int(p * (len(rows) - 1))]
                w.writerow([name, row[0], step,
                            " ".join("%.10g" % x for x in values(row))])


if __name__ == "__main__":
    main()
