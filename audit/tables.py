import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from audit.models import ExportRecord
from core.tables import GovukTable


def filters_in_words(filters: dict[str, list[str]]) -> str:
    return "; ".join(f"{key}: {', '.join(values)}" for key, values in filters.items() if any(values))


class ExportRecordTable(GovukTable):
    label = "Exports"

    created_at = tables.DateTimeColumn(verbose_name="When", format="j M Y, H:i")
    user = tables.Column(verbose_name="Who", order_by=("user__last_name", "user__first_name"))
    kind = tables.Column(verbose_name="What")
    scope = tables.Column(verbose_name="Scope", orderable=False)
    filters = tables.Column(verbose_name="Filters", orderable=False, empty_values=())
    row_count = tables.Column(
        verbose_name="Rows",
        attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}},
    )

    class Meta(GovukTable.Meta):
        model = ExportRecord
        fields = ["created_at", "user", "kind", "scope", "filters", "row_count"]
        empty_text = "No exports match these filters."

    def render_user(self, record: ExportRecord) -> str:
        return format_html(
            '{}<br><span class="govuk-hint govuk-!-font-size-16">{}</span>', str(record.user), record.user.username
        )

    def render_kind(self, record: ExportRecord) -> str:
        return format_html('{}<br><code class="govuk-!-font-size-16">{}</code>', record.get_kind_display(), record.path)

    def render_filters(self, record: ExportRecord) -> str:
        if not record.filters:
            return "None"
        return format_html_join("", "{}: {}<br>", ((k, ", ".join(v)) for k, v in record.filters.items()))
