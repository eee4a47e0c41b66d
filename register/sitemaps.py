"""The sitemap: the register's stable pages (forces, inspections, findings and items), in sections
of at most 50,000 addresses, so that a search engine finds every published recommendation. The
findings' and items' sections are ranges of ids (IdRangePaginator), so that neither the index nor
a section counts or skips through a million items."""

import math
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape

from core.dates import london_today
from register import selectors
from register.slugs import reference_slug


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return [
            "register:home",
            "register:force_list",
            "register:inspection_list",
            "register:theme_list",
            "register:implementation",
            "register:open_data",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


class ForceSitemap(Sitemap):
    def items(self):
        return (
            selectors.public_forces()
            .filter(pk__in=selectors.public_items(today=london_today()).values("force_id"))
            .only("slug")
        )

    def location(self, force) -> str:
        return reverse("register:force_detail", kwargs={"slug": force.slug})


class InspectionSitemap(Sitemap):
    def items(self):
        return selectors.public_inspections(today=london_today()).only("slug", "updated_at").order_by("pk")

    def location(self, inspection) -> str:
        return reverse("register:inspection_detail", kwargs={"slug": inspection.slug})

    def lastmod(self, inspection):
        return inspection.updated_at

    def get_latest_lastmod(self):
        # The index's date for the section, aggregated (Django's default builds every inspection).
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class IdRangePaginator:
    """What Django's sitemap views ask of a paginator (num_pages, page(n).object_list), with page n
    the rows whose ids lie in the n-th run of `per_page` ids: at most `per_page` of them (fewer
    where ids were deleted or are under embargo), found by a range of the primary key, and as many
    pages as the highest id needs. A page's address lists the same rows whatever is added later."""

    def __init__(self, rows: QuerySet, per_page: int):
        self.rows, self.per_page = rows, per_page

    @property
    def num_pages(self) -> int:
        highest = self.rows.model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, math.ceil(highest / self.per_page))

    def page(self, number) -> SimpleNamespace:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        first = (number - 1) * self.per_page
        return SimpleNamespace(object_list=self.rows.filter(pk__gt=first, pk__lte=first + self.per_page))


class RangeSitemap(Sitemap):
    """A section paged by runs of ids (IdRangePaginator) and written a line an address by
    `section`: `items()` gives value rows, `url_name` the page they address, `arguments` the names
    of its URL's arguments and `kwargs(row)` their values for a row."""

    # Five thousand addresses a section (the protocol allows 50,000, and 50,000 sections): a
    # section is read and written in well under a tenth of a second at a million items.
    limit = 5_000
    url_name = ""
    arguments: tuple[str, ...] = ()

    @property
    def paginator(self) -> IdRangePaginator:
        return IdRangePaginator(self.items(), self.limit)

    def kwargs(self, row) -> dict[str, str]:
        raise NotImplementedError

    def location(self, row) -> str:
        return reverse(self.url_name, kwargs=self.kwargs(row))

    def location_format(self) -> str:
        """The page's address with {name} where each argument goes: reversed once, not once a row."""
        marks = {name: f"{name}-mark" for name in self.arguments}
        path = reverse(self.url_name, kwargs=marks).replace("{", "{{").replace("}", "}}")
        for name, mark in marks.items():
            path = path.replace(mark, f"{{{name}}}")
        return path


class FindingSitemap(RangeSitemap):
    url_name = "register:finding_detail"
    arguments = ("slug", "finding")

    def items(self):
        return (
            selectors.public_findings(today=london_today()).values_list("inspection__slug", "reference").order_by("pk")
        )

    def kwargs(self, row) -> dict[str, str]:
        return {"slug": row[0], "finding": reference_slug(row[1])}


class ItemSitemap(RangeSitemap):
    url_name = "register:item_detail"
    arguments = ("slug", "finding", "force")

    def items(self):
        return (
            selectors.public_items(today=london_today())
            .values_list("finding__inspection__slug", "finding__reference", "force__slug")
            .order_by("pk")
        )

    def kwargs(self, row) -> dict[str, str]:
        return {"slug": row[0], "finding": reference_slug(row[1]), "force": row[2]}


def section(request: HttpRequest, section: str) -> HttpResponse:
    """A section of the sitemap (?p= as Django's view). The ranged sections (findings and items)
    are the same XML as Django's template, written a line an address, since ten thousand template
    loops took half a second; the others are Django's own view."""
    sitemap = SITEMAPS.get(section)
    if sitemap is None or not issubclass(sitemap, RangeSitemap):
        return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    sitemap = sitemap()
    try:
        page = sitemap.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page of the sitemap") from None
    location = f"{request.scheme}://{get_current_site(request).domain}{sitemap.location_format()}"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
    ]
    lines.extend(
        f"<url><loc>{escape(location.format(**sitemap.kwargs(row)))}</loc></url>"
        for row in page.object_list.iterator(chunk_size=2000)
    )
    lines.append("</urlset>\n")
    response = HttpResponse("\n".join(lines), content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as Django's sitemap views
    return response


SITEMAPS = {
    "pages": StaticSitemap,
    "forces": ForceSitemap,
    "inspections": InspectionSitemap,
    "findings": FindingSitemap,
    "items": ItemSitemap,
}
