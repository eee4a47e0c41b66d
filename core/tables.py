import django_tables2 as tables


class GovukTable(tables.Table):
    """A django-tables2 table rendered as a GOV.UK table (templates/tables/govuk_table.html)."""

    class Meta:
        template_name = "tables/govuk_table.html"
        attrs = {"class": "govuk-table"}
        row_attrs = {"class": "govuk-table__row"}
        empty_text = "There is nothing to show for these filters."
