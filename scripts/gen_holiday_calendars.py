#!/usr/bin/env python3
"""Writes the exchange holiday calendars shipped in common/holidays/.

Run from the repository root after changing a rule or the year range:
    python3 scripts/gen_holiday_calendars.py

The rules are the exchanges' published ones; one-off closures (funerals,
storms, jubilees) are listed by hand with their reason. Weekend dates are left
out: business-day series skip weekends anyway.
"""

import datetime as dt
import pathlib

FIRST_YEAR = 1980
LAST_YEAR = 2035
OUT = pathlib.Path(__file__).resolve().parent.parent / "common" / "holidays"


def easter(year):
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def nth_weekday(year, month, weekday, n):
    """The n-th `weekday` (0 = Monday) of a month; n = -1 for the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        shift = (weekday - first.weekday()) % 7
        return first + dt.timedelta(days=shift + 7 * (n - 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def nyse_observed(day):
    """Saturday holidays close the Friday before, Sunday ones the Monday."""
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


NYSE_SPECIAL = {
    dt.date(1985, 9, 27): "Hurricane Gloria",
    dt.date(1994, 4, 27): "funeral of President Nixon",
    dt.date(2001, 9, 11): "September 11 attacks",
    dt.date(2001, 9, 12): "September 11 attacks",
    dt.date(2001, 9, 13): "September 11 attacks",
    dt.date(2001, 9, 14): "September 11 attacks",
    dt.date(2004, 6, 11): "funeral of President Reagan",
    dt.date(2007, 1, 2): "funeral of President Ford",
    dt.date(2012, 10, 29): "Hurricane Sandy",
    dt.date(2012, 10, 30): "Hurricane Sandy",
    dt.date(2018, 12, 5): "funeral of President G. H. W. Bush",
    dt.date(2025, 1, 9): "funeral of President Carter",
}


def nyse(year):
    days = {}
    new_year = dt.date(year, 1, 1)
    # A Saturday New Year is not observed: the Friday before closes a year.
    if new_year.weekday() != 5:
        days[nyse_observed(new_year)] = "New Year's Day"
    if year >= 1998:
        days[nth_weekday(year, 1, 0, 3)] = "Martin Luther King Jr. Day"
    days[nth_weekday(year, 2, 0, 3)] = "Washington's Birthday"
    days[easter(year) - dt.timedelta(days=2)] = "Good Friday"
    days[nth_weekday(year, 5, 0, -1)] = "Memorial Day"
    if year >= 2022:
        days[nyse_observed(dt.date(year, 6, 19))] = "Juneteenth"
    days[nyse_observed(dt.date(year, 7, 4))] = "Independence Day"
    days[nth_weekday(year, 9, 0, 1)] = "Labor Day"
    days[nth_weekday(year, 11, 3, 4)] = "Thanksgiving Day"
    days[nyse_observed(dt.date(year, 12, 25))] = "Christmas Day"
    for day, why in NYSE_SPECIAL.items():
        if day.year == year:
            days[day] = why
    return days


UK_SPECIAL = {
    dt.date(1981, 7, 29): "royal wedding",
    dt.date(1999, 12, 31): "millennium",
    dt.date(2002, 6, 3): "Golden Jubilee",
    dt.date(2011, 4, 29): "royal wedding",
    dt.date(2012, 6, 5): "Diamond Jubilee",
    dt.date(2022, 6, 3): "Platinum Jubilee",
    dt.date(2022, 9, 19): "state funeral of Queen Elizabeth II",
    dt.date(2023, 5, 8): "coronation of King Charles III",
}

# Bank holidays moved from their usual Monday by proclamation.
UK_EARLY_MAY_MOVED = {1995: dt.date(1995, 5, 8), 2020: dt.date(2020, 5, 8)}
UK_SPRING_MOVED = {
    2002: dt.date(2002, 6, 4),
    2012: dt.date(2012, 6, 4),
    2022: dt.date(2022, 6, 2),
}


def uk(year):
    """England and Wales bank holidays, on which the LSE is closed."""
    days = {}
    new_year = dt.date(year, 1, 1)
    while new_year.weekday() >= 5:  # substitute: the next Monday
        new_year += dt.timedelta(days=1)
    days[new_year] = "New Year's Day"
    days[easter(year) - dt.timedelta(days=2)] = "Good Friday"
    days[easter(year) + dt.timedelta(days=1)] = "Easter Monday"
    days[UK_EARLY_MAY_MOVED.get(year, nth_weekday(year, 5, 0, 1))] = \
        "Early May bank holiday"
    days[UK_SPRING_MOVED.get(year, nth_weekday(year, 5, 0, -1))] = \
        "Spring bank holiday"
    days[nth_weekday(year, 8, 0, -1)] = "Summer bank holiday"
    # Christmas and Boxing Day: a weekend one moves to the next free weekday.
    for day, why in ((dt.date(year, 12, 25), "Christmas Day"),
                     (dt.date(year, 12, 26), "Boxing Day")):
        while day.weekday() >= 5 or day in days:
            day += dt.timedelta(days=1)
        days[day] = why
    for day, why in UK_SPECIAL.items():
        if day.year == year:
            days[day] = why
    return days


def write(name, title, rules, source):
    lines = [
        f"# {title}, {FIRST_YEAR} to {LAST_YEAR}: the weekdays the exchange "
        "is closed.",
        f"# Source: {source}",
        "# Generated by scripts/gen_holiday_calendars.py; edit the script, "
        "not this file.",
    ]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for day, why in sorted(rules(year).items()):
            if day.weekday() < 5:
                lines.append(f"{day.isoformat()} {why}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.txt").write_text("\n".join(lines) + "\n")


write("us_nyse", "New York Stock Exchange holidays", nyse,
      "NYSE holiday rules (NYSE Rule 7.2) and its announced special closures")
write("uk_lse", "London Stock Exchange holidays (England and Wales bank "
      "holidays)", uk,
      "Banking and Financial Dealings Act 1971 and the proclamations of "
      "moved and extra bank holidays (gov.uk/bank-holidays)")
