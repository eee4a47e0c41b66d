"""The dashboard's figures are cached for at most 60 seconds and dropped by any write that changes
them (core/cache.py)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from core.cache import CACHE_SECONDS, cached, data_changed, data_generation
from inspections import services
from inspections.models import TrackedItem
from reporting.models import SummaryForce
from tests import factories

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)


def _headline(client, name: str) -> int:
    html = client.get(reverse("dashboard")).content.decode()
    match = re.search(rf'id="headline-{name}">\s*<span class="app-headline__number">([\d,]+)<', html)
    return int(match.group(1).replace(",", ""))


def _open_item(force) -> TrackedItem:
    finding = factories.FindingFactory(target_date=dt.date(2027, 3, 31))
    return factories.TrackedItemFactory(finding=finding, force=force)


def test_a_write_through_the_services_changes_the_dashboard_at_once(client, staff_user, force):
    with time_machine.travel(START, tick=False):
        items = [_open_item(force) for _ in range(3)]
        client.force_login(staff_user)
        assert _headline(client, "open") == 3
        item = items[0]
        services.item_close(
            item=item, user=staff_user, version=item.version, status="withdrawn", note="Replaced by a new plan."
        )
        # The same second: the cached figures are not shown again.
        assert _headline(client, "open") == 2


def test_an_unchanged_dashboard_is_served_from_the_cache_for_59_seconds_then_recomputed(client, staff_user, force):
    with time_machine.travel(START, tick=False) as clock:
        _open_item(force)
        client.force_login(staff_user)
        assert _headline(client, "open") == 1
        # Written behind everything's back (no signal, no data_changed: raw SQL or bulk_create,
        # with the summary then marked stale by hand): only the cache's age can reveal it.
        hidden = factories.TrackedItemFactory.build(
            finding=factories.FindingFactory(target_date=dt.date(2027, 3, 31)), force=force
        )
        TrackedItem.objects.bulk_create([hidden])
        SummaryForce.objects.filter(force=force).update(as_of=None)
        clock.shift(CACHE_SECONDS - 1)
        assert _headline(client, "open") == 1
        clock.shift(1)
        assert _headline(client, "open") == 2


def test_cached_figures_are_per_scope_and_filter(client, staff_user, liaison_user, force, other_force):
    with time_machine.travel(START, tick=False):
        _open_item(force)
        _open_item(other_force)
        client.force_login(staff_user)
        assert _headline(client, "open") == 2
        client.force_login(liaison_user)
        assert _headline(client, "open") == 1


def test_data_changed_gives_a_new_generation_now_and_at_commit(django_capture_on_commit_callbacks):
    before = data_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        data_changed()
        during = data_generation()
    assert before != during != data_generation()
    assert len(callbacks) == 1
    calls = []
    assert cached("x", {"a": 1}, lambda: calls.append(1) or 5) == 5
    assert cached("x", {"a": 1}, lambda: calls.append(1) or 6) == 5
    assert cached("x", {"a": 2}, lambda: calls.append(1) or 7) == 7
    assert len(calls) == 2


def test_a_filtered_dashboard_never_shares_the_national_figures(client, staff_user, force):
    kent = factories.ForceFactory(name="Kent Police", region="South East")
    with time_machine.travel(START, tick=False):
        _open_item(force)
        _open_item(kent)
        _open_item(kent)
        client.force_login(staff_user)
        assert _headline(client, "open") == 3

        def open_count(query: dict) -> int:
            html = client.get(reverse("dashboard"), query).content.decode()
            match = re.search(r'id="headline-open">\s*<span class="app-headline__number">([\d,]+)<', html)
            return int(match.group(1))

        assert open_count({"region": "South East"}) == 2
        # An invalid value beside a valid one gets its own entry, never the national one's.
        assert open_count({"region": "South East", "programme": "no-such"}) != 3
        assert _headline(client, "open") == 3


def test_the_dashboard_html_is_rendered_again_only_when_the_figures_it_shows_change(
    client, staff_user, liaison_user, force
):
    with time_machine.travel(START, tick=False):
        item = _open_item(force)
        TrackedItem.objects.filter(pk=item.pk).update(status="in_progress")
        factories.TrackedItemFactory(finding=factories.FindingFactory(target_date=dt.date(2027, 3, 31)), force=force)
        SummaryForce.objects.filter(force=force).update(as_of=None)
        client.force_login(staff_user)

        def tables_rendered() -> bool:
            response = client.get(reverse("dashboard"))
            return "tables/govuk_table.html" in [t.name for t in response.templates]

        assert tables_rendered()
        assert not tables_rendered()  # the same figures: the cached HTML
        item.refresh_from_db()
        services.item_update_post(item=item, user=liaison_user, version=item.version, narrative="Training began.")
        # A write, and the figures were counted again, but they are what they were: the same HTML.
        assert not tables_rendered()
        assert _headline(client, "open") == 2
        item.refresh_from_db()
        services.item_close(item=item, user=staff_user, version=item.version, status="withdrawn", note="Replaced.")
        assert tables_rendered()
        assert _headline(client, "open") == 1


def test_what_needs_a_liaison_officer_now_is_rendered_again_when_a_row_it_shows_changes(client, liaison_user, force):
    with time_machine.travel(START, tick=False):
        finding = factories.FindingFactory(target_date=dt.date(2026, 10, 31), text="Review the vetting backlog.")
        factories.TrackedItemFactory(finding=finding, force=force, status="in_progress")
        client.force_login(liaison_user)

        def page():
            response = client.get(reverse("dashboard"))
            return response.content.decode(), [t.name for t in response.templates].count("tables/govuk_table.html")

        html, rendered = page()
        assert "Review the vetting backlog." in html and rendered >= 1
        html, rendered = page()
        assert rendered == 0  # every table on the page came from the cache
        # Edited round the services: no figure moves, but the row shows the finding's text.
        finding.text = "Review the custody backlog."
        finding.save()
        html, rendered = page()
        assert rendered == 1
        assert "Review the custody backlog." in html and "vetting backlog" not in html
