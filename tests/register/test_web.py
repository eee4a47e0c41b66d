"""The register on the open web: no cookies, validators and a shared cache, a rate limit per
client, robots rules, a sitemap and a description on every page."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections import services
from register.slugs import reference_slug
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(db, force):
    inspection = factories.InspectionFactory(reference="PEEL-2025-CLE", published_on=dt.date(2025, 5, 1))
    return factories.TrackedItemFactory(
        finding=factories.FindingFactory(inspection=inspection, reference="R1"), force=force
    )


def _pages(item) -> list[str]:
    inspection = item.finding.inspection
    return [
        reverse("register:home"),
        reverse("register:search") + "?q=missing",
        reverse("register:force_list"),
        reverse("register:force_detail", kwargs={"slug": item.force.slug}),
        reverse("register:inspection_list"),
        reverse("register:inspection_detail", kwargs={"slug": inspection.slug}),
        reverse("register:finding_detail", kwargs={"slug": inspection.slug, "finding": "r1"}),
        reverse("register:item_detail", kwargs={"slug": inspection.slug, "finding": "r1", "force": item.force.slug}),
        reverse("register:theme_list"),
        reverse("register:implementation"),
        reverse("register:open_data"),
    ]


def test_no_public_page_sets_a_cookie_even_for_a_signed_in_user(client, item, staff_user):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(staff_user)
        for url in [*_pages(item), reverse("register:feed"), reverse("register:sitemap"), "/robots.txt"]:
            response = client.get(url)
            assert response.status_code == 200, url
            # The WSGI handler writes one Set-Cookie header per entry of response.cookies.
            assert not response.cookies, url
            assert "Cookie" not in response.get("Vary", ""), url
            assert "public" in response["Cache-Control"], url
    # The signed-in pages still set and renew the session as before.
    assert client.get(reverse("dashboard")).cookies


def test_every_public_page_has_one_h1_a_title_and_a_meta_description(client, item):
    for url in _pages(item):
        body = client.get(url).content.decode()
        assert body.count("<h1") == 1, url
        assert '<meta name="description" content="' in body, url
        assert "Recommendations register</title>" in body, url


def test_a_matching_etag_answers_304_until_the_data_changes(client, item, staff_user):
    url = reverse(
        "register:item_detail", kwargs={"slug": item.finding.inspection.slug, "finding": "r1", "force": item.force.slug}
    )
    first = client.get(url)
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.item_close(
        item=item, user=staff_user, version=item.version, status="withdrawn", note="n", public_comment="Withdrawn."
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Withdrawn" in changed.content.decode()


def test_the_page_is_served_from_the_shared_cache_with_no_query(client, item, django_assert_num_queries):
    url = reverse("register:force_detail", kwargs={"slug": item.force.slug})
    first = client.get(url).content
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first


def test_a_client_past_the_rate_limit_gets_429_and_others_do_not(client, item, settings):
    settings.REGISTER_RATE_LIMIT = 3
    url = reverse("register:home")
    statuses = [client.get(url, REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert int(limited["Retry-After"]) >= 1 and "Too many requests" in limited.content.decode()
    assert client.get(url, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_behind_a_proxy_the_client_is_the_forwarded_address(client, item, settings):
    settings.REGISTER_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 2  # a CDN (appends the client) and a load balancer (appends the CDN)
    url = reverse("register:home")
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.1, 10.0.0.1").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.1, 10.0.0.1").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.2, 10.0.0.1").status_code == 200


def test_a_client_cannot_escape_the_limit_by_writing_its_own_forwarded_address(client, item, settings):
    settings.REGISTER_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1  # one load balancer, which appends the address it saw
    url = reverse("register:home")
    assert client.get(url, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.9").status_code == 429


def test_post_is_refused(client, item):
    assert client.post(reverse("register:home")).status_code == 405


def test_robots_allow_the_register_only_and_name_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Allow: /register/" in body and "Disallow: /\n" in body
    assert "Sitemap: " in body and body.split("Sitemap: ")[1].strip().endswith("/register/sitemap.xml")


def test_the_sitemap_lists_published_items_and_not_embargoed_ones(client, item, force):
    embargoed = factories.InspectionFactory(reference="LATER-1", published_on=dt.date(2099, 1, 1))
    factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=embargoed, reference="R7"), force=force)
    index = client.get(reverse("register:sitemap")).content.decode()
    assert "sitemap-items.xml" in index
    from register.sitemaps import ItemSitemap

    page = (item.pk - 1) // ItemSitemap.limit + 1  # the run of ids holding the item's
    items = client.get(reverse("register:sitemap_section", kwargs={"section": "items"}) + f"?p={page}")
    items = items.content.decode()
    assert f"/register/inspections/peel-2025-cle/r1/{force.slug}/" in items
    assert "later-1" not in items


@pytest.mark.parametrize("name", ["items", "findings"])
def test_the_ranged_sections_are_runs_of_ids_that_list_every_published_row_once(client, item, force, monkeypatch, name):
    from django.contrib.sitemaps.views import sitemap as django_sitemap
    from django.test import RequestFactory

    from register.sitemaps import SITEMAPS

    sitemap = SITEMAPS[name]
    monkeypatch.setattr(sitemap, "limit", 2)
    embargoed = factories.InspectionFactory(reference="LATER-1", published_on=dt.date(2099, 1, 1))
    factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=embargoed, reference="R7"), force=force)
    if name == "items":
        published = [item, *(factories.TrackedItemFactory(finding=item.finding) for _ in range(4))]

        def address(row) -> str:
            return f"http://testserver/register/inspections/{row.finding.inspection.slug}/r1/{row.force.slug}/"
    else:
        published = [item.finding]
        for n in range(2, 6):
            published.append(factories.FindingFactory(inspection=item.finding.inspection, reference=f"R{n}"))

        def address(row) -> str:
            return f"http://testserver/register/inspections/{row.inspection.slug}/{reference_slug(row.reference)}/"

    model = type(published[0])
    pages = -(-model.objects.order_by("-pk").first().pk // 2)  # the highest id over 2, rounded up
    index = client.get(reverse("register:sitemap")).content.decode()
    section = reverse("register:sitemap_section", kwargs={"section": name})
    assert f"{section}?p={pages}<" in index and f"{section}?p={pages + 1}<" not in index
    listed = []
    first = (min(row.pk for row in published) - 1) // 2 + 1  # the ids before the test's are other tests'
    for page in range(first, pages + 1):
        response = client.get(f"{section}?p={page}")
        assert response.status_code == 200 and response["Content-Type"] == "application/xml"
        body = response.content.decode()
        # The same XML as Django's own sitemap view for the same page.
        request = RequestFactory().get(f"{section}?p={page}", HTTP_HOST="testserver")
        django_body = django_sitemap(request, sitemaps=SITEMAPS, section=name).render().content.decode()
        assert _locations(body) == _locations(django_body)
        listed += _locations(body)
    assert listed == [address(row) for row in sorted(published, key=lambda row: row.pk)]
    assert "later-1" not in "".join(listed)
    assert client.get(f"{section}?p={pages + 1}").status_code == 404
    assert client.get(f"{section}?p=x").status_code == 404


def test_the_other_sections_are_djangos_own(client, item, force):
    body = client.get(reverse("register:sitemap_section", kwargs={"section": "forces"})).content.decode()
    assert _locations(body) == [f"http://testserver/register/forces/{force.slug}/"]
    assert client.get(reverse("register:sitemap_section", kwargs={"section": "people"})).status_code == 404


def _locations(xml: str) -> list[str]:
    import re

    return re.findall(r"<loc>([^<]+)</loc>", xml)


def test_slugs_are_stable_when_the_reference_is_corrected(item):
    inspection = item.finding.inspection
    inspection.reference = "PEEL-2025-CLEV"
    inspection.save()
    inspection.refresh_from_db()
    assert inspection.slug == "peel-2025-cle"
    assert reference_slug("AFI 2") == "afi-2"


def test_the_old_open_data_file_is_superseded_by_the_public_one(client, item):
    response = client.get("/open-data/findings.csv", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("register:register_download", kwargs={"fmt": "csv"})


def test_a_download_holds_what_the_search_filters_chose(client, item):
    other = factories.TrackedItemFactory(
        finding=factories.FindingFactory(inspection=item.finding.inspection, reference="R2"),
        force=factories.ForceFactory(name="Dorset Police"),
    )
    query = f"?force={item.force.slug}"
    search = client.get(reverse("register:search") + query).content.decode()
    assert f'href="{reverse("register:register_download", kwargs={"fmt": "csv"})}{query}"' in search
    for name in ("register:register_download", "register:trail_download"):
        body = b"".join(client.get(reverse(name, kwargs={"fmt": "csv"}) + query).streaming_content).decode()
        assert item.force.name in body
        assert other.force.name not in body
        everything = b"".join(client.get(reverse(name, kwargs={"fmt": "csv"})).streaming_content).decode()
        assert other.force.name in everything


def test_a_download_with_a_filter_that_is_not_valid_says_so(client, item):
    response = client.get(reverse("register:register_download", kwargs={"fmt": "json"}) + "?force=nowhere&year=abc")
    assert response.status_code == 400
    text = response.content.decode()
    assert "not valid" in text
    assert "Force or body" in text
    assert "Year published" in text


def test_the_index_dates_the_inspections_section_by_the_latest_published_change(client, item):
    from django.utils import timezone

    from inspections.models import Inspection

    published = item.finding.inspection
    embargoed = factories.InspectionFactory(reference="LATER-1", published_on=dt.date(2099, 1, 1))
    Inspection.objects.filter(pk=published.pk).update(updated_at=timezone.make_aware(dt.datetime(2026, 3, 4, 5, 6)))
    Inspection.objects.filter(pk=embargoed.pk).update(updated_at=timezone.make_aware(dt.datetime(2026, 9, 9, 9, 9)))
    index = client.get(reverse("register:sitemap")).content.decode()
    entry = index.split("sitemap-inspections.xml")[1].split("</sitemap>")[0]
    assert "<lastmod>2026-03-04T05:06:00" in entry
