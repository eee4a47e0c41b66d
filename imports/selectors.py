"""Reads for imports."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import User
from forces.models import Force, OrganisationAlias
from forces.names import FIRE, POLICE, name_key
from imports.models import ImportBatch
from inspections.models import Inspection


def require_staff(*, user: User) -> None:
    """Imports are for inspectorate staff: liaison officers and managers may not (403)."""
    if not (user.is_authenticated and user.is_inspectorate_staff):
        raise PermissionDenied("Only inspectorate staff can import findings.")


def import_batches_visible_to(*, user: User) -> QuerySet[ImportBatch]:
    if not (user.is_authenticated and user.is_inspectorate_staff):
        return ImportBatch.objects.none()
    return ImportBatch.objects.select_related("inspection", "uploaded_by")


def inspections_for_import() -> QuerySet[Inspection]:
    return Inspection.objects.select_related("programme").order_by("-created_at", "title")


# The help page's description of every column: (column, required, what it holds, examples).
IMPORT_COLUMN_HELP = [
    ("reference", True, "The finding's reference in its report.", "R3, CoC1, AFI2"),
    ("category", True, "Cause of concern, recommendation or area for improvement.", "recommendation, AFI, CoC"),
    (
        "text",
        True,
        "The finding as the report words it. Paragraphs (a blank line between) and lists (lines starting "
        '"-", "•" or "1.") keep their shape.',
        "By 1 October 2023, chief fire officers should…",
    ),
    (
        "forces",
        True,
        'Who it is addressed to: names as the report writes them, separated by ";", "," or "and", or group words.',
        "Devon & Cornwall Police; the Met; all police forces; all fire and rescue services in the North East",
    ),
    (
        "target_date",
        False,
        "By when. Empty: taken from the text when a sentence opens with a deadline. Areas for improvement need none.",
        "31/03/2027, 1st January 2024, Not later than 31 March 2015, Within six months",
    ),
    ("cause_of_concern", False, "For a recommendation: the reference of the cause of concern it answers.", "CoC1"),
    ("accelerated", False, "For a cause of concern that demands an action plan within 28 days: yes.", "yes"),
    (
        "themes",
        False,
        'The themes the finding belongs to, from the managed list, separated by ";" (names or short names).',
        "Vulnerability; Leadership and culture",
    ),
    (
        "report_reference",
        False,
        "The report the row belongs to: one already in the tracker, or a new one (then also its title and "
        "programme). Lets one file hold many reports.",
        "PEEL-2023-25-AS",
    ),
    ("report_title", False, "A new report's title (or, without a reference, how to find it).", "Values and culture…"),
    ("programme", False, "A new report's programme.", "PEEL, NCPI, Fire and rescue inspection, Thematic"),
    ("published", False, "A new report's publication date; relative deadlines count from it.", "30/03/2023"),
    ("report_url", False, "Where the report is published.", "https://…"),
    ("status", False, "Where the item stands, for each organisation of the row (history).", "in progress, complete"),
    ("status_date", False, "When it reached that status (needed for submitted for closure).", "02/06/2025"),
    ("response", False, "The force's formal response.", "accepted, partially accepted, not accepted"),
    ("response_date", False, "When the force responded.", "20/02/2025"),
    ("response_reason", False, "Why the recommendation is not fully accepted (required then).", ""),
    ("closed_on", False, "When the inspectorate closed it (required for a closed status).", "30/09/2025"),
    ("closing_note", False, "Why it was closed.", "Verified at the revisit."),
    ("comment", False, "The inspectorate's latest public comment, with comment_date.", ""),
    ("comment_date", False, "The date of that comment.", "17/07/2017"),
    ("last_progress", False, "The date of the force's latest progress (its action plan at least).", "02/06/2025"),
    ("superseded_by", False, "For a superseded item: the reference of the finding that replaced it.", "R7"),
]
HISTORY_COLUMN_HELP = [
    ("report_reference", False, "The report, when the findings file holds more than one with this reference."),
    ("reference", True, "The finding's reference, as in the findings file."),
    ("force", False, "The organisation (required when the finding is addressed to more than one)."),
    ("date", True, "The day of the change or comment."),
    ("status", False, "The status reached that day (a status, a comment or both)."),
    ("comment", False, "The inspectorate's comment that day."),
]


def organisations_with_names() -> list[dict]:
    """Every organisation in the register with the other names it answers to, for the help page:
    one query for the organisations, one for the aliases."""
    aliases: dict[int, list[OrganisationAlias]] = {}
    for alias in OrganisationAlias.objects.order_by("alias"):
        aliases.setdefault(alias.force_id, []).append(alias)
    rows = []
    for force in Force.objects.select_related("successor").order_by("kind", "name"):
        key = name_key(force.name)
        short = key.core.title() if key.family in (POLICE, FIRE) else ""
        rows.append(
            {
                "force": force,
                "short": short,
                "aliases": [a for a in aliases.get(force.pk, []) if a.kind == OrganisationAlias.Kind.ALIAS],
                "former": [a for a in aliases.get(force.pk, []) if a.kind == OrganisationAlias.Kind.FORMER],
            }
        )
    return rows


def regions_and_countries() -> dict[str, list[str]]:
    forces = Force.objects.filter(active_until__isnull=True)
    return {
        "regions": sorted(set(forces.values_list("region", flat=True))),
        "countries": sorted(set(forces.values_list("country", flat=True))),
    }


def force_names(*, rows: list[dict]) -> dict[int, str]:
    """The names of the organisations the shown rows' history lines name (one query)."""
    ids = {int(force_id) for row in rows for force_id in (row.get("pasts") or {})}
    return dict(Force.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
