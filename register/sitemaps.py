"""The sitemap: the register's stable pages (forces, inspections, findings and items), in sections
of at most 50,000 addresses, so that a search engine finds every published recommendation."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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


class FindingSitemap(Sitemap):
    def items(self):
        return (
            selectors.public_findings(today=london_today()).values_list("inspection__slug", "reference").order_by("pk")
        )

    def location(self, row) -> str:
        return reverse("register:finding_detail", kwargs={"slug": row[0], "finding": reference_slug(row[1])})


class ItemSitemap(Sitemap):
    def items(self):
        return (
            selectors.public_items(today=london_today())
            .values_list("finding__inspection__slug", "finding__reference", "force__slug")
            .order_by("pk")
        )

    def location(self, row) -> str:
        return reverse(
            "register:item_detail", kwargs={"slug": row[0], "finding": reference_slug(row[1]), "force": row[2]}
        )


SITEMAPS = {
    "pages": StaticSitemap,
    "forces": ForceSitemap,
    "inspections": InspectionSitemap,
    "findings": FindingSitemap,
    "items": ItemSitemap,
}
