from django.db import migrations

from reporting.migration_operations import cell_counts_added


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_public_status_counts"),
    ]

    # The meeting pack's counts (reporting.columns.PACK_COLUMNS), written out, since a migration
    # must not change when the columns do.
    operations = cell_counts_added(["stale", "pack", "pack_published", "pack_in_progress", "pack_submitted"])
