"""The maintained summary equals a full recount after every step of random sequences of writes and
day changes (Hypothesis stateful testing, through the real services and database).

After each write through the services (and after the sweep) the STORED cells must already equal a
recount: they are kept in the write's own transaction. After a write that goes round the services
(a plain model save, as the Django admin makes) or a day that passes without the sweep, the cells
may be out of date, but nothing read from them may be: each reader brings them up to date first.
Every reader is compared with the recount functions (reporting/selectors.py) for several scopes:
national, a region, a kind, a programme, a theme, and a liaison officer (embargo hidden)."""

import datetime as dt
import os
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today
from forces.models import Force
from inspections import rules, selectors, services
from inspections.models import Finding, Inspection, ItemStatus, Theme, TrackedItem
from inspections.overdue.sweep import sweep_run
from inspections.services import FindingDraft, InspectionFields, TransitionRefused
from oversight.models import OverdueReview
from oversight.selectors import meeting_pack_summary
from oversight.services import overdue_reviews_record
from register.selectors import public_items, status_counts
from reporting import summary
from reporting.selectors import (
    RATE_GROUPS,
    dashboard_by_force,
    dashboard_by_programme,
    dashboard_by_theme,
    dashboard_headlines,
    dashboard_trend,
    implementation_rates,
    liaison_force_summaries,
)
from tests import factories

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 3, 25, 12, 0, tzinfo=LONDON)  # a quarter and a month end are near
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
REFUSALS = (TransitionRefused,)


def _user(role: Role, **kwargs):
    user = factories.UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


def _with_theme(items, theme):
    # As the dashboard's theme filter narrows the items: by finding, never a join that repeats an item.
    return items.filter(finding_id__in=Finding.objects.filter(themes=theme).values("pk"))


def recount_figures(items, *, today: dt.date, theme=None) -> dict:
    return {
        "numbers": dashboard_headlines(items=items, today=today),
        "trend": dashboard_trend(items=items, today=today),
        "by_force": dashboard_by_force(items=items, today=today),
        "by_programme": list(dashboard_by_programme(items=items, today=today)),
        "by_theme": dashboard_by_theme(items=items, today=today, theme=theme),
        "rates": implementation_rates(items=items, by="year", today=today),
        "awaiting_review": items.filter(rules.awaiting_overdue_review_q(today=today)).count(),
    }


class SummaryMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.traveller = time_machine.travel(START, tick=False)
        self.clock = self.traveller.start()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.strict = True
        self._world()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.traveller.stop()

    # --- The world -------------------------------------------------------------------------------
    def _world(self) -> None:
        self.staff = _user(Role.STAFF)
        self.forces = [
            factories.ForceFactory(kind=Force.Kind.POLICE, region="North East"),
            factories.ForceFactory(kind=Force.Kind.FIRE, region="North East"),
            factories.ForceFactory(kind=Force.Kind.POLICE, region="London"),
        ]
        self.liaisons = {}
        for force in self.forces:
            officer = _user(Role.LIAISON)
            factories.LiaisonMembershipFactory(user=officer, force=force)
            self.liaisons[force.pk] = officer
        self.programmes = [
            factories.ProgrammeFactory(slug="peel", name="PEEL"),
            factories.ProgrammeFactory(slug="thematic", name="Thematic"),
        ]
        self.themes = [
            Theme.objects.get_or_create(slug="vetting", defaults={"name": "Vetting"})[0],
            Theme.objects.get_or_create(slug="custody", defaults={"name": "Custody"})[0],
        ]
        today = self.today
        self.inspections = [
            factories.InspectionFactory(programme=self.programmes[0], published_on=today - dt.timedelta(days=800)),
            factories.InspectionFactory(programme=self.programmes[1], published_on=today - dt.timedelta(days=50)),
            # Under embargo for a few days yet.
            factories.InspectionFactory(programme=self.programmes[0], published_on=today + dt.timedelta(days=4)),
        ]
        self.inspections[1].authority_plan_due_on = today - dt.timedelta(days=3)
        self.inspections[1].save()
        for n, inspection in enumerate(self.inspections):
            for category, target in (
                (Finding.Category.RECOMMENDATION, today + dt.timedelta(days=10 - 30 * n)),
                (Finding.Category.RECOMMENDATION, today - dt.timedelta(days=200)),
                (Finding.Category.AREA_FOR_IMPROVEMENT, None),
            ):
                finding = factories.FindingFactory(inspection=inspection, category=category, target_date=target)
                for force in self.forces:
                    factories.TrackedItemFactory(
                        finding=finding, force=force, entered_on=today - dt.timedelta(days=100 * (force.pk % 2))
                    )
        Finding.objects.filter(inspection=self.inspections[0]).first().themes.set([self.themes[0]])
        summary.recount()

    @property
    def today(self) -> dt.date:
        return london_today()

    def _items(self) -> list[TrackedItem]:
        return list(TrackedItem.objects.order_by("pk"))

    def _item(self, index: int) -> TrackedItem:
        items = self._items()
        return items[index % len(items)]

    def _officer(self, item: TrackedItem):
        return self.liaisons[item.force_id]

    # --- Writes through the services ------------------------------------------------------------------
    @rule(index=st.integers(0, 200))
    def progress_update(self, index):
        item = self._item(index)
        try:
            services.item_update_post(
                item=item, user=self._officer(item), version=item.version, narrative="Trained 40 officers."
            )
        except REFUSALS:
            pass
        self.strict = True

    @rule(index=st.integers(0, 200), accepted=st.booleans())
    def respond(self, index, accepted):
        item = self._item(index)
        response = TrackedItem.Response.ACCEPTED if accepted else TrackedItem.REASONED_RESPONSES[0]
        try:
            services.item_response_record(
                item=item, user=self._officer(item), version=item.version, response=response, reason="Costs."
            )
        except REFUSALS:
            pass
        self.strict = True

    @rule(index=st.integers(0, 200))
    def submit_for_closure(self, index):
        item = self._item(index)
        try:
            services.item_closure_submit(
                item=item,
                user=self._officer(item),
                version=item.version,
                narrative="Done.",
                files=[SimpleUploadedFile("audit.pdf", PDF, content_type="application/pdf")],
            )
        except REFUSALS:
            pass
        self.strict = True

    @rule(index=st.integers(0, 200), accept=st.booleans())
    def verify(self, index, accept):
        submitted = list(TrackedItem.objects.filter(status=ItemStatus.SUBMITTED).order_by("pk"))
        if not submitted:
            return
        item = submitted[index % len(submitted)]
        try:
            services.item_closure_verify(item=item, user=self.staff, version=item.version, accept=accept, note="Seen.")
        except REFUSALS:
            pass
        self.strict = True

    @rule(index=st.integers(0, 200), status=st.sampled_from([ItemStatus.NOT_IMPLEMENTED, ItemStatus.WITHDRAWN]))
    def close(self, index, status):
        item = self._item(index)
        try:
            services.item_close(item=item, user=self.staff, version=item.version, status=status, note="Overtaken.")
        except REFUSALS:
            pass
        self.strict = True

    @rule(index=st.integers(0, 200), many=st.booleans())
    def overdue_reviewed(self, index, many):
        # A manager's overdue review takes the items out of the count awaiting review for a time.
        overdue = list(TrackedItem.objects.filter(rules.overdue_q(today=self.today)).order_by("pk"))
        if not overdue:
            return
        chosen = overdue[index % len(overdue) :][: 3 if many else 1]
        overdue_reviews_record(
            items=chosen,
            reviewer=self.staff,
            decision=OverdueReview.Decision.KEEP_MONITORING,
            note="",
            next_review_on=self.today + dt.timedelta(days=30),
            today=self.today,
        )
        self.strict = True

    @rule(index=st.integers(0, 200))
    def reopen(self, index):
        item = self._item(index)
        try:
            services.item_reopen(item=item, user=self.staff, version=item.version, reason="Reopened at revisit.")
        except REFUSALS:
            pass
        self.strict = True

    @rule(index=st.integers(0, 200), days=st.integers(1, 400))
    def extension_approved(self, index, days):
        item = self._item(index)
        if item.current_target_date is None:
            return
        try:
            request = services.extension_request(
                item=item,
                user=self._officer(item),
                version=item.version,
                requested_date=max(item.current_target_date, self.today) + dt.timedelta(days=days),
                reason="The new system goes live later.",
            )
            item.refresh_from_db()
            services.extension_decide(extension=request, user=self.staff, version=item.version, approve=True)
        except REFUSALS:
            pass
        self.strict = True

    @rule(n=st.integers(0, 2), days=st.integers(1, 200))
    def review_dates(self, n, days):
        try:
            services.review_dates_set(
                inspection=self.inspections[n], user=self.staff, review_by=self.today + dt.timedelta(days=days)
            )
        except REFUSALS:
            pass
        self.strict = True

    @rule(n=st.integers(0, 2), f=st.integers(0, 2))
    def governing_body_replies(self, n, f):
        inspection, force = self.inspections[n], self.forces[f]
        if inspection.published_on > self.today:
            return
        try:
            services.report_reply_record(
                inspection=inspection,
                force=force,
                user=self.staff,
                published_on=self.today,
                url="https://www.example.gov.uk/reply",
            )
        except REFUSALS:
            pass
        self.strict = True

    @rule(index=st.integers(0, 200), chosen=st.sets(st.integers(0, 1)))
    def themes_set(self, index, chosen):
        findings = list(Finding.objects.order_by("pk"))
        finding = findings[index % len(findings)]
        services.finding_themes_set(finding=finding, user=self.staff, themes=[self.themes[i] for i in chosen])
        self.strict = True

    @rule(n=st.integers(0, 2), shift=st.integers(-30, 30), programme=st.integers(0, 1))
    def inspection_edited(self, n, shift, programme):
        inspection = Inspection.objects.get(pk=self.inspections[n].pk)
        fields = InspectionFields(
            programme=self.programmes[programme],
            reference=inspection.reference,
            title=inspection.title,
            published_on=inspection.published_on + dt.timedelta(days=shift),
            forces=tuple(inspection.forces.all()),
        )
        try:
            self.inspections[n] = services.inspection_update(inspection=inspection, user=self.staff, fields=fields)
        except REFUSALS:
            pass
        self.strict = True

    @rule(n=st.integers(0, 2), days=st.integers(-100, 300), forces=st.sets(st.integers(0, 2), min_size=1))
    def finding_published(self, n, days, forces):
        inspection = self.inspections[n]
        draft = FindingDraft(
            reference=f"N{Finding.objects.count()}",
            category=Finding.Category.RECOMMENDATION,
            text="The force should improve how it records crime.",
            force_ids=tuple(self.forces[i].pk for i in sorted(forces)),
            target_date=self.today + dt.timedelta(days=days),
            theme_ids=(self.themes[1].pk,),
        )
        with transaction.atomic():
            services.findings_publish(inspection=inspection, user=self.staff, drafts=[draft], source="Test")
        self.strict = True

    # --- Around the services, and the calendar ------------------------------------------------------
    @rule(index=st.integers(0, 200), days=st.integers(-60, 60))
    def saved_outside_the_services(self, index, days):
        # As the Django admin saves: a plain model save, no service.
        item = self._item(index)
        if item.current_target_date is not None:
            item.current_target_date += dt.timedelta(days=days)
            item.save()
        self.strict = False

    @rule(days=st.integers(1, 40))
    def days_pass_and_the_sweep_runs(self, days):
        self.clock.shift(dt.timedelta(days=days))
        sweep_run()
        self.strict = True

    @rule(days=st.integers(1, 40))
    def days_pass_without_the_sweep(self, days):
        self.clock.shift(dt.timedelta(days=days))
        self.strict = False

    # --- What must hold after every step -------------------------------------------------------------
    @invariant()
    def stored_cells_equal_a_recount(self):
        if self.strict:
            assert summary.differences(today=self.today) == []

    @invariant()
    def every_reader_equals_a_recount(self):
        today = self.today
        everything = TrackedItem.objects.all()
        north_east = everything.filter(force__region="North East")
        scopes = [
            ({}, everything),
            ({"region": "North East"}, north_east),
            ({"kind": Force.Kind.FIRE}, everything.filter(force__kind=Force.Kind.FIRE)),
            ({"programme": self.programmes[0]}, everything.filter(finding__inspection__programme=self.programmes[0])),
            ({"theme": self.themes[0]}, _with_theme(everything, self.themes[0])),
            ({"theme": self.themes[1], "region": "North East"}, _with_theme(north_east, self.themes[1])),
        ]
        for filters, items in scopes:
            got = summary.dashboard_figures(force_ids=None, embargo_visible=True, today=today, **filters)
            got.pop("summaries")
            assert got == recount_figures(items, today=today, theme=filters.get("theme")), filters
            # The meeting pack's first page summed from the cells equals the pack counted from the items.
            from_cells = summary.pack_figures(today=today, **filters)
            assert meeting_pack_summary(items=items, today=today, forces=from_cells) == meeting_pack_summary(
                items=items, today=today
            ), filters
        officer = self.liaisons[self.forces[0].pk]
        visible = selectors.items_visible_to(user=officer)
        got = summary.dashboard_figures(
            force_ids=[self.forces[0].pk], embargo_visible=False, today=today, with_force_summaries=True
        )
        summaries = got.pop("summaries")
        assert got == recount_figures(visible, today=today)
        expected = liaison_force_summaries(items=visible, today=today)
        assert [{k: row[k] for k in expected[0]} for row in summaries] == expected if expected else summaries == []
        counted = {
            row["force_id"]: (row["open"], row["overdue"])
            for row in liaison_force_summaries(items=everything, today=today)
        }
        listed = {
            force.pk: (force.open_count, force.overdue_count)
            for force in summary.forces_with_counts(user=self.staff, today=today)
        }
        assert {pk: counts for pk, counts in listed.items() if pk in counted} == counted
        assert all(counts == (0, 0) for pk, counts in listed.items() if pk not in counted)
        # The public register's figures: the items out of embargo.
        public = public_items(today=today)
        assert summary.public_counts(today=today) == status_counts(items=public, today=today)
        by_force = {}
        for force in self.forces:
            counted = status_counts(items=public.filter(force=force), today=today)
            assert summary.public_counts(today=today, force_ids=[force.pk]) == counted
            if counted["total"]:
                by_force[force.pk] = {"force_id": force.pk} | {
                    key: counted[key] for key in ("total", "complete", "open", "overdue")
                }
        assert summary.public_counts_by_force(today=today) == by_force
        assert summary.public_by_theme(today=today) == dashboard_by_theme(items=public, today=today)
        for by in RATE_GROUPS:
            got = summary.rates(by=by, force_ids=None, embargo_visible=False, today=today)
            assert got == implementation_rates(items=public, by=by, today=today), by
        # Having read, every force is counted for today.
        assert summary.differences(today=today) == []


@pytest.mark.django_db
def test_the_summary_equals_a_recount_after_any_sequence_of_writes_and_days():
    run_state_machine_as_test(
        SummaryMachine,
        settings=settings(
            max_examples=int(os.environ.get("SUMMARY_EXAMPLES", "12")),
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
