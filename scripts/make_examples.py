#!/usr/bin/env python3
"""Builds the demo series in examples/ from ../shared/data/examples/ (run
once by a developer; the outputs are committed, with their sources in
examples/README.md). Output CSVs are `series,timestamp,value` with ISO dates,
the form `tsfctl write` reads."""
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "..", "shared", "data", "examples")
OUT = os.path.join(ROOT, "examples")
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def brent():
    rows = []
    with open(os.path.join(SRC, "eia_brent_spot_daily.csv"), newline="") as f:
        for r in csv.DictReader(f):
            rows.append(("brent_spot_usd", r["Date"], r["Price"]))
    return rows


def pink_sheet():
    wanted = {"COPPER": "copper_usd_t", "ALUMINUM": "aluminium_usd_t",
              "NICKEL": "nickel_usd_t", "Tin": "tin_usd_t", "Zinc": "zinc_usd_t",
              "IRON_ORE": "iron_ore_usd_dmtu", "GOLD": "gold_usd_toz"}
    rows = []
    with open(os.path.join(SRC, "worldbank_pink_sheet_monthly.csv"), newline="") as f:
        for r in csv.DictReader(f):
            year, month = r["Date"].split("M")
            for code, name in wanted.items():
                if r[code].strip():
                    rows.append((name, f"{year}-{int(month):02d}-01", r[code].strip()))
    return rows


def us_china():
    rows = []
    with open(os.path.join(SRC, "us_china_trade_monthly.csv"), newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            month, year = r["Month"].split()
            date = f"{year}-{MONTHS.index(month) + 1:02d}-01"
            for col, name in (("Exports", "us_exports_to_china_musd"),
                              ("Imports", "us_imports_from_china_musd")):
                rows.append((name, date, r[col].replace(",", "")))
    return rows


def write(name, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        f.write("series,timestamp,value\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    print(f"{name}: {len(rows)} points", file=sys.stderr)


if __name__ == "__main__":
    write("brent_daily.csv", brent())
    write("metals_monthly.csv", pink_sheet())
    write("us_china_trade_monthly.csv", us_china())
