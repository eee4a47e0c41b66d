"""Fill PostgreSQL with a national-scale data set for benchmarks: N tracked items over the real
forces, distributed like the demo data (statuses, responses, dates, overdue share, extensions).

Set-based: inspections and findings through the ORM (thousands), items through one
INSERT ... SELECT per batch of findings (generate_series and random()), so a million items take
well under a minute."""

import datetime as dt
import random
import sys
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from forces.models import Force
from forces.services import forces_load_from_csv
from inspections.models import Finding, Inspection, Programme, Theme, TrackedItem, inspection_slug
from inspections.signals import counted_data_changed

SCALE_PREFIX = "SCALE-"
SCOPES = ("police", "fire", "single")
BATCH_ITEMS = 100_000  # items per INSERT ... SELECT


class ScaleError(RuntimeError):
    pass


def _bar(done: int, total: int, width: int = 40) -> str:
    filled = int(width * done / max(total, 1))
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} items"


def scale_seed(
    *, items: int, today: dt.date | None = None, seed: int = 2026, progress: Callable[[str], None] | None = None
) -> int:
    """Create at least `items` tracked items (the last inspection is created whole, so a few hundred more).
    Returns the number of items created."""
    if connection.vendor != "postgresql":
        raise ScaleError("seed_scale needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite would take hours).")
    if items <= 0:
        raise ScaleError("--items must be a positive number")
    today = today or timezone.localdate()
    progress = progress or (lambda line: None)
    rng = random.Random(seed)
    forces_load_from_csv()
    police = list(Force.objects.filter(kind=Force.Kind.POLICE, active_until__isnull=True).values_list("id", flat=True))
    fire = list(Force.objects.filter(kind=Force.Kind.FIRE, active_until__isnull=True).values_list("id", flat=True))
    every = list(Force.objects.filter(active_until__isnull=True).values_list("id", flat=True))
    programmes = list(Programme.objects.all())
    themes = dict(Theme.objects.values_list("slug", "id"))
    start_serial = Inspection.objects.filter(reference__startswith=SCALE_PREFIX).count()

    created = 0
    n_inspection = start_serial
    # One transaction: the WAL is flushed once, at the end (synchronous_commit off in _insert_items).
    with transaction.atomic():
        while created < items:
            # A batch: inspections and findings by bulk_create, then ~100,000 items in one statement.
            batch: list[tuple[Inspection, str, list[Finding]]] = []
            batch_items = 0
            while created + batch_items < items and batch_items < BATCH_ITEMS:
                n_inspection += 1
                published = today - dt.timedelta(days=rng.randint(0, 365 * 9))
                inspection = Inspection(
                    programme=rng.choice(programmes),
                    title=f"Scale inspection {n_inspection}",
                    reference=f"{SCALE_PREFIX}{n_inspection:07d}",
                    slug=inspection_slug(f"{SCALE_PREFIX}{n_inspection:07d}"),
                    published_on=published,
                    fieldwork_start=published - dt.timedelta(days=120),
                    fieldwork_end=published - dt.timedelta(days=100),
                    lead_inspector="Scale Inspector",
                    summary="Generated for benchmarks.",
                )
                scope = rng.choices(SCOPES, weights=(45, 10, 45))[0]
                force_ids = police if scope == "police" else fire if scope == "fire" else [rng.choice(every)]
                findings = []
                for n in range(rng.randint(3, 9)):
                    category = rng.choices([c for c, _ in Finding.Category.choices], weights=(10, 55, 35))[0]
                    prefix = "CoC" if category == "cause_of_concern" else "R" if category == "recommendation" else "AFI"
                    findings.append(
                        Finding(
                            category=category,
                            reference=f"{prefix}{n + 1}",
                            text=rng.choice(TEXTS),
                            target_date=published + dt.timedelta(days=rng.choice((90, 180, 365, 540))),
                            position=n,
                        )
                    )
                batch.append((inspection, ",".join(map(str, force_ids)), findings))
                batch_items += len(force_ids) * len(findings)
            Inspection.objects.bulk_create([inspection for inspection, _, _ in batch], batch_size=2000)
            for inspection, _, findings in batch:
                for finding in findings:
                    finding.inspection = inspection
            Finding.objects.bulk_create([f for _, _, findings in batch for f in findings], batch_size=2000)
            Finding.themes.through.objects.bulk_create(
                [
                    Finding.themes.through(finding_id=f.pk, theme_id=themes[TEXT_THEMES[TEXTS.index(f.text)]])
                    for _, _, findings in batch
                    for f in findings
                    if TEXT_THEMES[TEXTS.index(f.text)] in themes
                ],
                batch_size=5000,
            )
            _insert_items([(f, forces) for _, forces, findings in batch for f in findings], today=today)
            created += batch_items
            progress(_bar(min(created, items), items))
    # Fresh statistics for the planner, and (outside a transaction) the visibility map that lets
    # counts read only the indexes.
    with connection.cursor() as cursor:
        for table in ("inspections_trackeditem", "inspections_finding", "inspections_inspection"):
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {table}")
    # The items went in as plain SQL: the dashboard's summary is counted once, over all of them.
    counted_data_changed(force_ids=None)
    return TrackedItem.objects.filter(finding__inspection__reference__startswith=SCALE_PREFIX).count()


# The distribution: roughly the demo data's. Closed items carry a closing date; a fifth of the
# items past their target have had one approved extension.
ITEMS_SQL = """
WITH f AS (
    SELECT finding_id, target, unnest(string_to_array(forces, ','))::bigint AS force_id, published
    FROM (VALUES %s) AS v(finding_id, target, forces, published)
), r AS (
    SELECT f.*, random() AS roll, random() AS roll2, random() AS roll3 FROM f
), s AS (
    SELECT r.*,
      CASE
        WHEN target < %%(today)s - 400 AND roll < 0.70 THEN 'complete'
        WHEN target < %%(today)s - 400 AND roll < 0.74 THEN 'not_implemented'
        WHEN target < %%(today)s - 400 AND roll < 0.76 THEN 'withdrawn'
        WHEN roll < 0.15 THEN 'published'
        WHEN roll < 0.35 THEN 'submitted'
        WHEN roll < 0.55 THEN 'complete'
        ELSE 'in_progress'
      END AS status,
      CASE WHEN roll2 < 0.08 THEN 'pending' WHEN roll2 < 0.82 THEN 'accepted'
           WHEN roll2 < 0.95 THEN 'partially_accepted' ELSE 'not_accepted' END AS response,
      CASE WHEN target < %%(today)s AND roll3 < 0.2 THEN 1 ELSE 0 END AS extended
    FROM r
)
INSERT INTO inspections_trackeditem (
    created_at, updated_at, finding_id, force_id, response, response_reason, responded_on, status,
    original_target_date, current_target_date, extension_count, submitted_on, closed_on,
    closing_note, latest_progress, last_update_at, version, entered_on)
SELECT now(), now(), finding_id, force_id, response,
       CASE WHEN response IN ('partially_accepted', 'not_accepted') THEN 'Covered by the existing plan.' ELSE '' END,
       CASE WHEN response = 'pending' THEN NULL ELSE published + 40 END,
       CASE WHEN status = 'in_progress' AND response = 'pending' THEN 'published' ELSE status END,
       target, target + extended * 180, extended,
       CASE WHEN status = 'submitted' THEN LEAST(%%(today)s, target + 10) END,
       CASE WHEN status IN ('complete', 'not_implemented', 'withdrawn') THEN LEAST(%%(today)s, target + 20) END,
       '', '',
       CASE WHEN status IN ('in_progress', 'submitted') THEN (LEAST(%%(today)s, target) - (roll3 * 200)::int)::timestamptz END,
       1, published
FROM s
"""


def _insert_items(batch: list[tuple[Finding, str]], *, today: dt.date) -> None:
    values = ",".join(["(%s::bigint, %s::date, %s, %s::date)"] * len(batch))
    params: list = []
    for finding, forces in batch:
        params += [finding.pk, finding.target_date, forces, finding.inspection.published_on]
    with transaction.atomic(), connection.cursor() as cursor:
        # Generated benchmark data: losing it in a crash costs nothing, so skip the wait for the
        # WAL flush at commit.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        sql = ITEMS_SQL % values
        # psycopg2 takes one parameter style per statement: named for today, positional for rows.
        sql = sql.replace("%(today)s", cursor.mogrify("%s", [today]).decode())
        cursor.execute(sql, params)


TEXTS = [
    "Within six months, the force should make sure that every missing child is risk assessed and the assessment reviewed by a supervisor.",
    "The force should make sure that it records crime accurately, including crimes reported as part of incidents.",
    "By 31 March, all chief constables should satisfy themselves that their vetting decisions are recorded with their rationale.",
    "The service should make sure its firefighters have good access to relevant and up-to-date risk information.",
    "Within three months, the force should put in place an action plan to improve its response to domestic abuse.",
    "The force should improve how it manages registered sex offenders, including the timeliness of home visits.",
    "Chief fire officers should make sure their services have an effective confidential reporting line.",
    "The force should make sure that suspects released under investigation are managed and victims kept informed.",
]

# Each text's theme (the same position in TEXTS), so the register's theme filters have data.
TEXT_THEMES = [
    "child-protection",
    "crime-recording",
    "vetting",
    "protection",
    "vawg",
    "child-protection",
    "leadership-and-culture",
    "response",
]


def print_progress(line: str) -> None:
    sys.stderr.write("\r" + line)
    sys.stderr.flush()
