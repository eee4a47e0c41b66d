"""Indexes for the recommendations list at national scale (docs/performance.md).

- item_target_id_idx: (current_target_date, id), the list's default sort, so its first page is the
  first 25 entries of an index instead of a sort of every item.
- finding_search_idx (PostgreSQL only): a GIN index on the findings' full-text vector (text and
  reference, the "simple" configuration: words as written), which the list's search reads before it looks at any item. The expression is
  the one ItemFilter.search builds with SearchVector, so the planner matches it."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

SEARCH_INDEX = "finding_search_idx"


def search_index():
    return GinIndex(SearchVector("text", "reference", config="simple"), name=SEARCH_INDEX)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("inspections", "Finding"), search_index())


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("inspections", "Finding"), search_index())


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_manager_review_event")]

    operations = [
        migrations.AddIndex(
            model_name="trackeditem",
            index=models.Index(fields=["current_target_date", "id"], name="item_target_id_idx"),
        ),
        migrations.RunPython(add_search_index, remove_search_index, elidable=False),
    ]
