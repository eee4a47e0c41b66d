"""Writes: check an uploaded file into a preview, then save every row of it in one transaction.

Saving uses bulk_create in batches: 10,000 rows, or 200 rows addressed to every police force
(8,600 tracked items), are a few thousand INSERT statements, not hundreds of thousands. Rows
created this way bypass django-simple-history; the ItemEvent(kind=CREATED) written for every
item is their audit record."""

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.cache import data_changed
from core.dates import date_bounds, long_date
from core.refusals import Refusal
from core.spreadsheets import FORMULA_PREFIXES
from forces.models import Force
from imports.models import ImportBatch
from imports.parsing import ParsedFile, cell_text, file_read
from inspections.models import Finding, Inspection, ItemEvent, Theme, TrackedItem

logger = logging.getLogger(__name__)

ALL_POLICE = "all police forces"
ALL_FIRE = "all fire and rescue services"
CATEGORY_WORDS = {
    "cause_of_concern": Finding.Category.CAUSE_OF_CONCERN,
    "cause of concern": Finding.Category.CAUSE_OF_CONCERN,
    "coc": Finding.Category.CAUSE_OF_CONCERN,
    "recommendation": Finding.Category.RECOMMENDATION,
    "rec": Finding.Category.RECOMMENDATION,
    "area_for_improvement": Finding.Category.AREA_FOR_IMPROVEMENT,
    "area for improvement": Finding.Category.AREA_FOR_IMPROVEMENT,
    "afi": Finding.Category.AREA_FOR_IMPROVEMENT,
}
COLUMN_LABELS = {
    "reference": "reference",
    "category": "category",
    "text": "text",
    "forces": "forces",
    "target_date": "target date",
    "cause_of_concern": "cause of concern",
    "themes": "themes",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")
REFERENCE_MAX = Finding._meta.get_field("reference").max_length
CHUNK_ROWS = 500
BATCH_SIZE = 2000
PROGRESS_TIMEOUT = 60 * 60


class ImportRunError(Refusal):
    """Saving failed and the transaction was rolled back; the message is shown to the user."""


def _progress_key(batch_id: object) -> str:
    return f"imports:progress:{batch_id}"


def _cache():
    # A cache every process can read (files under var/ by default, or Redis): the worker writes
    # the count, the web process reads it.
    return caches[settings.IMPORT_PROGRESS_CACHE]


def import_progress_get(*, batch: ImportBatch) -> int:
    """Rows saved so far. Written to the cache because the saving transaction's own writes are
    invisible to other connections until it commits."""
    if batch.state == ImportBatch.State.DONE:
        return batch.row_count
    return int(_cache().get(_progress_key(batch.pk), 0))


class _ForceDirectory:
    """Organisations (forces, services, national bodies) matched by name (any case, with or without
    a leading "the") or slug; the two "all ..." phrases by kind. A part may list several, joined by
    " and " ("all fire and rescue services and the National Fire Chiefs Council"): the longest run
    of words that names something is taken first, so "Avon and Somerset Police" stays one."""

    def __init__(self) -> None:
        forces = list(Force.objects.values_list("id", "name", "slug", "kind", "active_until"))
        self.by_key: dict[str, tuple[int, str]] = {}
        for pk, name, slug, _kind, _until in forces:
            self.by_key[name.casefold()] = (pk, name)
            self.by_key[slug.casefold()] = (pk, name)
        self.all_police = [pk for pk, _n, _s, kind, until in forces if kind == Force.Kind.POLICE and until is None]
        self.all_fire = [pk for pk, _n, _s, kind, until in forces if kind == Force.Kind.FIRE and until is None]

    def _one(self, key: str) -> list[int] | None:
        key = key.removeprefix("the ")
        if key == ALL_POLICE:
            return self.all_police
        if key == ALL_FIRE:
            return self.all_fire
        if key in self.by_key:
            return [self.by_key[key][0]]
        return None

    def _listed(self, key: str) -> list[int] | None:
        """A part naming several organisations joined by " and ", or None if any run is unknown."""
        words = key.split(" and ")
        ids: list[int] = []
        start = 0
        while start < len(words):
            for end in range(len(words), start, -1):
                found = self._one(" and ".join(words[start:end]))
                if found is not None:
                    ids += found
                    start = end
                    break
            else:
                return None
        return ids

    def resolve(self, text: str) -> tuple[list[int], list[str]]:
        ids: list[int] = []
        problems: list[str] = []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            found = self._listed(" ".join(part.split()).casefold())
            if found is None:
                problems.append(f'Forces: "{part}" is not a force or service we know. Check the spelling')
            else:
                ids += found
        return list(dict.fromkeys(ids)), problems


def _themes_resolve(text: str, themes: dict[str, tuple[int, str]]) -> tuple[list[int], list[str]]:
    """Theme names or slugs separated by ";" (any case) -> theme ids, and a problem per unknown one."""
    ids: list[int] = []
    problems: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        found = themes.get(" ".join(part.split()).casefold())
        if found is None:
            problems.append(
                f'Themes: "{part}" is not one of the themes. Check the list of themes, or ask for it to be added'
            )
        elif found[0] not in ids:
            ids.append(found[0])
    return ids, problems


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _formula_problem(column: str, raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    if raw.startswith(FORMULA_PREFIXES) or raw.lstrip(" ").startswith(FORMULA_PREFIXES):
        first = raw.lstrip(" ")[:1]
        shown = {"\t": "a tab", "\r": "a carriage return"}.get(first, f'"{first}"')
        return (
            f"{COLUMN_LABELS[column].capitalize()}: starts with {shown}, which a spreadsheet would run as a "
            f"formula. Start the cell with a letter or a number"
        )
    return None


def _check_rows(*, parsed: ParsedFile, inspection: Inspection) -> tuple[list[dict], int, int]:
    """Every row as it will be saved, with every problem found in it."""
    directory = _ForceDirectory()
    themes = {}
    for pk, name, slug in Theme.objects.values_list("id", "name", "slug"):
        themes[name.casefold()] = themes[slug.casefold()] = (pk, name)
    existing = dict(Finding.objects.filter(inspection=inspection).values_list("reference", "category"))
    existing_folded = {ref.casefold(): ref for ref in existing}
    file_categories: dict[str, str] = {}
    first_line_of: dict[str, int] = {}
    rows: list[dict] = []
    for line, cells in parsed.rows:
        problems: list[str] = []
        for column, raw in cells.items():
            problem = _formula_problem(column, raw)
            if problem:
                problems.append(problem)
        reference = cell_text(cells.get("reference")).strip()
        category_text = cell_text(cells.get("category")).strip()
        text = cell_text(cells.get("text")).strip()
        forces_text = cell_text(cells.get("forces")).strip()
        target_raw = cells.get("target_date")
        concern_ref = cell_text(cells.get("cause_of_concern")).strip()
        theme_ids, theme_problems = _themes_resolve(cell_text(cells.get("themes")), themes)
        problems += theme_problems

        if not reference:
            problems.append("Reference: enter the finding's reference, for example R3")
        elif len(reference) > REFERENCE_MAX:
            problems.append(f"Reference: must be {REFERENCE_MAX} characters or fewer")
        else:
            folded = reference.casefold()
            if folded in first_line_of:
                problems.append(f"Reference: {reference} is also used on row {first_line_of[folded]}")
            elif folded in existing_folded:
                problems.append(f"Reference: {reference} already exists in this inspection")
            else:
                first_line_of[folded] = line

        category = CATEGORY_WORDS.get(" ".join(category_text.lower().split()).replace("-", " "))
        if category is None:
            category = CATEGORY_WORDS.get(category_text.lower())
        if category is None:
            problems.append(
                "Category: enter cause of concern, recommendation or area for improvement"
                if not category_text
                else f'Category: "{category_text}" is not one of cause of concern, recommendation, area for improvement'
            )
        elif reference:
            file_categories.setdefault(reference.casefold(), category)

        if not text:
            problems.append("Text: enter the text of the finding")

        force_ids: list[int] = []
        if not forces_text:
            problems.append('Forces: enter the forces addressed, separated by ";", or "all police forces"')
        else:
            force_ids, force_problems = directory.resolve(forces_text)
            problems += force_problems
            if not force_ids and not force_problems:
                problems.append("Forces: no active force matches")

        target_date: str | None = None
        if target_raw not in (None, "") and cell_text(target_raw).strip():
            try:
                target_date = _parse_date(target_raw).isoformat()
            except ValueError:
                problems.append(
                    f'Target date: "{cell_text(target_raw).strip()}" is not a real date. Write it as 31/03/2027 '
                    f"or 2027-03-31"
                )
            else:
                earliest, latest = date_bounds()
                if not earliest.isoformat() <= target_date <= latest.isoformat():
                    problems.append(f"Target date: must be between {long_date(earliest)} and {long_date(latest)}")
                    target_date = None

        rows.append(
            {
                "line": line,
                "reference": reference,
                "category": category or category_text,
                "text": text,
                "forces_label": forces_text,
                "force_ids": force_ids,
                "target_date": target_date,
                "cause_of_concern": concern_ref,
                "theme_ids": theme_ids,
                "problems": problems,
            }
        )

    # A second pass, once every row's category is known: causes of concern may come later in the file.
    for row in rows:
        concern_ref = row["cause_of_concern"]
        if not concern_ref:
            continue
        if row["category"] != Finding.Category.RECOMMENDATION:
            row["problems"].append("Cause of concern: only a recommendation answers a cause of concern")
            continue
        folded = concern_ref.casefold()
        category = file_categories.get(folded)
        if category is None and folded in existing_folded:
            category = existing[existing_folded[folded]]
        if category is None:
            row["problems"].append(f"Cause of concern: {concern_ref} is neither in the file nor in this inspection")
        elif category != Finding.Category.CAUSE_OF_CONCERN:
            row["problems"].append(f"Cause of concern: {concern_ref} is not a cause of concern")

    problem_count = sum(len(row["problems"]) for row in rows)
    item_count = sum(len(row["force_ids"]) for row in rows)
    return rows, problem_count, item_count


def import_batch_create(*, user: User, inspection: Inspection, data: bytes, name: str) -> ImportBatch:
    """Read and check a file into a preview. Raises ImportFileError for a file that cannot be read
    at all; problems with single rows are kept on the batch, to be shown row by row."""
    parsed = file_read(data=data)
    rows, problem_count, item_count = _check_rows(parsed=parsed, inspection=inspection)
    return ImportBatch.objects.create(
        inspection=inspection,
        uploaded_by=user,
        original_name=name[:255],
        rows=rows,
        row_count=len(rows),
        problem_count=problem_count,
        item_count=item_count,
    )


def import_batch_confirm(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Claim a checked batch for saving, once (a second click finds it claimed already). Small
    batches are saved now; large ones by the Celery worker, while a progress page refreshes."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, state=ImportBatch.State.PREVIEW, problem_count=0, row_count__gt=0
    ).update(state=ImportBatch.State.QUEUED, updated_at=timezone.now())
    batch.refresh_from_db()
    if not claimed:
        return batch
    if batch.row_count <= settings.IMPORT_INLINE_MAX_ROWS:
        import_batch_run(batch_id=batch.pk)
        batch.refresh_from_db()
    else:
        transaction.on_commit(lambda: _schedule_run(batch_id=batch.pk))
    return batch


def _schedule_run(*, batch_id: object) -> None:
    """Hand a claimed batch to the worker; with the broker down, save it here instead (one
    connection attempt, no retries: the request does not wait on a dead broker)."""
    from imports.tasks import run_import

    try:
        run_import.apply_async(args=[str(batch_id)], retry=True, retry_policy={"max_retries": 0})
    except Exception as error:  # noqa: BLE001 - any broker error
        logger.warning(
            "broker unreachable; import %s saved in the request",
            batch_id,
            extra={"event": "import_inline_fallback", "batch": str(batch_id), "error": str(error)},
        )
        try:
            import_batch_run(batch_id=batch_id)
        except ImportRunError:
            pass  # recorded on the batch (state failed, with its message) for the progress page


def _concern_ids(inspection: Inspection) -> dict[str, int]:
    return {
        ref.casefold(): pk
        for pk, ref in Finding.objects.filter(
            inspection=inspection, category=Finding.Category.CAUSE_OF_CONCERN
        ).values_list("id", "reference")
    }


def _save_chunk(*, rows: list[dict], inspection: Inspection, concern_ids: dict[str, int], user_id: int, now) -> int:
    findings = [
        Finding(
            inspection=inspection,
            category=row["category"],
            reference=row["reference"],
            text=row["text"],
            target_date=dt.date.fromisoformat(row["target_date"]) if row["target_date"] else None,
            cause_of_concern_id=concern_ids.get(row["cause_of_concern"].casefold())
            if row["cause_of_concern"]
            else None,
            position=row["line"],
        )
        for row in rows
    ]
    Finding.objects.bulk_create(findings, batch_size=BATCH_SIZE)
    Finding.themes.through.objects.bulk_create(
        [
            Finding.themes.through(finding_id=finding.pk, theme_id=theme_id)
            for finding, row in zip(findings, rows, strict=True)
            for theme_id in row.get("theme_ids", [])
        ],
        batch_size=BATCH_SIZE,
    )
    items = [
        TrackedItem(
            finding_id=finding.pk,
            force_id=force_id,
            original_target_date=finding.target_date,
            current_target_date=finding.target_date,
        )
        for finding, row in zip(findings, rows, strict=True)
        for force_id in row["force_ids"]
    ]
    TrackedItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
    ItemEvent.objects.bulk_create(
        [
            ItemEvent(
                item_id=item.pk,
                kind=ItemEvent.Kind.CREATED,
                at=now,
                actor_id=user_id,
                to_status=TrackedItem.Status.PUBLISHED,
                target_date=item.current_target_date,
            )
            for item in items
        ],
        batch_size=BATCH_SIZE,
    )
    return len(items)


def import_batch_run(*, batch_id: object) -> ImportBatch:
    """Save every row of a claimed batch in ONE transaction, or none of them."""
    started = time.monotonic()
    claimed = ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.QUEUED).update(
        state=ImportBatch.State.RUNNING, started_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("inspection").get(pk=batch_id)
    if not claimed:
        return batch  # already running or finished elsewhere: running it twice must not save twice
    key = _progress_key(batch.pk)
    progress = _cache()
    progress.set(key, 0, PROGRESS_TIMEOUT)
    rows = batch.rows
    now = timezone.now()
    try:
        with transaction.atomic():
            # Causes of concern first, so the recommendations that answer them can point at them.
            concerns = [row for row in rows if row["category"] == Finding.Category.CAUSE_OF_CONCERN]
            others = [row for row in rows if row["category"] != Finding.Category.CAUSE_OF_CONCERN]
            done = 0
            for chunk_rows in (concerns, *[others[i : i + CHUNK_ROWS] for i in range(0, len(others), CHUNK_ROWS)]):
                if not chunk_rows:
                    continue
                concern_ids = _concern_ids(batch.inspection) if chunk_rows is not concerns else {}
                _save_chunk(
                    rows=chunk_rows,
                    inspection=batch.inspection,
                    concern_ids=concern_ids,
                    user_id=batch.uploaded_by_id,
                    now=now,
                )
                done += len(chunk_rows)
                progress.set(key, done, PROGRESS_TIMEOUT)
            ImportBatch.objects.filter(pk=batch.pk).update(
                state=ImportBatch.State.DONE, rows_done=done, finished_at=timezone.now()
            )
    except IntegrityError as error:
        logger.warning(
            "import %s rolled back: %s",
            batch.pk,
            error,
            extra={"event": "import_rolled_back", "batch": str(batch.pk), "error": str(error)},
        )
        message = (
            "Nothing was saved: a finding with one of these references was added to the inspection "
            "while you were checking the file. Upload the file again to see which."
        )
        _fail(batch_id=batch.pk, message=message)
        raise ImportRunError(message) from error
    except Exception as error:
        _fail(batch_id=batch.pk, message="Nothing was saved: the import failed. Try again, or ask for help.")
        raise ImportRunError(str(error)) from error
    finally:
        progress.delete(key)
    data_changed(committed=True)  # the dashboard counts the new items
    seconds = round(time.monotonic() - started, 3)
    logger.info(
        "import %s saved %d rows and %d items in %.1f s",
        batch.pk,
        len(rows),
        batch.item_count,
        seconds,
        extra={
            "event": "import_saved",
            "batch": str(batch.pk),
            "rows": len(rows),
            "items": batch.item_count,
            "seconds": seconds,
        },
    )
    batch.refresh_from_db()
    return batch


def _fail(*, batch_id: object, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportBatch.State.FAILED, error=message, finished_at=timezone.now(), rows_done=0
    )


def inspection_create(*, programme_id: int, reference: str, title: str, published_on: dt.date | None) -> Inspection:
    return Inspection.objects.create(
        programme_id=programme_id, reference=reference, title=title, published_on=published_on
    )
