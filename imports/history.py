"""An item's history as files write it: the words for statuses and responses (the tracker's own,
and the inspectorate's public register's: "awaiting-review", "being-progressed", "complete"...),
yes/no cells, and the state columns of one row turned into an ItemPast."""

import datetime as dt
from dataclasses import replace

from forces.names import plain
from imports.deadlines import DateFormError, date_parse
from imports.parsing import cell_text
from inspections.models import CLOSED_STATUSES, ItemStatus, Response
from inspections.past import ItemPast, PastChange

STATUS_WORDS = {
    ItemStatus.PUBLISHED: (
        "published",
        "awaiting review",
        "new",
        "new recommendation",
        "not started",
        "open",
    ),
    ItemStatus.IN_PROGRESS: (
        "in progress",
        "being progressed",
        "ongoing",
        "on going",
        "started",
        "open actions on going on track",
        "open actions on going off track",
        "on track",
        "off track",
    ),
    ItemStatus.SUBMITTED: (
        "submitted",
        "submitted for closure",
        "awaiting verification",
        "awaiting sign off",
        "claimed complete",
    ),
    ItemStatus.COMPLETE: ("complete", "completed", "closed complete", "implemented", "achieved", "done"),
    ItemStatus.NOT_IMPLEMENTED: ("not implemented", "closed not implemented"),
    ItemStatus.SUPERSEDED: ("superseded", "closed superseded"),
    ItemStatus.WITHDRAWN: (
        "withdrawn",
        "closed withdrawn",
        "recommendation withdrawn",
        "no longer relevant",
        "no longer applicable",
    ),
}
RESPONSE_WORDS = {
    Response.PENDING: ("pending", "awaiting response", "no response", "not yet responded"),
    Response.ACCEPTED: ("accepted", "accept", "agreed", "yes", "fully accepted"),
    Response.PARTIALLY_ACCEPTED: ("partially accepted", "partly accepted", "partial", "accepted in part"),
    Response.NOT_ACCEPTED: ("not accepted", "rejected", "declined", "no"),
}
YES = ("yes", "y", "true", "1", "accelerated")
NO = ("no", "n", "false", "0", "")
_STATUS = {word: status for status, words in STATUS_WORDS.items() for word in words}
_RESPONSE = {word: response for response, words in RESPONSE_WORDS.items() for word in words}


class WordError(ValueError):
    """A cell that is not one of the words a column takes; the message says which ones it does."""


def status_read(value: object) -> str:
    written = cell_text(value).strip()
    words = plain(written)
    if words in _STATUS:
        return _STATUS[words]
    if words.startswith("closed ") and words.removeprefix("closed ") in _STATUS:
        return _STATUS[words.removeprefix("closed ")]
    raise WordError(
        f'"{written}" is not a status we know. Use published, in progress, submitted for closure, complete, '
        f"not implemented, superseded or withdrawn (the register's awaiting review and being progressed work too)"
    )


def response_read(value: object) -> str:
    written = cell_text(value).strip()
    words = plain(written)
    if words in _RESPONSE:
        return _RESPONSE[words]
    raise WordError(f'"{written}" is not a response we know. Use accepted, partially accepted, not accepted or pending')


def yes_no_read(value: object) -> bool:
    written = cell_text(value).strip()
    if plain(written) in YES:
        return True
    if plain(written) in NO:
        return False
    raise WordError(f'"{written}" is not yes or no')


def day_read(value: object) -> dt.date | None:
    """A date cell of the state or history columns: empty, an Excel date, or a date as written."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    written = cell_text(value).strip()
    if not written:
        return None
    return date_parse(written)


STATE_LABELS = {
    "status": "Status",
    "status_date": "Status date",
    "response": "Response",
    "response_date": "Response date",
    "response_reason": "Response reason",
    "closed_on": "Closed on",
    "closing_note": "Closing note",
    "comment": "Comment",
    "comment_date": "Comment date",
    "last_progress": "Last progress",
    "superseded_by": "Superseded by",
}


def state_read(cells: dict[str, object]) -> tuple[ItemPast | None, list[str], bool]:
    """The state columns of one row as an ItemPast (None when the row gives none), the problems in
    them, and whether a status was written (a history file may give it instead)."""
    present = {key: cells.get(key) for key in STATE_LABELS if cell_text(cells.get(key)).strip()}
    present.update({key: cells[key] for key in STATE_LABELS if isinstance(cells.get(key), dt.date)})
    if not present:
        return None, [], False
    problems: list[str] = []
    values: dict = {}
    if "status" in present:
        try:
            values["status"] = status_read(present["status"])
        except WordError as error:
            problems.append(f"Status: {error}")
    if "response" in present:
        try:
            values["response"] = response_read(present["response"])
        except WordError as error:
            problems.append(f"Response: {error}")
    for key, target in (
        ("status_date", "status_on"),
        ("response_date", "responded_on"),
        ("closed_on", "closed_on"),
        ("last_progress", "last_progress_on"),
        ("comment_date", None),
    ):
        if key not in present:
            continue
        try:
            day = day_read(present[key])
        except DateFormError as error:
            problems.append(f"{STATE_LABELS[key]}: {error}")
            continue
        if target:
            values[target] = day
        else:
            values["_comment_day"] = day
    for key, target in (
        ("response_reason", "response_reason"),
        ("closing_note", "closing_note"),
        ("superseded_by", "superseded_by"),
    ):
        if key in present:
            values[target] = cell_text(present[key]).strip()
    comment = cell_text(present.get("comment")).strip()
    comment_day = values.pop("_comment_day", None)
    if comment and comment_day is None:
        comment_day = values.get("status_on") or values.get("closed_on")
        if comment_day is None:
            problems.append("Comment date: give the date of the comment (or a status date)")
    if comment_day is not None and not comment:
        problems.append("Comment: a comment date is given without a comment")
    written_status = "status" in values
    past = ItemPast(**values)
    if comment and comment_day is not None:
        past = replace(past, changes=(PastChange(day=comment_day, comment=comment),))
    return past, problems, written_status


def past_with_history(past: ItemPast | None, changes: list[PastChange], *, written_status: bool) -> ItemPast:
    """A row's state joined with its history lines (in date order). Without a status column, the
    latest status in the history is the item's status, reached on that line's day (and, for a
    closed status, closed on it)."""
    past = past or ItemPast()
    merged = sorted([*past.changes, *changes], key=lambda change: change.day)
    past = replace(past, changes=tuple(merged))
    if written_status:
        return past
    statuses = [change for change in merged if change.status]
    if not statuses:
        return past
    last = statuses[-1]
    values: dict = {"status": last.status}
    if last.status in CLOSED_STATUSES:
        values["closed_on"] = past.closed_on or last.day
    elif past.status_on is None:
        values["status_on"] = last.day
    return replace(past, **values)
