"""Open items by current target date, now carrying what was last reminded of (the reminders read
it alone): the new index is built first, then the one it replaces is dropped, both concurrently
on PostgreSQL (reads and writes go on meanwhile), so this migration is not atomic."""

from django.db import migrations, models

from core.migration_operations import AddIndexWithoutLocking, RemoveIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inspections", "0013_item_reminded")]

    operations = [
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("status__in", ("published", "in_progress", "submitted"))),
                fields=["current_target_date"],
                include=("reminded_for", "reminded_within"),
                name="item_open_reminder_idx",
            ),
        ),
        RemoveIndexWithoutLocking(model_name="trackeditem", name="item_open_target_idx"),
    ]
