"""Importing 10,000 rows with their history: the largest file the limits allow (IMPORT_MAX_ROWS rows,
IMPORT_MAX_BYTES a file), every row with its item's state, and a history file of 10,000 dated
status changes, across twenty reports created by the import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python bench/import_history.py [--write-readme]

PostgreSQL only; the data goes into its own database (DATABASE_URL's name + "_import", created and
migrated if missing) and what the import created is deleted afterwards. Measures checking the files
into a preview and saving it (one transaction: inspections, findings, items, events, history
records, the clocks' past), and the same file without the history, for comparison. Targets: both
files within the limits, and saving within the worker's time limit for an import (the Celery task's
soft limit, 840 s); the check, which runs in the web request, within 60 s. With --write-readme the
table replaces the one between the import-history markers in README.md."""

import argparse
import csv
import io
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from django_setup import django_setup, own_postgresql_database  # noqa: E402  (bench/ is on sys.path when run as a script)

CHECK_TARGET_S = 60.0
SAVE_TARGET_S = 840.0  # imports.tasks.run_import's soft time limit
REPORTS = 20
STATUSES = ("awaiting review", "being progressed", "complete", "in progress", "no longer relevant")
MARKERS = ("<!-- bench:import-history -->", "<!-- /bench:import-history -->")


def setup() -> None:
    own_postgresql_database(script="import_history.py", suffix="_import")
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_forces", verbosity=0)


def files(rows: int, *, history: bool, run: str) -> tuple[bytes, bytes | None]:
    """A findings file of `rows` rows (twenty reports, one organisation a row as registers list
    them, the state of each item) and a history file of one dated change per row."""
    from forces.models import Force

    rng = random.Random(2016)
    names = list(Force.objects.filter(active_until__isnull=True).values_list("name", flat=True))
    findings = io.StringIO()
    writer = csv.writer(findings)
    state = ["status", "response", "response_date", "closed_on", "last_progress"] if history else []
    writer.writerow(
        [
            "report_reference",
            "report_title",
            "programme",
            "published",
            "reference",
            "category",
            "text",
            "forces",
            *state,
        ]
    )
    changes = io.StringIO()
    history_writer = csv.writer(changes)
    history_writer.writerow(["report", "reference", "force", "date", "status", "comment"])
    per_report = rows // REPORTS
    for n in range(rows):
        report, number = divmod(n, per_report)
        year = 2016 + report % 9
        reference = f"{run}-{report}"
        force = names[number % len(names)]
        finding = f"R{number // len(names)}"
        status = rng.choice(STATUSES)
        closed = status in ("complete", "no longer relevant")
        extra = []
        if history:
            extra = [
                "" if closed else status,
                "accepted",
                f"01/03/{year + 1}",
                f"01/06/{year + 2}" if closed else "",
                f"01/02/{year + 1}",
            ]
        writer.writerow(
            [
                reference,
                f"Benchmark report {report}",
                "PEEL",
                f"01/01/{year}",
                finding,
                "recommendation",
                f"Within six months, the force should act on finding {number // len(names)} of report {report}.",
                force,
                *extra,
            ]
        )
        if history:
            history_writer.writerow(
                [reference, finding, force, f"01/06/{year + 2}" if closed else f"01/05/{year + 1}", status, "Reviewed."]
            )
    return findings.getvalue().encode(), changes.getvalue().encode() if history else None


def measure(user, rows: int, *, history: bool) -> dict:
    from imports.models import ImportBatch
    from imports.services import import_batch_create, import_batch_run
    from inspections.models import Inspection

    run = f"BENCH{time.time_ns() % 10**9}"
    data, changes = files(rows, history=history, run=run)
    started = time.monotonic()
    batch = import_batch_create(
        user=user, inspection=None, data=data, name="bench.csv", history_data=changes, history_name="history.csv"
    )
    checked = time.monotonic()
    assert batch.problem_count == 0, [r["problems"] for r in batch.rows if r["problems"]][:3] + batch.history_problems[
        :3
    ]
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.QUEUED)
    batch = import_batch_run(batch_id=batch.pk)
    saved = time.monotonic()
    assert batch.state == ImportBatch.State.DONE, batch.error
    created = Inspection.objects.filter(reference__startswith=run)
    from inspections.models import ItemEvent, TrackedItem

    result = {
        "rows": rows,
        "history": history,
        "megabytes": (len(data) + len(changes or b"")) / 1e6,
        "history_lines": batch.history_row_count,
        "items": TrackedItem.objects.filter(finding__inspection__in=created).count(),
        "events": ItemEvent.objects.filter(item__finding__inspection__in=created).count(),
        "check": checked - started,
        "save": saved - checked,
    }
    for inspection in created:
        inspection.delete()
    ImportBatch.objects.filter(pk=batch.pk).delete()
    return result


def table(results: list[dict]) -> str:
    lines = [
        "| file | size | check (web request) | save (one transaction) | items | timeline events | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        name = f"{r['rows']:,} rows" + (f" with state and {r['history_lines']:,} history lines" if r["history"] else "")
        ok = r["check"] <= CHECK_TARGET_S and r["save"] <= SAVE_TARGET_S and r["megabytes"] <= 5
        lines.append(
            f"| {name} | {r['megabytes']:.1f} MB | {r['check']:.1f} s | {r['save']:.1f} s | {r['items']:,} | "
            f"{r['events']:,} | {'pass' if ok else 'MISSED'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import GROUP_NAMES, Role

    assert args.rows <= settings.IMPORT_MAX_ROWS, "more rows than an import may hold"
    user, _ = User.objects.get_or_create(username="bench.staff", defaults={"email": "bench@example.org"})
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.STAFF]))
    results = [measure(user, args.rows, history=True), measure(user, args.rows, history=False)]
    text = table(results)
    print(text)
    if args.write_readme:
        readme = ROOT / "README.md"
        content = readme.read_text()
        pattern = re.compile(re.escape(MARKERS[0]) + ".*?" + re.escape(MARKERS[1]), re.DOTALL)
        if not pattern.search(content):
            sys.exit("README.md has no import-history markers")
        readme.write_text(pattern.sub(lambda _: f"{MARKERS[0]}\n{text}\n{MARKERS[1]}", content))
        print("README.md updated")
    missed = [r for r in results if r["check"] > CHECK_TARGET_S or r["save"] > SAVE_TARGET_S or r["megabytes"] > 5]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
