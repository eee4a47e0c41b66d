"""Events by when and what, for counting what happened to many items since a date (the meeting
pack's changes since the last pack), built concurrently on PostgreSQL, so this migration is not
atomic."""

from django.db import migrations, models

from core.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inspections", "0014_item_open_reminder_index")]

    operations = [
        AddIndexWithoutLocking(
            model_name="itemevent",
            index=models.Index(fields=["at", "kind"], name="event_at_kind_idx"),
        ),
    ]
