"""PostgreSQL only: the findings' text indexed for "nearest first" (a trigram GiST index, which
answers `ORDER BY text <-> 'words' LIMIT n` by walking the index), in place of the trigram GIN
index, which could only hand back every finding sharing enough trigrams for each to be scored.
Built and dropped without locking the table, so this migration is not atomic."""

from django.db import migrations

NEAREST_INDEX = "finding_text_trgm_gist_idx"
OLD_INDEX = "finding_text_trgm_idx"


def nearest_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NEAREST_INDEX}")  # a failed build leaves it invalid
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY {NEAREST_INDEX} ON inspections_finding USING gist (text gist_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_INDEX}")


def old_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_INDEX}")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {OLD_INDEX} ON inspections_finding USING gin (text gin_trgm_ops)")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NEAREST_INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inspections", "0017_comments_due_and_clear_indexes")]

    operations = [migrations.RunPython(nearest_index, old_index, elidable=False)]
