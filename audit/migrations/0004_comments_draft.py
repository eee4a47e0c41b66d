"""A new kind of export: the draft of the local policing body's comments on a police report
(audit.migration_operations says how the kinds change, the append-only trigger kept)."""

from django.db import migrations

from audit.migration_operations import export_kinds_operations

KINDS = [
    ("items_csv", "Recommendations list (CSV)"),
    ("items_xlsx", "Recommendations list (Excel)"),
    ("meeting_pack", "Meeting pack (page)"),
    ("meeting_pack_xlsx", "Meeting pack (Excel)"),
    ("committee_paper", "Committee paper (Word)"),
    ("comments_draft", "Draft of the local policing body's comments (Word)"),
    ("api_list", "API list page"),
    ("export_records_csv", "Record of exports (CSV)"),
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_committee_paper")]

    operations = export_kinds_operations(KINDS)
