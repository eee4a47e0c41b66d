"""Links only where the reader may follow them.

A link to a page that refuses its reader (another force's page answers a liaison officer 404) is a
dead end. Every link to an object's page (a force, an inspection, a finding, a tracked item, a
follow-up review) is decided here, by the selectors that the page itself fetches through
(`get_visible_or_404` over the `*_visible_to` selectors): where the page would answer 404, the
reader gets the name without a link.

One `LinkScope` per request (`link_scope`) asks the database once for the forces a reader may see,
once more for their slugs if it links a force, and once per inspection, finding or review it is
asked about; nothing for staff and managers, who see everything. The tests check every answer
against the selectors themselves."""

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User
from forces.models import Force
from forces.selectors import force_ids_for
from inspections import selectors
from inspections.models import Finding, FollowUpReview, Inspection, TrackedItem


def link_or_text(url: str, text: str, hidden: str = ""):
    """A GOV.UK link, with words for screen readers only (`hidden`), or the text alone when there is
    no URL."""
    if not url:
        return text
    if hidden:
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}</span></a>', url, text, hidden
        )
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)


class LinkScope:
    """What one reader may open: the URL of an object's page, or "" where that page would refuse them."""

    def __init__(self, *, user: User | None) -> None:
        self.user = user
        self._force_ids: frozenset[int] | None = frozenset()
        self._force_slugs: frozenset[str] | None = None
        self._opens: dict[tuple[type, int], bool] = {}
        if user is not None:
            ids = force_ids_for(user=user)  # no query for staff and managers: the role is on the user
            self._force_ids = None if ids is None else frozenset(ids)

    @property
    def sees_everything(self) -> bool:
        return self._force_ids is None

    def _visible_force_slugs(self) -> frozenset[str]:
        """The slugs of forces_visible_to (the forces of force_ids_for), asked once."""
        if self._force_slugs is None:
            self._force_slugs = frozenset(Force.objects.filter(pk__in=self._force_ids).values_list("slug", flat=True))
        return self._force_slugs

    def _visible(self, model: type, pk: int, visible: Callable[[], QuerySet]) -> bool:
        key = (model, pk)
        if key not in self._opens:
            self._opens[key] = self.sees_everything or visible().filter(pk=pk).exists()
        return self._opens[key]

    def known_visible(self, objects) -> None:
        """These objects came from the reader's own *_visible_to selector (a list page's rows):
        their links need no query each."""
        for obj in objects:
            self._opens[(type(obj), obj.pk)] = True

    def may_open_force(self, *, slug: str) -> bool:
        """The force page's own check: the slug among forces_visible_to."""
        return self.sees_everything or slug in self._visible_force_slugs()

    def may_open_item(self, *, force_id: int) -> bool:
        """The item page's own check: items_visible_to, the items of the forces of force_ids_for."""
        return self.sees_everything or force_id in self._force_ids

    def may_open(self, obj: Model) -> bool:
        if isinstance(obj, Force):
            return self.may_open_force(slug=obj.slug)
        if isinstance(obj, TrackedItem):
            return self.may_open_item(force_id=obj.force_id)
        if self.user is None:
            return False
        if isinstance(obj, Inspection):
            return self._visible(Inspection, obj.pk, lambda: selectors.inspections_visible_to(user=self.user))
        if isinstance(obj, Finding):
            return self._visible(Finding, obj.pk, lambda: selectors.findings_visible_to(user=self.user))
        if isinstance(obj, FollowUpReview):
            return self._visible(FollowUpReview, obj.pk, lambda: selectors.reviews_visible_to(user=self.user))
        raise TypeError(f"no page for {type(obj).__name__}")

    def inspection_url_of_item(self, item: TrackedItem) -> str:
        """The URL of the inspection of an item, without a query where the reader may open the item:
        inspections_visible_to holds the inspections of every item of the reader's forces."""
        if self.may_open_item(force_id=item.force_id):
            return reverse("inspections:inspection_detail", args=[item.finding.inspection_id])
        return self.url(item.finding.inspection)

    def force_url(self, *, slug: str) -> str:
        return reverse("forces:force_detail", args=[slug]) if self.may_open_force(slug=slug) else ""

    def url(self, obj: Model) -> str:
        """The URL of obj's page, or "" where the reader may not open it."""
        if not self.may_open(obj):
            return ""
        if isinstance(obj, Force):
            return reverse("forces:force_detail", args=[obj.slug])
        names = {
            TrackedItem: "inspections:item_detail",
            Inspection: "inspections:inspection_detail",
            Finding: "inspections:finding_detail",
            FollowUpReview: "inspections:review_detail",
        }
        return reverse(names[type(obj)], args=[obj.pk])


def link_scope(request: HttpRequest | None) -> LinkScope:
    """The reader's LinkScope, kept on the request (one per request); without a request (a table
    rendered outside one), a scope that links nothing."""
    if request is None:
        return LinkScope(user=None)
    scope = getattr(request, "_link_scope", None)
    if scope is None:
        user = getattr(request, "user", None)
        scope = LinkScope(user=user if user is not None and user.is_authenticated else None)
        request._link_scope = scope
    return scope
