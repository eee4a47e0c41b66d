"""Deadlines as reports write them, turned into target dates, with how each was worked out.

A target date cell may hold:
- a date: 2027-03-31, 31/03/2027 (31/3/27), 31 March 2027, 31 Mar 2015, 1st January 2024,
  March 31st, 2027, or an Excel date;
- a month: "March 2015", "the end of March 2015": its last day;
- a deadline phrase: "By 1 October 2023", "Not later than 31 March 2015", "No later than ...",
  "On or before ...", "Before 1 April 2016" (the day before: it must be done before that day);
- a period from publication: "Within six months", "within 28 days", "Within 3 months of
  publication", "12 weeks after publication", "within one year"; "Immediately" (the publication
  day).
Left empty, the finding's own text is read: a deadline opening a sentence ("By 1 October 2023, chief
fire officers should...", "Within six months, all forces...") is the target date. Two different
deadlines in one text, or none where a recommendation needs one, are problems to correct. Areas for
improvement (and causes of concern) need no date.
"""

import datetime as dt
import re
from dataclasses import dataclass

from core.dates import long_date
from imports.parsing import cell_text
from inspections.rules import add_months

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_FORMS = [
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})[/.\-](?P<month>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})"),
    re.compile(rf"{_DAY}(?: of)? {_MONTH},? {_YEAR}"),
    re.compile(rf"{_MONTH} {_DAY},? {_YEAR}"),
]
_MONTH_ONLY = re.compile(rf"(?:the )?(?:end of )?{_MONTH},? {_YEAR}")
_NUMBER = r"\d+|a|an|[a-z]+(?:[ -][a-z]+)?"
_PERIOD = re.compile(
    rf"(?:within|in) (?P<n>{_NUMBER}) (?P<unit>day|week|month|year)s?"
    r"(?: (?:of|from|after) (?:the )?(?:date of )?(?:the )?(?:publication|publishing|report|this report)"
    r"(?: of (?:the|this) report)?)?"
    rf"|(?P<n2>{_NUMBER}) (?P<unit2>day|week|month|year)s? (?:of|from|after) (?:the )?(?:date of )?"
    r"(?:publication|this report)"
)
_LEAD = r"(?P<lead>not later than|no later than|on or before|by the end of|by|before|until)"
_OPENING = re.compile(
    r"(?:^|(?<=[.;:\n]))\s*(?:(?:and|then|also),? )?"
    rf"(?P<phrase>{_LEAD} [^,;:\n]*?(?=,|;|:| [a-z]+ (?:should|must|will|to)\b|$)"
    r"|(?:within|in) [^,;:\n]*?(?=,|;|:| [a-z]+ (?:should|must|will)\b|$)|immediately(?=,| ))",
    re.IGNORECASE,
)


class DateFormError(ValueError):
    """A cell that is not a date; the message says what to write instead."""


@dataclass(frozen=True)
class Derived:
    """A target date, how it was worked out (empty when written as a plain date), or a problem."""

    day: dt.date | None = None
    how: str = ""
    problem: str = ""


def _number(words: str) -> int | None:
    words = words.replace("-", " ").strip()
    if words.isdigit():
        return int(words)
    if words in ("a", "an"):
        return 1
    parts = words.split()
    if len(parts) == 1:
        return _UNITS.get(parts[0], _TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS and _UNITS[parts[1]] < 10:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


def _clean(text: str) -> str:
    return " ".join(text.replace(",", ", ").replace("\u00a0", " ").split()).strip(" .").lower().replace(" ,", ",")


def date_parse(text: str) -> dt.date:
    """A date as written (see the module); DateFormError with a message for anything else."""
    cleaned = _clean(text)
    for form in _DATE_FORMS:
        match = form.fullmatch(cleaned)
        if match is None:
            continue
        month = match["month"]
        month_number = int(month) if month.isdigit() else MONTHS[month]
        year = int(match["year"])
        if year < 100:
            year += 2000
        try:
            return dt.date(year, month_number, int(match["day"]))
        except ValueError:
            if month.isdigit() and int(match["day"]) <= 12 and month_number > 12:
                raise DateFormError(
                    f'"{text}" is not a real date. Write the day first, for example 31/03/2027'
                ) from None
            raise DateFormError(f'"{text}" is not a real date') from None
    raise DateFormError(f'"{text}" is not a date we can read')


def _month_end(month: int, year: int) -> dt.date:
    return add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


def _add(published: dt.date, n: int, unit: str) -> dt.date:
    if unit == "day":
        return published + dt.timedelta(days=n)
    if unit == "week":
        return published + dt.timedelta(weeks=n)
    if unit == "month":
        return add_months(published, n)
    return add_months(published, 12 * n)


def phrase_derive(phrase: str, *, published_on: dt.date | None) -> Derived | None:
    """A deadline phrase ("By 1 October 2023", "within six months"...) as a date, or None when the
    words are not one. A period needs the publication date; without one it is a problem. The
    `how` quotes the phrase and says what was made of it."""
    quoted = f'"{phrase.strip()}"'
    cleaned = _clean(phrase)
    if cleaned == "immediately":
        if published_on is None:
            return Derived(problem=f"{quoted} counts from the publication date, and this report has none")
        return Derived(published_on, f"{quoted}: the publication date")
    period = _PERIOD.fullmatch(cleaned)
    if period is not None:
        n = _number(period["n"] or period["n2"] or "")
        unit = period["unit"] or period["unit2"]
        if n is None:
            return None
        if published_on is None:
            return Derived(
                problem=f"{quoted} counts from the publication date, and this report has none. "
                f"Add the published column, or write the date"
            )
        day = _add(published_on, n, unit)
        return Derived(
            day, f"{quoted}: {n} {unit}{'s' if n != 1 else ''} after publication ({long_date(published_on)})"
        )
    lead = re.match(_LEAD + r" (?P<rest>.+)", cleaned)
    rest, word = (lead["rest"], lead["lead"]) if lead else (cleaned, "")
    try:
        day = date_parse(rest)
    except DateFormError:
        month = _MONTH_ONLY.fullmatch(rest)
        if month is None:
            return None
        if word == "before":
            day = dt.date(int(month["year"]), MONTHS[month["month"]], 1) - dt.timedelta(days=1)
            return Derived(day, f"{quoted}: the last day before it")
        day = _month_end(MONTHS[month["month"]], int(month["year"]))
        return Derived(day, f"{quoted}: the end of {day:%B %Y}")
    if word == "before":
        return Derived(day - dt.timedelta(days=1), f"{quoted}: the day before")
    return Derived(day, quoted if word else "")


def text_deadlines(text: str, *, published_on: dt.date | None) -> list[tuple[str, Derived]]:
    """The deadlines a finding's text states where a sentence or paragraph opens with one."""
    found = []
    for match in _OPENING.finditer(text):
        phrase = match["phrase"].strip()
        derived = phrase_derive(phrase, published_on=published_on)
        if derived is not None:
            found.append((phrase, derived))
    return found


def target_derive(*, cell: object, text: str, published_on: dt.date | None, category: str) -> Derived:
    """The target date of one row: from the cell (a date, a month, a phrase, a period), or when it
    is empty from the finding's own text; None for areas for improvement and causes of concern
    that state none. The `how` says how it was worked out, for the preview."""
    if isinstance(cell, dt.datetime):
        return Derived(cell.date())
    if isinstance(cell, dt.date):
        return Derived(cell)
    written = cell_text(cell).strip()
    if written:
        derived = phrase_derive(written, published_on=published_on)
        if derived is not None:
            return derived
        try:
            return Derived(date_parse(written))
        except DateFormError as error:
            if "Write" in str(error):
                return Derived(problem=str(error))
            return Derived(
                problem=f"{error}. Write a date such as 31/03/2027 or 31 March 2027, or a deadline such as "
                f'"By 31 March 2027" or "Within six months"'
            )
    stated = text_deadlines(text, published_on=published_on)
    problems = [derived.problem for _, derived in stated if derived.problem]
    if problems:
        return Derived(problem=problems[0])
    days = {derived.day for _, derived in stated}
    if len(days) > 1:
        phrases = " and ".join(f'"{phrase}"' for phrase, _ in stated)
        return Derived(problem=f"the text states more than one deadline ({phrases}): enter the target date")
    if stated:
        phrase, derived = stated[0]
        return Derived(derived.day, f"From the text: {derived.how or chr(34) + phrase + chr(34)}")
    if category == "recommendation":
        return Derived(
            problem="a recommendation needs a target date. Enter one (for example 31/03/2027 or "
            '"Within six months"), or open its text with it ("By 31 March 2027, ...")'
        )
    return Derived()
