"""Reads of the record of exports (inspectorate staff only: the view checks)."""

from django.db.models import QuerySet

from audit.models import ExportRecord


def export_records_list() -> QuerySet[ExportRecord]:
    return ExportRecord.objects.select_related("user")
