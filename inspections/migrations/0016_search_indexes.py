"""Indexes for the register's search words: a finding's reference in any case, and (PostgreSQL
only, trigram GIN) the words inside an inspection's reference or title. Built without locking
their tables on PostgreSQL, so this migration is not atomic."""

from django.db import migrations, models
from django.db.models.functions import Upper

from core.migration_operations import AddIndexWithoutLocking

TRIGRAM_INDEXES = {
    "inspection_title_trgm_idx": "title",
    "inspection_reference_trgm_idx": "reference",
}


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")  # a failed build leaves it invalid
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {name} ON inspections_inspection USING gin (UPPER({column}) gin_trgm_ops)"
        )


def remove_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inspections", "0015_event_at_kind_index")]

    operations = [
        AddIndexWithoutLocking(
            model_name="finding",
            index=models.Index(Upper("reference"), name="finding_reference_upper_idx"),
        ),
        migrations.RunPython(add_trigram_indexes, remove_trigram_indexes, elidable=False),
    ]
