"""The latest managers' overdue review on each tracked item (its time and decision), so that the
review queue reads the item alone instead of joining every item's reviews. Backfilled from the
reviews already recorded (oversight.OverdueReview: a small table, one statement). The index that
answers the queue is built without locking the table in the next migration."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    TrackedItem = apps.get_model("inspections", "TrackedItem")
    OverdueReview = apps.get_model("oversight", "OverdueReview")
    latest = OverdueReview.objects.filter(item=OuterRef("pk")).order_by("-reviewed_at", "-id")
    TrackedItem.objects.filter(pk__in=OverdueReview.objects.values("item_id")).update(
        latest_overdue_review_at=Subquery(latest.values("reviewed_at")[:1]),
        latest_overdue_decision=Subquery(latest.values("decision")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0010_review_version"),
        ("oversight", "0002_escalate_to_governing_body"),
    ]

    operations = [
        migrations.AddField(
            model_name="trackeditem",
            name="latest_overdue_review_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="trackeditem",
            name="latest_overdue_decision",
            field=models.CharField(blank=True, db_default="", default="", max_length=20),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
