"""The public register (anyone, signed in or not, gets the same page) and the staff's theme pages."""

from inspections.models import Theme
from register.slugs import reference_slug
from tests.access.matrix import READ_ALL_SIGNED_IN, STAFF_ONLY, Case, expect

# Open to everyone: the same answer for every role, anonymous included.
EVERYONE = expect(anonymous=200, own_liaison=200, other_liaison=200, staff=200, manager=200)
NOT_FOUND = expect(anonymous=404, own_liaison=404, other_liaison=404, staff=404, manager=404)
STAFF_WRITE = expect(own_liaison=403, other_liaison=403, staff=302, manager=403)
STAFF_FINDING_PAGE = expect(own_liaison=403, other_liaison=404, staff=200, manager=403)
STAFF_FINDING_WRITE = expect(own_liaison=403, other_liaison=404, staff=302, manager=403)


def _theme(world) -> Theme:
    return Theme.objects.get_or_create(slug="vetting", defaults={"name": "Vetting"})[0]


def _item_kwargs(world) -> dict:
    return {
        "slug": world.inspection.slug,
        "finding": reference_slug(world.finding.reference),
        "force": world.force.slug,
    }


def _themes(world) -> list:
    return sorted(Theme.objects.values_list("slug", "name", "description")), sorted(
        world.finding.themes.values_list("slug", flat=True)
    )


CASES = [
    Case("robots_txt", expected=EVERYONE),
    Case("register:home", expected=EVERYONE),
    Case("register:search", expected=EVERYONE),
    Case(
        "register:search",
        query="theme=vetting&force=cleveland-police&status=complete",
        label="filtered",
        expected=EVERYONE,
    ),
    Case("register:force_list", expected=EVERYONE),
    Case("register:force_detail", kwargs=lambda w: {"slug": w.force.slug}, expected=EVERYONE),
    Case("register:force_feed", kwargs=lambda w: {"slug": w.force.slug}, expected=EVERYONE),
    Case("register:inspection_list", expected=EVERYONE),
    Case("register:inspection_detail", kwargs=lambda w: {"slug": w.inspection.slug}, expected=EVERYONE),
    Case(
        "register:finding_detail",
        kwargs=lambda w: {"slug": w.inspection.slug, "finding": reference_slug(w.finding.reference)},
        expected=EVERYONE,
    ),
    Case("register:item_detail", kwargs=_item_kwargs, expected=EVERYONE),
    Case(
        "register:item_detail",
        kwargs=lambda w: {**_item_kwargs(w), "force": "no-such-force"},
        label="unknown force",
        expected=NOT_FOUND,
    ),
    Case("register:theme_list", expected=EVERYONE),
    Case("register:theme_feed", kwargs=lambda w: {"slug": _theme(w).slug}, expected=EVERYONE),
    Case("register:implementation", expected=EVERYONE),
    Case("register:open_data", expected=EVERYONE),
    Case("register:register_download", kwargs=lambda w: {"fmt": "csv"}, expected=EVERYONE),
    Case("register:register_download", kwargs=lambda w: {"fmt": "json"}, label="json", expected=EVERYONE),
    Case("register:register_download", kwargs=lambda w: {"fmt": "pdf"}, label="unknown format", expected=NOT_FOUND),
    Case("register:trail_download", kwargs=lambda w: {"fmt": "csv"}, expected=EVERYONE),
    Case("register:feed", expected=EVERYONE),
    Case("register:sitemap", expected=EVERYONE),
    Case("register:sitemap_section", kwargs=lambda w: {"section": "findings"}, expected=EVERYONE),
    Case("register:sitemap_section", kwargs=lambda w: {"section": "items"}, label="items", expected=EVERYONE),
    Case("register:sitemap_section", kwargs=lambda w: {"section": "forces"}, label="forces", expected=EVERYONE),
    Case(
        "register:sitemap_section", kwargs=lambda w: {"section": "people"}, label="unknown section", expected=NOT_FOUND
    ),
    # Themes: everyone signed in reads the list; staff keep it and tag findings.
    Case("inspections:theme_list", expected=READ_ALL_SIGNED_IN),
    Case("inspections:theme_create", expected=STAFF_ONLY),
    Case(
        "inspections:theme_create",
        method="POST",
        data=lambda w: {"name": "Roads policing", "description": "Roads and traffic"},
        snapshot=_themes,
        expected=STAFF_WRITE,
    ),
    Case("inspections:theme_edit", kwargs=lambda w: {"slug": _theme(w).slug}, expected=STAFF_ONLY),
    Case(
        "inspections:theme_edit",
        kwargs=lambda w: {"slug": _theme(w).slug},
        method="POST",
        data=lambda w: {"name": "Vetting and counter-corruption", "description": ""},
        snapshot=_themes,
        expected=STAFF_WRITE,
    ),
    Case("inspections:finding_themes", kwargs=lambda w: {"pk": w.finding.pk}, expected=STAFF_FINDING_PAGE),
    Case(
        "inspections:finding_themes",
        kwargs=lambda w: {"pk": w.finding.pk},
        method="POST",
        data=lambda w: {"themes": [_theme(w).pk]},
        snapshot=_themes,
        expected=STAFF_FINDING_WRITE,
    ),
]
