"""What the API shows. Items carry their finding and force, never a progress narrative, evidence
or a person's name."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import london_today
from inspections.models import Finding, Inspection, TrackedItem


class InspectionSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.name", read_only=True)
    programme_slug = serializers.CharField(source="programme.slug", read_only=True)
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "reference",
            "title",
            "programme",
            "programme_slug",
            "fieldwork_start",
            "fieldwork_end",
            "published_on",
            "report_url",
            "summary",
            "follows_up",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_report_url(self, inspection: Inspection) -> str | None:
        return inspection.report_url or None  # blank in the database is "no report yet", not a URL


class FindingSerializer(serializers.ModelSerializer):
    inspection_reference = serializers.CharField(source="inspection.reference", read_only=True)
    cause_of_concern_reference = serializers.CharField(
        source="cause_of_concern.reference", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "inspection_reference",
            "category",
            "reference",
            "text",
            "cause_of_concern",
            "cause_of_concern_reference",
            "accelerated",
            "action_plan_due_on",
            "target_date",
        ]
        read_only_fields = fields


class TrackedItemSerializer(serializers.ModelSerializer):
    finding_reference = serializers.CharField(source="finding.reference", read_only=True)
    finding_text = serializers.CharField(source="finding.text", read_only=True)
    category = serializers.CharField(source="finding.category", read_only=True)
    inspection = serializers.IntegerField(source="finding.inspection_id", read_only=True)
    inspection_reference = serializers.CharField(source="finding.inspection.reference", read_only=True)
    force = serializers.CharField(source="force.name", read_only=True)
    force_slug = serializers.CharField(source="force.slug", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    overdue_since = serializers.SerializerMethodField()
    arrived_overdue = serializers.SerializerMethodField()

    class Meta:
        model = TrackedItem
        fields = [
            "id",
            "finding",
            "finding_reference",
            "finding_text",
            "category",
            "inspection",
            "inspection_reference",
            "force",
            "force_slug",
            "response",
            "responded_on",
            "status",
            "original_target_date",
            "current_target_date",
            "extension_count",
            "submitted_on",
            "closed_on",
            "latest_progress",
            "entered_on",
            "is_overdue",
            "overdue_since",
            "arrived_overdue",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, item: TrackedItem) -> bool:
        today = self.context.get("today") or london_today()
        return item.is_overdue(today)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_overdue_since(self, item: TrackedItem) -> str | None:
        """The first day it was overdue: the day after the current target date (while overdue)."""
        since = item.overdue_since(self.context.get("today") or london_today())
        return since.isoformat() if since else None

    @extend_schema_field(serializers.BooleanField())
    def get_arrived_overdue(self, item: TrackedItem) -> bool:
        """Overdue, and already past its target when it entered the tracker."""
        return item.is_overdue(self.context.get("today") or london_today()) and item.arrived_overdue
