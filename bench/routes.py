"""Every route of the service, as the every-page benchmark (bench/every_page.py) requests it.

The list is the URL configuration's: `app_routes()` walks it, and each named route must appear in
exactly one of PAGES (how to build its address from a representative object, for which roles) and
NOT_TIMED (why it is not a page to time: a POST-only action, a redirect, a one-time link, Django's
own admin). tests/test_every_page_routes.py fails when a route is added without a line here, or a
line here names no route, so the benchmark cannot silently fall behind the URL configuration.

Roles: "lead" sees most (a superuser in the staff and manager groups: every page, the admin);
"liaison" is the liaison officer of the force with the most items (their own force's pages only);
"public" has no session (the register, the open-data file, a calendar feed's secret address).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cached_property

ADMIN_PREFIX = "admin:"


@dataclasses.dataclass(frozen=True)
class Page:
    # (variant label, path) pairs for a context; one route can be timed with several filters.
    build: Callable[[Context], list[tuple[str, str]]]
    roles: tuple[str, ...] = ("lead",)
    # A list page: held to its SQL floor and to the admin changelist on the same filter (same
    # variant order), where the admin has one.
    is_list: bool = False
    admin: Callable[[Context], list[str]] | None = None
    runs: int | None = None  # fewer runs for whole-file downloads


def _sitemap_pages(section: str) -> int:
    from register.sitemaps import SITEMAPS

    return SITEMAPS[section]().paginator.num_pages


def one(label: str, path: str) -> list[tuple[str, str]]:
    return [(label, path)]


def _reverse(name: str, **kwargs) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


class Context:
    """The representative objects: the force with the most items, an open item of a finding made
    to every police force, and the demo data's reviews, evidence and replies. What the data lacks
    (a calendar address, an import preview, a committee paper written by the worker) `prepare`
    makes through the services, as a user would."""

    def __init__(self, *, lead, liaison, force) -> None:
        self.lead, self.liaison, self.force = lead, liaison, force
        self.extra: dict[str, str] = {}

    def _item(self, **filters):
        from inspections.models import TrackedItem

        return (
            TrackedItem.objects.filter(force=self.force, **filters)
            .select_related("finding__inspection")
            .order_by("-finding__inspection__published_on", "id")
            .first()
        )

    @cached_property
    def item(self):
        from django.db.models import Count

        from inspections.models import Finding

        # An open item of the finding with the most addressees (one made to every police force).
        finding = (
            Finding.objects.filter(items__force=self.force, items__status="in_progress")
            .annotate(n=Count("items__force", distinct=True))
            .order_by("-n", "-inspection__published_on")
            .values_list("pk", flat=True)
            .first()
        )
        return self._item(finding_id=finding, status="in_progress") or self._item(status="in_progress")

    @cached_property
    def submitted(self):
        return self._item(status="submitted")

    @cached_property
    def closed(self):
        return self._item(status="complete")

    @cached_property
    def pending_extension_item(self):
        from inspections.models import ExtensionRequest

        request = ExtensionRequest.objects.filter(decision="pending").select_related("item").order_by("id").first()
        return request.item if request else self.item

    @cached_property
    def review(self):
        from inspections.models import FollowUpReview

        return FollowUpReview.objects.order_by("id").first()

    @cached_property
    def evidence(self):
        from inspections.models import EvidenceFile

        return EvidenceFile.objects.order_by("id").first()

    @cached_property
    def theme(self):
        from inspections.models import Theme

        return Theme.objects.order_by("slug").first()

    @cached_property
    def police_inspection(self):
        """A police report out of embargo that has an item at the force (for the 56-day draft)."""
        from core.dates import london_today
        from inspections import rules
        from inspections.models import Inspection

        published = rules.published_q(today=london_today(), path="")
        return (
            Inspection.objects.filter(published, findings__items__force=self.force)
            .order_by("-published_on")
            .distinct()
            .first()
        )

    @cached_property
    def reply_slug(self) -> str:
        from forces.models import Force

        return Force.objects.filter(items__finding__inspection=self.inspection).values_list("slug", flat=True).first()

    @property
    def inspection(self):
        return self.item.finding.inspection

    @property
    def finding(self):
        return self.item.finding

    @cached_property
    def finding_slug(self) -> str:
        from register.slugs import reference_slug

        return reference_slug(self.finding.reference)

    def prepare(self) -> None:
        """Make what the data lacks, through the services: a calendar address for each signed-in
        role, an import preview of the import template, and a committee paper written by the worker's
        build (for the force with the fewest items, so that preparing is quick)."""
        import datetime as dt

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db.models import Count

        from calendars.services import calendar_feed_reset
        from core.dates import london_today
        from forces.models import Force
        from imports.models import ImportBatch
        from imports.services import import_batch_confirm, import_batch_create
        from imports.views import COLUMNS, TEMPLATE_ROWS, _template_cells
        from inspections.models import ExtensionRequest, TrackedItem
        from inspections.services import extension_request, item_update_post
        from reporting.services import paper_job_build, paper_job_request

        self.extra["feed_lead"] = calendar_feed_reset(user=self.lead)
        self.extra["feed_liaison"] = calendar_feed_reset(user=self.liaison)
        lines = [",".join(COLUMNS)] + [
            ",".join('"' + str(cell).replace('"', '""') + '"' for cell in row)
            for row in _template_cells(TEMPLATE_ROWS, COLUMNS)
        ]
        batch = import_batch_create(
            user=self.lead, inspection=None, data="\n".join(lines).encode(), name="findings-template.csv"
        )
        self.extra["batch"] = str(batch.pk)
        # A second import, confirmed: waiting for the worker (none runs during the benchmark).
        queued = import_batch_create(
            user=self.lead, inspection=None, data="\n".join(lines).encode(), name="findings-template.csv"
        )
        import_batch_confirm(batch=queued, user=self.lead)
        # Its progress page (a batch still in preview would be sent back to the preview).
        latest = ImportBatch.objects.exclude(state=ImportBatch.State.PREVIEW).order_by("-created_at").first()
        self.extra["queued_batch"] = str((latest or queued).pk)
        # Evidence and a request for more time, from the liaison officer, on other open items.
        others = list(
            TrackedItem.objects.filter(force=self.force, status="in_progress")
            .exclude(pk=self.item.pk)
            .order_by("id")[:2]
        )
        if self.evidence is None:
            pdf = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
            item_update_post(
                item=others[0], user=self.liaison, version=others[0].version, narrative="Evidence.", files=[pdf]
            )
            self.__dict__.pop("evidence", None)
        if not ExtensionRequest.objects.filter(decision="pending").exists():
            item = others[1]
            extension_request(
                item=item,
                user=self.liaison,
                version=item.version,
                requested_date=max(item.current_target_date, london_today()) + dt.timedelta(days=90),
                reason="More time for the benchmark.",
            )
            self.__dict__.pop("pending_extension_item", None)
        small = Force.objects.annotate(n=Count("items")).filter(n__gt=0).order_by("n").first()
        job = paper_job_request(user=self.lead, force=small, item_count=small.n)
        paper_job_build(job_id=job.pk)
        self.extra["job"], self.extra["job_force"] = str(job.pk), small.slug


LEAD_LIAISON = ("lead", "liaison")
LIAISON = ("liaison",)
PUBLIC = ("public",)


def _items_variants(c: Context) -> list[tuple[str, str]]:
    base = _reverse("inspections:item_list")
    return [("first page", base), ("in progress", base + "?status=in_progress"), ("search", base + "?q=vetting")]


def _items_admin(c: Context) -> list[str]:
    base = _reverse("admin:inspections_trackeditem_changelist")
    return [base, base + "?status__exact=in_progress", base + "?q=vetting"]


def _item(name: str, attribute: str = "item") -> Callable[[Context], list[tuple[str, str]]]:
    return lambda c: one(getattr(c, attribute).status, _reverse(name, pk=getattr(c, attribute).pk))


def _register_item(c: Context) -> list[tuple[str, str]]:
    kwargs = {"slug": c.inspection.slug, "finding": c.finding_slug, "force": c.force.slug}
    return one("", _reverse("register:item_detail", **kwargs))


PAGES: dict[str, Page] = {
    # Home: the dashboard (timed again straight after a write by bench/every_page.py).
    "dashboard": Page(
        lambda c: [("national", "/"), ("region", f"/?region={c.force.region.replace(' ', '+')}")],
        roles=LEAD_LIAISON,
    ),
    "healthz": Page(lambda c: one("", _reverse("healthz")), roles=PUBLIC),
    "robots_txt": Page(lambda c: one("", _reverse("robots_txt")), roles=PUBLIC),
    # The public register.
    "register:home": Page(lambda c: one("", _reverse("register:home")), roles=PUBLIC),
    "register:search": Page(
        lambda c: [
            ("no filter", _reverse("register:search")),
            ("text, theme, status", _reverse("register:search") + "?q=vetting&theme=vetting&status=being_progressed"),
            (
                "overdue, region",
                _reverse("register:search") + f"?overdue=yes&region={c.force.region.replace(' ', '+')}",
            ),
        ],
        roles=PUBLIC,
        is_list=True,
    ),
    "register:force_list": Page(lambda c: one("", _reverse("register:force_list")), roles=PUBLIC, is_list=True),
    "register:force_detail": Page(
        lambda c: one(c.force.slug, _reverse("register:force_detail", slug=c.force.slug)), roles=PUBLIC
    ),
    "register:force_feed": Page(lambda c: one("", _reverse("register:force_feed", slug=c.force.slug)), roles=PUBLIC),
    "register:inspection_list": Page(
        lambda c: one("", _reverse("register:inspection_list")), roles=PUBLIC, is_list=True
    ),
    "register:inspection_detail": Page(
        lambda c: one("", _reverse("register:inspection_detail", slug=c.inspection.slug)), roles=PUBLIC
    ),
    "register:finding_detail": Page(
        lambda c: one("", _reverse("register:finding_detail", slug=c.inspection.slug, finding=c.finding_slug)),
        roles=PUBLIC,
    ),
    "register:item_detail": Page(_register_item, roles=PUBLIC),
    "register:theme_list": Page(lambda c: one("", _reverse("register:theme_list")), roles=PUBLIC),
    "register:theme_feed": Page(lambda c: one("", _reverse("register:theme_feed", slug=c.theme.slug)), roles=PUBLIC),
    "register:implementation": Page(lambda c: one("", _reverse("register:implementation")), roles=PUBLIC),
    "register:open_data": Page(lambda c: one("", _reverse("register:open_data")), roles=PUBLIC),
    "register:register_download": Page(
        lambda c: [
            (f"{fmt}, {c.force.slug}", _reverse("register:register_download", fmt=fmt) + f"?force={c.force.slug}")
            for fmt in ("csv", "json")
        ],
        roles=PUBLIC,
        runs=3,
    ),
    "register:trail_download": Page(
        lambda c: [(f"csv, {c.force.slug}", _reverse("register:trail_download", fmt="csv") + f"?force={c.force.slug}")],
        roles=PUBLIC,
        runs=3,
    ),
    "register:feed": Page(lambda c: one("", _reverse("register:feed")), roles=PUBLIC),
    "register:sitemap": Page(lambda c: one("", _reverse("register:sitemap")), roles=PUBLIC),
    # The findings' and items' sections are runs of ids: the first and the last of each.
    "register:sitemap_section": Page(
        lambda c: [
            ("forces", _reverse("register:sitemap_section", section="forces")),
            *(
                (f"{section}, {end}", _reverse("register:sitemap_section", section=section) + query)
                for section in ("findings", "items")
                for end, query in (("first", ""), ("last", f"?p={_sitemap_pages(section)}"))
            ),
        ],
        roles=PUBLIC,
    ),
    # Accounts.
    "login": Page(lambda c: one("", _reverse("login")), roles=PUBLIC),
    "accounts:profile": Page(lambda c: one("", _reverse("accounts:profile")), roles=LEAD_LIAISON),
    "accounts:recovery_codes": Page(lambda c: one("", _reverse("accounts:recovery_codes")), roles=LEAD_LIAISON),
    "accounts:password_change": Page(lambda c: one("", _reverse("accounts:password_change")), roles=LEAD_LIAISON),
    "accounts:password_reset": Page(lambda c: one("", _reverse("accounts:password_reset")), roles=PUBLIC),
    "accounts:password_reset_done": Page(lambda c: one("", _reverse("accounts:password_reset_done")), roles=PUBLIC),
    "accounts:password_reset_complete": Page(
        lambda c: one("", _reverse("accounts:password_reset_complete")), roles=PUBLIC
    ),
    "users:user_list": Page(
        lambda c: one("", _reverse("users:user_list")),
        is_list=True,
        admin=lambda c: [_reverse("admin:accounts_user_changelist")],
    ),
    "users:user_create": Page(lambda c: one("", _reverse("users:user_create"))),
    "users:user_edit": Page(lambda c: one("", _reverse("users:user_edit", pk=c.liaison.pk))),
    "audit:export_list": Page(
        lambda c: one("", _reverse("audit:export_list")),
        is_list=True,
        admin=lambda c: [_reverse("admin:audit_exportrecord_changelist")],
    ),
    # Forces, committee papers, monitoring.
    "forces:force_list": Page(
        lambda c: one("", _reverse("forces:force_list")),
        roles=LEAD_LIAISON,
        is_list=True,
        admin=lambda c: [_reverse("admin:forces_force_changelist")],
    ),
    "forces:force_detail": Page(
        lambda c: one(c.force.slug, _reverse("forces:force_detail", slug=c.force.slug)), roles=LEAD_LIAISON
    ),
    "forces:force_committee_paper": Page(
        lambda c: one(c.force.slug, _reverse("forces:force_committee_paper", slug=c.force.slug)), roles=LEAD_LIAISON
    ),
    "forces:committee_paper_job": Page(
        lambda c: one("", _reverse("forces:committee_paper_job", slug=c.extra["job_force"], pk=c.extra["job"]))
    ),
    "forces:committee_paper_job_download": Page(
        lambda c: one(
            c.extra["job_force"],
            _reverse("forces:committee_paper_job_download", slug=c.extra["job_force"], pk=c.extra["job"]),
        ),
        runs=5,
    ),
    "forces:force_monitoring": Page(
        lambda c: one(c.force.slug, _reverse("forces:force_monitoring", slug=c.force.slug))
    ),
    "reporting:comments_draft": Page(
        lambda c: one(c.force.slug, _reverse("reporting:comments_draft", pk=c.police_inspection.pk, slug=c.force.slug)),
        roles=LEAD_LIAISON,
        runs=5,
    ),
    # The managers' overdue review.
    "oversight:queue": Page(
        lambda c: [
            ("", _reverse("oversight:queue")),
            ("theme and text", _reverse("oversight:queue") + "?theme=vetting&q=vetting"),
        ],
        is_list=True,
    ),
    "oversight:item_review": Page(_item("oversight:item_review")),
    "oversight:meeting_pack": Page(
        lambda c: [
            ("national", _reverse("oversight:meeting_pack")),
            ("national, page 2", _reverse("oversight:meeting_pack") + "?page=2"),
            ("region", _reverse("oversight:meeting_pack") + f"?region={c.force.region.replace(' ', '+')}"),
            ("force", _reverse("oversight:meeting_pack") + f"?force={c.force.slug}"),
        ]
    ),
    # The API (JSON), its schema and its pages.
    "api:inspection-list": Page(
        lambda c: [("", _reverse("api:inspection-list")), ("page 20", _reverse("api:inspection-list") + "?page=20")],
        roles=LEAD_LIAISON,
        is_list=True,
    ),
    "api:inspection-detail": Page(
        lambda c: one("", _reverse("api:inspection-detail", pk=c.inspection.pk)), roles=LEAD_LIAISON
    ),
    "api:finding-list": Page(lambda c: one("", _reverse("api:finding-list")), roles=LEAD_LIAISON, is_list=True),
    "api:finding-detail": Page(lambda c: one("", _reverse("api:finding-detail", pk=c.finding.pk)), roles=LEAD_LIAISON),
    "api:item-list": Page(
        lambda c: [("", _reverse("api:item-list")), ("in progress", _reverse("api:item-list") + "?status=in_progress")],
        roles=LEAD_LIAISON,
        is_list=True,
    ),
    "api:item-detail": Page(lambda c: one("", _reverse("api:item-detail", pk=c.item.pk)), roles=LEAD_LIAISON),
    "api:schema": Page(lambda c: one("", _reverse("api:schema")), roles=LEAD_LIAISON),
    "api:docs": Page(lambda c: one("", _reverse("api:docs")), roles=LEAD_LIAISON),
    "api:token": Page(lambda c: one("", _reverse("api:token")), roles=LEAD_LIAISON),
    # Calendars.
    "calendars:settings": Page(lambda c: one("", _reverse("calendars:settings")), roles=LEAD_LIAISON),
    "calendars:feed": Page(
        lambda c: [
            ("lead, everything", _reverse("calendars:feed", token=c.extra["feed_lead"])),
            (
                "lead, region",
                _reverse("calendars:feed", token=c.extra["feed_lead"]) + f"?region={c.force.region.replace(' ', '+')}",
            ),
            ("liaison's force", _reverse("calendars:feed", token=c.extra["feed_liaison"])),
        ],
        roles=PUBLIC,
        runs=5,
    ),
    # Exports and imports.
    "reporting:item_export": Page(
        lambda c: [
            (f"csv, {c.force.slug}", _reverse("reporting:item_export") + f"?format=csv&force={c.force.slug}"),
            (f"xlsx, {c.force.slug}", _reverse("reporting:item_export") + f"?format=xlsx&force={c.force.slug}"),
        ],
        roles=LEAD_LIAISON,
        runs=3,
    ),
    "imports:upload": Page(lambda c: one("", _reverse("imports:upload"))),
    "imports:help": Page(lambda c: one("", _reverse("imports:help"))),
    "imports:template_csv": Page(lambda c: one("", _reverse("imports:template_csv"))),
    "imports:template_xlsx": Page(lambda c: one("", _reverse("imports:template_xlsx"))),
    "imports:history_template_csv": Page(lambda c: one("", _reverse("imports:history_template_csv"))),
    "imports:preview": Page(lambda c: one("", _reverse("imports:preview", pk=c.extra["batch"]))),
    "imports:progress": Page(lambda c: one("", _reverse("imports:progress", pk=c.extra["queued_batch"]))),
    # Inspections, findings, items.
    "inspections:item_list": Page(_items_variants, roles=LEAD_LIAISON, is_list=True, admin=_items_admin),
    "inspections:inspection_list": Page(
        lambda c: [
            ("", _reverse("inspections:inspection_list")),
            ("search", _reverse("inspections:inspection_list") + "?q=vetting"),
        ],
        roles=LEAD_LIAISON,
        is_list=True,
        admin=lambda c: [
            _reverse("admin:inspections_inspection_changelist"),
            _reverse("admin:inspections_inspection_changelist") + "?q=vetting",
        ],
    ),
    "inspections:inspection_create": Page(lambda c: one("", _reverse("inspections:inspection_create"))),
    "inspections:inspection_detail": Page(
        lambda c: one(c.inspection.reference, _reverse("inspections:inspection_detail", pk=c.inspection.pk)),
        roles=LEAD_LIAISON,
    ),
    "inspections:inspection_edit": Page(lambda c: one("", _reverse("inspections:inspection_edit", pk=c.inspection.pk))),
    "inspections:review_list": Page(
        lambda c: one("", _reverse("inspections:review_list")),
        is_list=True,
        admin=lambda c: [_reverse("admin:inspections_followupreview_changelist")],
    ),
    "inspections:review_start": Page(lambda c: one("", _reverse("inspections:review_start"))),
    "inspections:item_detail": Page(_item("inspections:item_detail"), roles=LEAD_LIAISON),
    "inspections:item_respond": Page(_item("inspections:item_respond"), roles=LIAISON),
    "inspections:item_update": Page(_item("inspections:item_update"), roles=LIAISON),
    "inspections:item_submit": Page(_item("inspections:item_submit"), roles=LIAISON),
    "inspections:item_extension_request": Page(_item("inspections:item_extension_request"), roles=LIAISON),
    "inspections:item_verify": Page(_item("inspections:item_verify", "submitted")),
    "inspections:item_extension_decide": Page(_item("inspections:item_extension_decide", "pending_extension_item")),
    "inspections:item_close": Page(_item("inspections:item_close")),
    "inspections:item_reopen": Page(_item("inspections:item_reopen", "closed")),
    "inspections:evidence_download": Page(
        lambda c: one("", _reverse("inspections:evidence_download", pk=c.evidence.pk))
    ),
    "inspections:finding_detail": Page(
        lambda c: one(f"{c.finding.items.count()} forces", _reverse("inspections:finding_detail", pk=c.finding.pk)),
        roles=LEAD_LIAISON,
    ),
    "inspections:finding_themes": Page(lambda c: one("", _reverse("inspections:finding_themes", pk=c.finding.pk))),
    "inspections:theme_list": Page(lambda c: one("", _reverse("inspections:theme_list")), is_list=True),
    "inspections:theme_create": Page(lambda c: one("", _reverse("inspections:theme_create"))),
    "inspections:theme_edit": Page(lambda c: one("", _reverse("inspections:theme_edit", slug=c.theme.slug))),
    "inspections:review_create": Page(lambda c: one("", _reverse("inspections:review_create", pk=c.inspection.pk))),
    "inspections:review_detail": Page(lambda c: one("", _reverse("inspections:review_detail", pk=c.review.pk))),
    "inspections:review_judge": Page(lambda c: one("", _reverse("inspections:review_judge", pk=c.review.pk))),
    "inspections:review_close": Page(lambda c: one("", _reverse("inspections:review_close", pk=c.review.pk))),
    "inspections:review_dates": Page(lambda c: one("", _reverse("inspections:review_dates", pk=c.inspection.pk))),
    "inspections:reply_record": Page(
        lambda c: one("", _reverse("inspections:reply_record", pk=c.inspection.pk, slug=c.reply_slug))
    ),
    "inspections:authority_plan_deadline": Page(
        lambda c: one("", _reverse("inspections:authority_plan_deadline", pk=c.inspection.pk))
    ),
}

NOT_TIMED: dict[str, str] = {
    "logout": "signs out (POST)",
    "accounts:digest_preference": "POST only (a form on the profile page)",
    "accounts:sessions_end_others": "POST only (a form on the profile page)",
    "accounts:two_factor_code": "the second step of signing in (a half-signed-in session only)",
    "accounts:two_factor_recovery": "the second step of signing in (a half-signed-in session only)",
    "accounts:two_factor_setup": "a first sign-in only (a user with no authenticator yet)",
    "accounts:password_reset_confirm": "a one-time link from an email",
    "users:user_set_active": "POST only (a button on the user's page)",
    "users:user_two_factor_reset": "POST only (a button on the user's page)",
    "api:token_revoke": "POST only (a button on the token page)",
    "calendars:revoke": "POST only (a button on the calendar page)",
    "imports:confirm": "POST only (the preview's button)",
    "imports:open_data": "a permanent redirect to the register's download (timed there)",
}


def app_routes() -> list[str]:
    """Every named route of the URL configuration outside Django's admin, in order."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: list[str] = []

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if not name.startswith(ADMIN_PREFIX) and name not in names:
                    names.append(name)

    walk(get_resolver().url_patterns, None)
    return names
