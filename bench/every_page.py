"""Every page, over HTTP, against gunicorn as deployed: the benchmark's list of pages is the URL
configuration's (bench/routes.py; a test keeps the two in step).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python bench/every_page.py \
        [--items 1000000] [--runs 10] [--only dashboard] [--write-readme]

Fills the database with seed_scale when it holds fewer items than asked (the demo data first, for
the reviews, evidence and replies some pages need). Starts gunicorn (gunicorn.conf.py, DEBUG off,
the shared cache in Redis as in production: CACHE_URL, default redis://127.0.0.1:6379/5) on
loopback, signs in the roles of bench/routes.py (a session each, past both sign-in steps), then
for every route, role and variant:

- median and p95 of --runs requests after one warm-up, on one kept-alive connection, the whole
  body read; its size;
- its SQL floor: the very statements the page ran (captured in this process through Django's test
  client, as the same user), executed bare on a cursor;
- for lists, the Django admin changelist on the same filter, over HTTP as the lead.

The dashboard is timed again straight after a write: before each request a liaison officer posts a
progress update through the service (as bench/writer.py), which moves the figures and drops the
cached page. The public register's pages are timed uncached (the shared cache cleared before each
request).

Targets (a row says PASS or MISS; "-" is for information): a page's p95 <= 100 ms; the dashboard
straight after a write p95 <= 50 ms; a list's median <= 2 x its floor + 10 ms and below the
admin's; every HTML page under 1 MB; a CSV download >= 50,000 rows/s. Other whole files (Excel,
Word) are shown for information. Writes var/bench-every-page.json; --write-readme replaces the
README's table between its every-page markers with this run's. Exits 1 on a MISS.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import ROOT, django_setup, session_cookie

os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/5")
django_setup(ALLOWED_HOSTS="testserver,127.0.0.1")

import routes  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts import two_factor  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts.roles import GROUP_NAMES, Role  # noqa: E402
from forces.models import Force, LiaisonMembership  # noqa: E402
from inspections.models import TrackedItem  # noqa: E402

PAGE_P95_MS = 100.0
AFTER_WRITE_P95_MS = 50.0
HTML_MAX_BYTES = 1_000_000
CSV_ROWS_PER_S = 50_000
README_START, README_END = "<!-- every-page:start -->", "<!-- every-page:end -->"
# What is timed as a page (p95 <= 100 ms); anything else is a whole file, a download.
PAGE_TYPES = (
    "text/html",
    "application/json",
    "application/vnd.oai.openapi",
    "text/xml",
    "application/xml",
    "application/rss",
    "application/atom",
    "text/plain",
    "text/calendar",
    "text/javascript",
)
RESULTS = ROOT / "var" / "bench-every-page.json"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


# -- the users and their sessions ---------------------------------------------------------------


def bench_users(force: Force) -> tuple[User, User]:
    lead, _ = User.objects.get_or_create(
        username="bench.lead", defaults={"is_superuser": True, "is_staff": True, "email": "bench.lead@example.org"}
    )
    lead.groups.add(*Group.objects.filter(name__in=[GROUP_NAMES[Role.STAFF], GROUP_NAMES[Role.MANAGER]]))
    liaison, _ = User.objects.get_or_create(username="bench.liaison", defaults={"email": "bench.liaison@example.org"})
    liaison.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    LiaisonMembership.objects.get_or_create(user=liaison, force=force)
    return lead, liaison


def test_client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        session = client.session
        session[two_factor.SESSION_KEY] = two_factor.BY_CODE
        session.save()
    return client


# -- gunicorn -----------------------------------------------------------------------------------


def gunicorn_start(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "BIND": f"127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "bench-every-page-gunicorn.log", "w")
    process = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "config.wsgi",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection_.request("GET", "/healthz")
            if connection_.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    sys.exit("bench/every_page.py: gunicorn did not answer /healthz (var/bench-every-page-gunicorn.log)")


class Http:
    """One kept-alive connection, as a browser would hold."""

    def __init__(self, port: int, cookie: str | None) -> None:
        self.port, self.cookie = port, cookie
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, path: str) -> tuple[int, bytes, str]:
        headers = {"Host": "127.0.0.1", "Accept-Encoding": "identity"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                body = response.read()
                kind = response.getheader("Content-Type", "")
                if "attachment" in response.getheader("Content-Disposition", ""):
                    kind += "; attachment"
                return response.status, body, kind
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def timed(http: Http, path: str, runs: int, before=None) -> tuple[list[float], int, int, str, bytes]:
    status, body, kind = http.get(path)  # warm-up
    samples = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        status, body, kind = http.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, status, len(body), kind, body


def floor_of(client: Client, path: str, runs: int, *, clear_cache: bool, before=None) -> list[float]:
    """The statements the page ran, executed bare on a cursor (transaction control left out); for
    a page timed straight after a write, the statements it ran straight after one."""
    if clear_cache:
        cache.clear()
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass
    skip = ("SAVEPOINT", "RELEASE", "DECLARE", "FETCH", "CLOSE", "BEGIN", "COMMIT", "ROLLBACK")
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith(skip)]
    samples = []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                    continue  # the session's save and audit rows: not part of reading the page
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
        if attempt:
            samples.append((time.perf_counter() - started) * 1000)
    return samples


# -- the writer for "straight after a write" ----------------------------------------------------


class Writer:
    def __init__(self, force: Force, liaison: User) -> None:
        from core.dates import london_today
        from inspections import rules

        published = rules.published_q(today=london_today(), path="finding__inspection__")
        self.items = list(
            TrackedItem.objects.filter(rules.open_q(), published, force=force)
            .order_by("id")
            .values_list("pk", flat=True)[:50]
        )
        self.liaison, self.n = liaison, 0

    def __call__(self) -> None:
        from inspections.services import item_update_post

        item = TrackedItem.objects.get(pk=self.items[self.n % len(self.items)])
        self.n += 1
        item_update_post(item=item, user=self.liaison, version=item.version, narrative=f"Benchmark update {self.n}.")


# -- verdicts and output ------------------------------------------------------------------------


def verdict(row: dict) -> tuple[str, str]:
    """PASS, MISS or '-' and, for a MISS, why."""
    if row["status"] != 200:
        return "MISS", f"answered {row['status']}"
    why = []
    kind = row["content_type"].split(";")[0].strip()
    if kind == "text/csv" and row["csv_rows"] >= 1000:
        if row["rows_per_s"] < CSV_ROWS_PER_S:
            why.append(f"{row['rows_per_s']:,.0f} rows/s < {CSV_ROWS_PER_S:,}")
        return ("MISS" if why else "PASS"), "; ".join(why)
    if row["file"]:
        return "-", "a whole file, for information"
    limit = AFTER_WRITE_P95_MS if row["after_write"] else PAGE_P95_MS
    if row["p95"] > limit:
        why.append(f"p95 > {limit:.0f}")
    if kind == "text/html" and row["bytes"] > HTML_MAX_BYTES:
        why.append("HTML > 1 MB")
    if row["is_list"] and row["median"] > 2 * row["floor"] + 10:
        why.append("> 2 x floor + 10")
    if row["is_list"] and row["admin"] is not None and row["median"] >= row["admin"]:
        why.append("not faster than the admin")
    return ("MISS" if why else "PASS"), "; ".join(why)


def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def fmt_size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


def table(rows: list[dict], *, markdown: bool) -> str:
    heads = ["page", "role", "median", "p95", "size", "floor", "ratio", "admin", "target"]
    lines = []
    if markdown:
        lines += ["| " + " | ".join(heads) + " |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    else:
        lines.append(
            f"{'page':64} {'role':8} {'median':>8} {'p95':>8} {'size':>9} {'floor':>7} {'ratio':>6} {'admin':>7}  target"
        )
    for row in rows:
        label = row["route"] + (f" ({row['variant']})" if row["variant"] else "")
        ratio = f"{row['median'] / max(row['floor'], 0.1):.1f}" if row["floor"] is not None else "–"
        target = row["verdict"].lower() if row["verdict"] != "-" else "–"
        if row["why"] and row["verdict"] == "MISS":
            target += f": {row['why']}"
        elif row["verdict"] == "PASS" and row.get("rows_per_s"):
            target += f" ({row['rows_per_s']:,.0f} rows/s)"
        cells = [
            label,
            row["role"],
            fmt_ms(row["median"]),
            fmt_ms(row["p95"]),
            fmt_size(row["bytes"]),
            fmt_ms(row["floor"]),
            ratio,
            fmt_ms(row["admin"]),
            target,
        ]
        if markdown:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        else:
            lines.append(
                f"{cells[0][:64]:64} {cells[1]:8} {cells[2]:>8} {cells[3]:>8} {cells[4]:>9} {cells[5]:>7} {cells[6]:>6} {cells[7]:>7}  {cells[8]}"
            )
    return "\n".join(lines)


def write_readme(result: dict) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        sys.exit(f"README.md has no {README_START} … {README_END} markers")
    rows = result["rows"]
    passed = sum(1 for r in rows if r["verdict"] == "PASS")
    missed = sum(1 for r in rows if r["verdict"] == "MISS")
    body = (
        f"{README_START}\n"
        f"Generated by `python bench/every_page.py --write-readme` on {result['when']}: "
        f"{result['items']:,} tracked items, {result['routes']} routes, {len(rows)} rows, "
        f"{result['runs']} runs each, milliseconds; {passed} pass, {missed} miss, "
        f"{len(rows) - passed - missed} for information.\n\n" + table(rows, markdown=True) + f"\n{README_END}"
    )
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    readme.write_text(text[:start] + body + text[end:])


# -- the run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", default="", help="time only routes whose name contains this")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/every_page.py measures PostgreSQL: set DATABASE_URL=postgres://.../tracker_bench")
    missing = set(routes.app_routes()) - set(routes.PAGES) - set(routes.NOT_TIMED)
    if missing:
        sys.exit(f"bench/routes.py does not cover: {', '.join(sorted(missing))}")
    have = TrackedItem.objects.count()
    if have < args.items:
        from django.core.management import call_command

        from demo.scale import print_progress, scale_seed

        if not User.objects.filter(username__startswith="liaison.").exists():
            call_command("load_demo", "--force")
        print(f"Seeding {args.items - have:,} items (have {have:,})...", file=sys.stderr)
        scale_seed(items=args.items - have, progress=print_progress)
        print(file=sys.stderr)

    force = Force.objects.annotate(n=Count("items")).order_by("-n").first()
    lead, liaison = bench_users(force)
    context = routes.Context(lead=lead, liaison=liaison, force=force)
    context.prepare()
    users = {"lead": lead, "liaison": liaison, "public": None}
    cookies = {role: session_cookie(user) if user else None for role, user in users.items()}
    clients = {role: test_client(user) for role, user in users.items()}
    cache.clear()

    server = gunicorn_start(args.port)
    rows: list[dict] = []
    try:
        https = {role: Http(args.port, cookie) for role, cookie in cookies.items()}
        for name in routes.app_routes():
            page = routes.PAGES.get(name)
            if page is None or (args.only and args.only not in name):
                continue
            variants = page.build(context)
            admins = page.admin(context) if page.admin else []
            for role in page.roles:
                for index, (variant, path) in enumerate(variants):
                    rows.append(
                        measure(
                            name,
                            variant,
                            role,
                            path,
                            page,
                            runs=page.runs or args.runs,
                            http=https[role],
                            client=clients[role],
                            admin_path=admins[index] if role == "lead" and index < len(admins) else None,
                            admin_http=https["lead"],
                        )
                    )
                    print(table(rows[-1:], markdown=False).splitlines()[-1], flush=True)
        if not args.only or args.only in "dashboard":
            writer = Writer(force, liaison)
            region = f"/?region={force.region.replace(' ', '+')}"
            for role, variant, path in (("lead", "national", "/"), ("lead", "region", region), ("liaison", "", "/")):
                rows.append(
                    measure(
                        "dashboard",
                        f"{variant + ', ' if variant else ''}straight after a write",
                        role,
                        path,
                        routes.PAGES["dashboard"],
                        runs=args.runs,
                        http=https[role],
                        client=clients[role],
                        admin_path=None,
                        admin_http=None,
                        before=writer,
                    )
                )
                print(table(rows[-1:], markdown=False).splitlines()[-1], flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    result = {
        "when": time.strftime("%Y-%m-%d"),
        "items": TrackedItem.objects.count(),
        "routes": len(routes.app_routes()),
        "runs": args.runs,
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(result, indent=1))
    print()
    print(f"Every page at {result['items']:,} tracked items, {args.runs} runs each (ms); results in {RESULTS}")
    print(table(rows, markdown=False))
    missed = [r for r in rows if r["verdict"] == "MISS"]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} rows pass or are for information; {len(missed)} miss.")
    print(f"Not timed: {'; '.join(f'{name}: {why}' for name, why in routes.NOT_TIMED.items())}")
    if args.write_readme and not args.only:
        write_readme(result)
        print("README.md: the every-page table rewritten.")
    sys.exit(1 if missed else 0)


def measure(name, variant, role, path, page, *, runs, http, client, admin_path, admin_http, before=None) -> dict:
    public = role == "public"
    if public:
        # The register uncached: the shared cache cleared before each request.
        before = cache.clear
    samples, status, size, kind, body = timed(http, path, runs, before=before)
    row = {
        "route": name,
        "variant": variant,
        "role": role,
        "path": path,
        "status": status,
        "content_type": kind,
        "bytes": size,
        "median": statistics.median(samples),
        "p95": percentile(samples, 95),
        "floor": None,
        "admin": None,
        "is_list": page.is_list,
        # A whole file (a download) rather than a page, a feed or a document for machines.
        "file": not kind.startswith(PAGE_TYPES) or "attachment" in kind,
        "after_write": before is not None and not public,
        "rows_per_s": None,
        "csv_rows": 0,
    }
    if kind.startswith("text/csv"):
        row["csv_rows"] = max(body.count(b"\n") - 1, 0)
        row["rows_per_s"] = row["csv_rows"] / max(row["median"] / 1000, 1e-6)
    if status == 200 and not row["file"]:
        row["floor"] = statistics.median(
            floor_of(client, path, min(runs, 5), clear_cache=public, before=None if public else before)
        )
    if admin_path:
        admin_samples, admin_status, *_ = timed(admin_http, admin_path, max(3, runs // 2))
        if admin_status == 200:
            row["admin"] = statistics.median(admin_samples)
    row["verdict"], row["why"] = verdict(row)
    return row


if __name__ == "__main__":
    main()
