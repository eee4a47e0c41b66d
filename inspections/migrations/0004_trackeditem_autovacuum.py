"""Vacuum the tracked items sooner than PostgreSQL's default (20% of the table dead).

A sweep that flags many items leaves the old row versions' entries in the partial index
item_open_unflagged_idx until a vacuum removes them, and until then every sweep with nothing to do
visits them. At 1% (and at least 1,000 rows) autovacuum comes within a minute or so of a large
sweep. Other databases: nothing to do."""

from django.db import migrations

TABLE = "inspections_trackeditem"


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} SET (autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.02)"
        )


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_clock_flags")]

    operations = [migrations.RunPython(tune, untune, elidable=False)]
