from django.core.paginator import EmptyPage
from django.http import HttpRequest
from django_tables2 import RequestConfig
from django_tables2 import tables as django_tables2

# The rows a page of any list may show, whatever `?per_page=` asks for: a page of ten is the smallest
# worth paging, a hundred rows the most one page renders (each row is HTML, links and tags).
PER_PAGE_MIN = 10
PER_PAGE_MAX = 100


class GovukTable(django_tables2.Table):
    """A django-tables2 table rendered as a GOV.UK table (templates/tables/govuk_table.html).

    The table sits in its own scrolling region, so that a wide table scrolls sideways inside it and
    the page never does (a narrow screen, or a page zoomed to 400%). The region is focusable (a
    keyboard user can scroll it) and named by `label`, or by the caption when there is one."""

    label = ""
    # On a narrow screen each row of a stacked table becomes a block of "Header: value" lines, for
    # tables whose rows read better that way than scrolled sideways (see frontend/_components.scss).
    stacked = False

    class Meta:
        template_name = "tables/govuk_table.html"
        attrs = {"class": "govuk-table"}
        row_attrs = {"class": "govuk-table__row"}
        empty_text = "There is nothing to show for these filters."

    def __init__(self, *args, label: str = "", **kwargs) -> None:
        if label:
            self.label = label
        super().__init__(*args, **kwargs)

    @property
    def region_label(self) -> str:
        return str(getattr(self, "caption", "") or self.label or "Table")

    def before_render(self, request: HttpRequest | None) -> None:
        # Cells that link to other pages ask the reader's scope (see inspections/links.py).
        self.request = request


def _whole_number(value: str | None) -> int | None:
    """A query-string value as a whole number, or None (not a number, or absurdly long)."""
    value = (value or "").strip()
    return int(value) if value.isdecimal() and len(value) <= 18 else None


def paginate(request: HttpRequest, table: GovukTable, *, per_page: int) -> GovukTable:
    """Sort and page `table` from the query string: the one way every list pages.

    `?per_page=` is kept between PER_PAGE_MIN and PER_PAGE_MAX (anything that is not a whole
    number: the list's own `per_page`); `?page=` that is not a whole number or below 1 answers the
    first page, beyond the last the last page. Never an error page. Both names carry the table's
    prefix when it has one (`?force-page=` on the dashboard)."""
    if not PER_PAGE_MIN <= per_page <= PER_PAGE_MAX:
        raise ValueError(f"per_page {per_page} is outside {PER_PAGE_MIN} to {PER_PAGE_MAX}")
    RequestConfig(request, paginate=False).configure(table)  # the sort order
    asked = _whole_number(request.GET.get(table.prefixed_per_page_field))
    size = per_page if asked is None else min(max(asked, PER_PAGE_MIN), PER_PAGE_MAX)
    number = _whole_number(request.GET.get(table.prefixed_page_field)) or 1
    try:
        table.paginate(per_page=size, page=number)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    return table
