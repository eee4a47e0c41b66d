"""The managers' overdue review queue's index (rules.awaiting_overdue_review_q): open items by
current target date and latest review, carrying the finding, the force and the day it entered the tracker, so that the queue is
counted and grouped by finding from the index alone. Built concurrently on PostgreSQL (reads and
writes of a million items go on meanwhile), so this migration holds nothing else and is not atomic."""

from django.db import migrations, models

from core.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inspections", "0011_item_latest_overdue_review")]

    operations = [
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("status__in", ("published", "in_progress", "submitted"))),
                fields=["current_target_date", "latest_overdue_review_at"],
                include=("finding", "force", "entered_on", "status"),
                name="item_awaiting_review_idx",
            ),
        ),
    ]
