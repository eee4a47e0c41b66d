from django.db import migrations

from reporting.migration_operations import cell_counts_added


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_paper_job"),
    ]

    operations = cell_counts_added(["awaiting_review"])
