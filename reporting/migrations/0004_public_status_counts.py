from django.db import migrations, models


def summary_out_of_date(apps, schema_editor):
    """The new columns are counted for no cell yet: every force is recounted before its next read."""
    apps.get_model("reporting", "SummaryForce").objects.update(as_of=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_awaiting_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="summarycell",
            name="public_awaiting_review",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="summarycell",
            name="public_being_progressed",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="summarycell",
            name="public_complete",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="summarycell",
            name="public_not_implemented",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="summarycell",
            name="public_superseded",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="summarycell",
            name="public_withdrawn",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(summary_out_of_date, migrations.RunPython.noop),
    ]
