"""The school's term dates: read for counting school days (calendar.py), entered for a
year on the term dates page, copied from the year before, or read from a calendar file
(.ics) such as the one a local authority publishes. Nothing is saved until a whole year's
dates have been checked together."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from icalendar import Calendar

from . import rules
from .calendar import (
    ONE_DAY,
    CalendarEntry,
    Period,
    SchoolCalendar,
    YearDates,
    school_year,
)
from .models import TermDate

Kind = rules.TermDateKind
MAX_ICS_BYTES = 1024 * 1024


def school_calendar(school) -> SchoolCalendar:
    """The school's calendar, from every year's term dates it has entered (one query)."""
    entered: dict[datetime.date, list[CalendarEntry]] = {}
    for row in TermDate.objects.filter(school=school):
        entered.setdefault(row.year_start, []).append(
            CalendarEntry(row.kind, row.name, Period(row.starts_on, row.ends_on)))
    return SchoolCalendar(entered)


def day_in_words(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def period_in_words(period: Period) -> str:
    if period.start == period.end:
        return day_in_words(period.start)
    return f"{day_in_words(period.start)} to {day_in_words(period.end)}"


def year_in_words(year: Period) -> str:
    return f"{year.start.year} to {year.end.year}"


# What the page's form holds, by field: a term and its half term for each of the three.
def term_field(name: str, end: str) -> str:
    return f"{name.lower()}_{end}"


def half_term_field(name: str, end: str) -> str:
    return f"{name.lower()}_half_term_{end}"


@dataclass
class YearForm:
    """A year's dates as the page shows them: fields by name, and the other closures as
    lines of text."""

    fields: dict[str, datetime.date | None]
    inset_days: str
    closures: str


def as_form(dates: YearDates) -> YearForm:
    """A year's dates in the page's fields (the first half term within each term)."""
    fields: dict[str, datetime.date | None] = {}
    inset, closures = [], []
    for name, term in zip(rules.TERM_NAMES, dates.terms, strict=False):
        fields[term_field(name, "start")] = term.period.start
        fields[term_field(name, "end")] = term.period.end
    for closure in dates.closures:
        line = period_in_words(closure.period) + (f", {closure.name}" if closure.name else "")
        if closure.kind == Kind.HALF_TERM:
            name = next((n for n, t in zip(rules.TERM_NAMES, dates.terms, strict=False)
                         if t.period.overlap(closure.period)), None)
            if name and half_term_field(name, "start") not in fields:
                fields[half_term_field(name, "start")] = closure.period.start
                fields[half_term_field(name, "end")] = closure.period.end
                continue
        (inset if closure.kind == Kind.INSET else closures).append(line)
    return YearForm(fields, "\n".join(inset), "\n".join(closures))


DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%A %d %B %Y")
LINE = re.compile(r"^(?P<start>[^,]+?)(?:\s+to\s+(?P<end>[^,]+?))?\s*(?:,\s*(?P<name>.*))?$",
                  re.I)


def parse_day(text: str) -> datetime.date | None:
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip())
    for format_ in DAY_FORMATS:
        try:
            return datetime.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    return None


def parse_lines(text: str, kind: str, field: str, errors: dict) -> list[CalendarEntry]:
    """Lines of "date", or "date to date", each optionally followed by a comma and a name."""
    entries = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE.match(line.strip())
        start = parse_day(match["start"]) if match else None
        end = parse_day(match["end"]) if match and match["end"] else start
        if start is None or end is None:
            errors.setdefault(field, []).append(
                f"Line {number} (“{line.strip()}”) is not a date or two dates: write, for "
                "example, 2 September 2026, or 26 October 2026 to 30 October 2026.")
            continue
        entries.append(CalendarEntry(kind, (match["name"] or "").strip(), Period(start, end)))
    return entries


def entries_from_form(data: dict) -> list[CalendarEntry]:
    """The entries a filled-in form gives (dates it lacks are left for the check)."""
    entries = []
    for name in rules.TERM_NAMES:
        start, end = data.get(term_field(name, "start")), data.get(term_field(name, "end"))
        entries.append(CalendarEntry(Kind.TERM, name, Period(start, end)))
        start = data.get(half_term_field(name, "start"))
        end = data.get(half_term_field(name, "end"))
        if start or end:
            entries.append(CalendarEntry(Kind.HALF_TERM, f"{name} half term",
                                         Period(start, end)))
    return entries


def check_year(year: Period, data: dict) -> list[CalendarEntry]:
    """A year's entries from the form's data, checked together: each term and break has
    both dates, ends on or after it starts and lies within the school year; the terms do
    not overlap and come in order; a half term lies within its term; and the year has
    between 30 and 45 school weeks. ValidationError, field by field, naming the dates."""
    errors: dict[str, list[str]] = {}
    entries = []
    terms: list[tuple[str, Period]] = []
    for name in rules.TERM_NAMES:
        start, end = data.get(term_field(name, "start")), data.get(term_field(name, "end"))
        field = term_field(name, "start")
        if start is None or end is None:
            errors.setdefault(term_field(name, "start" if start is None else "end"), []).append(
                f"Enter the date the {name.lower()} term "
                f"{'starts' if start is None else 'ends'}.")
            continue
        period = Period(start, end)
        if end < start:
            errors.setdefault(term_field(name, "end"), []).append(
                f"The {name.lower()} term ends ({day_in_words(end)}) before it starts "
                f"({day_in_words(start)}).")
            continue
        if not (start in year and end in year):
            errors.setdefault(field, []).append(
                f"The {name.lower()} term ({period_in_words(period)}) is not within the "
                f"{year_in_words(year)} school year ({period_in_words(year)}).")
            continue
        for other, other_period in terms:
            if period.overlap(other_period) or start < other_period.start:
                errors.setdefault(field, []).append(
                    f"The {name.lower()} term ({period_in_words(period)}) must start after "
                    f"the {other.lower()} term ends ({day_in_words(other_period.end)}).")
                break
        terms.append((name, period))
        entries.append(CalendarEntry(Kind.TERM, name, period))
        half_start = data.get(half_term_field(name, "start"))
        half_end = data.get(half_term_field(name, "end"))
        if half_start is None and half_end is None:
            continue
        if half_start is None or half_end is None or half_end < half_start:
            errors.setdefault(half_term_field(name, "start"), []).append(
                f"Enter the first and last days of the {name.lower()} half term, the last "
                "on or after the first.")
            continue
        half = Period(half_start, half_end)
        if not (half_start in period and half_end in period):
            errors.setdefault(half_term_field(name, "start"), []).append(
                f"The {name.lower()} half term ({period_in_words(half)}) is not within the "
                f"{name.lower()} term ({period_in_words(period)}).")
            continue
        entries.append(CalendarEntry(Kind.HALF_TERM, f"{name} half term", half))
    for field, kind in (("inset_days", Kind.INSET), ("closures", Kind.CLOSURE)):
        for entry in parse_lines(data.get(field, ""), kind, field, errors):
            period = entry.period
            if period.end < period.start:
                errors.setdefault(field, []).append(
                    f"{period_in_words(period)}: the last day is before the first.")
            elif not (period.start in year and period.end in year):
                errors.setdefault(field, []).append(
                    f"{period_in_words(period)} is not within the {year_in_words(year)} "
                    f"school year.")
            else:
                entries.append(entry)
    if not errors:
        dates = YearDates(year, entries)
        if not rules.MIN_WEEKS <= dates.weeks <= rules.MAX_WEEKS:
            first, last = terms[0][1].start, terms[-1][1].end
            errors.setdefault("__all__", []).append(
                f"These dates give {weeks_in_words(dates.weeks)} school weeks "
                f"({dates.school_days()} school days from {day_in_words(first)} to "
                f"{day_in_words(last)}); a school year has between {rules.MIN_WEEKS} and "
                f"{rules.MAX_WEEKS}. Check the years of the dates.")
    if errors:
        raise ValidationError(errors)
    return entries


def weeks_in_words(weeks) -> str:
    """39, or 38.4: weeks to one decimal place, without a trailing .0."""
    return f"{float(weeks):.1f}".removesuffix(".0")


@transaction.atomic
def term_dates_save(*, school, actor, year_start: datetime.date, data: dict) -> YearDates:
    """Replace the year's term dates with those in ``data`` (the page's fields), checked
    together first; nothing changes if any is refused."""
    year = school_year(year_start)
    entries = check_year(year, data)
    TermDate.objects.filter(school=school, year_start=year.start).delete()
    for entry in entries:  # one by one, so that each is in the audit trail
        TermDate.objects.create(school=school, year_start=year.start, kind=entry.kind,
                                name=entry.name, starts_on=entry.period.start,
                                ends_on=entry.period.end)
    return YearDates(year, entries)


def copied_forward(previous: YearDates, year: Period) -> YearForm:
    """The year before's dates moved on 52 weeks (so each stays on its weekday), for the
    school to check and correct before saving."""
    shift = datetime.timedelta(weeks=52)
    moved = [CalendarEntry(e.kind, e.name, Period(e.period.start + shift, e.period.end + shift))
             for e in previous.dates]
    return as_form(YearDates(year, moved))


# Calendar files ---------------------------------------------------------------------

SEASONS = {name.lower(): name for name in rules.TERM_NAMES}
HALF_TERM = re.compile(r"half[\s-]*term", re.I)
INSET = re.compile(r"\binset\b|training day|staff development|professional development",
                   re.I)
CLOSURE = re.compile(r"bank holiday|school closed|closure|polling", re.I)
TERM = re.compile(r"\bterm\b", re.I)
STARTS = re.compile(r"\b(starts?|begins?|first day|opens?)\b", re.I)
ENDS = re.compile(r"\b(ends?|finish(es)?|last day|closes?|breaks? up)\b", re.I)


class CalendarFileRefused(Exception):
    """A calendar file that cannot be read, with what to tell the person."""


def form_from_ics(data: bytes, year: Period) -> YearForm:
    """Read a calendar file's events within ``year``: terms (an event named "Autumn term"
    across its days, or "Autumn term starts" and "... ends" on single days), half terms,
    INSET days and closures (bank holidays). Holidays between terms need no entry. The
    result fills the page's form for the school to check before saving."""
    if not data.strip():
        raise CalendarFileRefused("The file is empty.")
    if len(data) > MAX_ICS_BYTES:
        raise CalendarFileRefused("The file is larger than 1 MB: a year's term dates are "
                                  "much smaller. Check it is the right file.")
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarFileRefused("This is not a calendar file (.ics) that can be read: "
                                  f"{str(error)[:120]}") from None
    seasons: dict[str, list[datetime.date]] = {}
    half_terms: dict[str, Period] = {}
    inset, closures = [], []
    for event in calendar.walk("VEVENT"):
        period = event_days(event)
        if period is None or not period.overlap(year):
            continue
        summary = str(event.get("SUMMARY", ""))
        season = next((SEASONS[w] for w in re.findall(r"[a-z]+", summary.lower())
                       if w in SEASONS), None)
        line = f"{period_in_words(period)}, {summary.strip()}"
        if HALF_TERM.search(summary):
            if season and season not in half_terms:
                half_terms[season] = period
            else:
                closures.append(line)
        elif INSET.search(summary):
            inset.append(line)
        elif CLOSURE.search(summary):
            closures.append(line)
        elif TERM.search(summary) and season:
            if STARTS.search(summary):
                seasons.setdefault(season, []).append(period.start)
            elif ENDS.search(summary):
                seasons.setdefault(season, []).append(period.end)
            else:
                seasons.setdefault(season, []).extend([period.start, period.end])
    if not seasons:
        raise CalendarFileRefused(
            "No terms were found in the file for the "
            f"{year_in_words(year)} school year: it needs events named, for example, "
            "“Autumn term” (across the term's days) or “Autumn term starts” and “Autumn "
            "term ends”.")
    fields: dict[str, datetime.date | None] = {}
    for season, days in seasons.items():
        fields[term_field(season, "start")] = min(days)
        fields[term_field(season, "end")] = max(days)
        # A term given as two halves leaves the weeks between them: its half term.
        if season not in half_terms:
            gap = halves_gap(days)
            if gap:
                half_terms[season] = gap
    for season, period in half_terms.items():
        fields[half_term_field(season, "start")] = period.start
        fields[half_term_field(season, "end")] = period.end
    return YearForm(fields, "\n".join(sorted(set(inset))), "\n".join(sorted(set(closures))))


def event_days(event) -> Period | None:
    """The days an event covers (an all-day event's end is the day after its last)."""
    start = event.get("DTSTART")
    if start is None:
        return None
    first = start.dt.date() if isinstance(start.dt, datetime.datetime) else start.dt
    end = event.get("DTEND")
    if end is None:
        return Period(first, first)
    last = end.dt
    if isinstance(last, datetime.datetime):
        last = last.date()
    else:
        last = last - ONE_DAY
    return Period(first, max(first, last))


def halves_gap(days: list[datetime.date]) -> Period | None:
    """Where a term came as two events (start, end, start, end), the days between them."""
    if len(days) != 4:
        return None
    first_end, second_start = sorted(days)[1], sorted(days)[2]
    if (second_start - first_end).days <= 1:
        return None
    return Period(first_end + ONE_DAY, second_start - ONE_DAY)
