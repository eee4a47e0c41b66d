"""Atom feeds of the register's public changes: all of them, one force's, one theme's."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.dates import london_today
from core.text import printable
from forces.models import Force
from inspections.models import Theme
from register import selectors
from register.slugs import reference_slug

FEED_LENGTH = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Recommendations register: latest changes"
    subtitle = "Status changes, new target dates and comments the inspectorate has published."
    author_name = "The inspectorate"

    def get_object(self, request: HttpRequest, slug: str | None = None):
        return None

    def link(self, obj) -> str:
        return reverse("register:home")

    def items(self, obj) -> list:
        return selectors.public_changes(today=london_today(), limit=FEED_LENGTH, **self.scope(obj))

    def scope(self, obj) -> dict:
        return {}

    def item_title(self, entry) -> str:
        item = entry.item
        # An Atom feed is XML: stored text is made printable first (core.text), or a control
        # character saved before the text policy would stop the whole feed.
        return printable(f"{item.finding.reference} – {item.force.name}: {entry.title}")

    def item_description(self, entry) -> str:
        item = entry.item
        parts = [f"{item.finding.inspection.title}. Status: {entry.status_label}."]
        if entry.comment:
            parts.append(entry.comment)
        return printable(" ".join(parts))

    def item_link(self, entry) -> str:
        item = entry.item
        return reverse(
            "register:item_detail",
            kwargs={
                "slug": item.finding.inspection.slug,
                "finding": reference_slug(item.finding.reference),
                "force": item.force.slug,
            },
        )

    def item_guid(self, entry) -> str:
        return f"{settings.SITE_URL.rstrip('/')}/register/changes/{entry.item.pk}/{entry.at:%Y%m%dT%H%M%S.%f}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.at

    def item_updateddate(self, entry):
        return entry.at


class ForceChangesFeed(ChangesFeed):
    def get_object(self, request: HttpRequest, slug: str | None = None) -> Force:
        return get_object_or_404(selectors.public_forces(), slug=slug)

    def title(self, obj: Force) -> str:
        return f"Recommendations register: latest changes for {obj.name}"

    def link(self, obj: Force) -> str:
        return reverse("register:force_detail", kwargs={"slug": obj.slug})

    def scope(self, obj: Force) -> dict:
        return {"force": obj}


class ThemeChangesFeed(ChangesFeed):
    def get_object(self, request: HttpRequest, slug: str | None = None) -> Theme:
        return get_object_or_404(selectors.public_themes(), slug=slug)

    def title(self, obj: Theme) -> str:
        return f"Recommendations register: latest changes on {obj.name.lower()}"

    def link(self, obj: Theme) -> str:
        return f"{reverse('register:search')}?theme={obj.slug}"

    def scope(self, obj: Theme) -> dict:
        return {"theme": obj}
