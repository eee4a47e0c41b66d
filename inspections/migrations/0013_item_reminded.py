"""What each open item was last reminded of (the target date and the reminder: 30 or 7 days
before), so that the sweep finds what still needs a reminder with one indexed query. Nullable
columns without a default: PostgreSQL adds them without rewriting the table. Items reminded
before this migration are found again once; the messages' own keys stop a second email."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inspections", "0012_item_awaiting_review_index")]

    operations = [
        migrations.AddField(
            model_name="trackeditem",
            name="reminded_for",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="trackeditem",
            name="reminded_within",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
    ]
