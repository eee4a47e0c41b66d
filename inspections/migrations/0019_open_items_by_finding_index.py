"""The open items by finding with their current targets (the meeting pack's overdue by finding),
built concurrently on PostgreSQL, so this migration is not atomic."""

from django.db import migrations, models

from core.migration_operations import AddIndexWithoutLocking

OPEN = ("published", "in_progress", "submitted")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inspections", "0018_finding_text_nearest_index")]

    operations = [
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["finding", "current_target_date"],
                name="item_open_finding_target_idx",
            ),
        ),
    ]
