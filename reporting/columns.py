"""The names of the dashboard's figures, defined once: the aggregate queries that count them from
the items (reporting/selectors.py) and the summary tables that keep them (reporting/models.py) use
the same names, so a recount and the maintained summary can be compared column by column."""

from inspections import rules
from inspections.models import OPEN_STATUSES

TREND_MONTHS = 24

# Ageing of overdue items, by days past the current target: (key, label, least days, most days).
AGEING_BANDS = (
    ("0-30", "Up to 30 days", 1, 30),
    ("31-90", "31 to 90 days", 31, 90),
    ("91-180", "91 to 180 days", 91, 180),
    ("181+", "Over 180 days", 181, None),
)


def ageing_column(band: tuple) -> str:
    """ "0-30" -> "age_0_30", "181+" -> "age_181_up"."""
    return "age_" + band[0].replace("-", "_").replace("+", "_up")


def trend_column(kind: str, month_index: int) -> str:
    """The trend's figure `kind` ("open", "overdue", "closed") for the month `month_index` of the
    last TREND_MONTHS (0 the oldest, TREND_MONTHS - 1 the current month)."""
    return f"{kind}_m{month_index:02d}"


TREND_KINDS = ("open", "overdue", "closed")


# The public register's count of each public status (rules.PUBLIC_STATUSES, as the register names
# them: "submitted for closure" is "being progressed"). "Complete" is the items complete, already
# counted as "complete"; the others are counts of their own ("public_being_progressed").
PUBLIC_STATUS_COLUMNS = {name: "complete" if name == "complete" else f"public_{name}" for name in rules.PUBLIC_STATUSES}
PUBLIC_ONLY_COLUMNS = tuple(column for column in PUBLIC_STATUS_COLUMNS.values() if column != "complete")


# The managers' meeting pack (oversight.selectors.pack_aggregates): the items with no recent
# progress ("stale"), the pack's items (overdue or stale), and the pack's items by status (a pack
# item is open: one column per open status).
PACK_COLUMNS = ("stale", "pack", *(f"pack_{status!s}" for status in OPEN_STATUSES))


# Counted per item: the headlines, the overdue figure by origin, the ageing bands, the totals the
# tables beside them need, how many overdue items await a manager's overdue review
# (rules.awaiting_overdue_review_q: the review queue's own count), the public register's
# count of each public status, and the meeting pack's counts.
COUNT_COLUMNS = (
    *rules.HEADLINES,
    *rules.OVERDUE_ORIGINS,
    *(ageing_column(band) for band in AGEING_BANDS),
    "total",
    "complete",
    "awaiting_review",
    *PUBLIC_ONLY_COLUMNS,
    *PACK_COLUMNS,
)
TREND_COLUMNS = tuple(trend_column(kind, i) for i in range(TREND_MONTHS) for kind in TREND_KINDS)

# The implementation rates' counts (rules.IMPLEMENTATION_WINDOWS): per cohort, how many items, how
# many still open, and for each window or target how many were eligible and how many done.
RATE_COLUMNS = (
    "total",
    "still_open",
    "orig_due",
    "orig_done",
    "curr_due",
    "curr_done",
    *(f"{name}_{years}" for years in rules.IMPLEMENTATION_WINDOWS for name in ("eligible", "done")),
)
