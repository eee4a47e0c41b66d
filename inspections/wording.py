"""How emails and calendar events name what they are about, so that a message can be filed and a
calendar entry read without opening the service: the organisation, the inspection's reference and
the finding, each kind of finding called by its own name ("Cleveland Police · NCPI-2017-CLE
recommendation R3: extension approved to 31 March 2027")."""

from forces.models import Force
from inspections.models import Finding, Inspection, TrackedItem

SEPARATOR = " · "


def kind_name(finding: Finding) -> str:
    """ "cause of concern", "recommendation" or "area for improvement": never "recommendation" for
    the other two."""
    return finding.get_category_display().lower()


def finding_name(finding: Finding) -> str:
    """The finding as a subject names it: its kind and its reference ("area for improvement AFI2")."""
    return f"{kind_name(finding)} {finding.reference}"


def report_heading(*, force: Force, inspection: Inspection) -> str:
    """ "Cleveland Police · NCPI-2017-CLE"."""
    return f"{force.name}{SEPARATOR}{inspection.reference}"


def item_heading(item: TrackedItem) -> str:
    """ "Cleveland Police · NCPI-2017-CLE recommendation R3"."""
    return f"{report_heading(force=item.force, inspection=item.finding.inspection)} {finding_name(item.finding)}"


def item_subject(item: TrackedItem, what: str) -> str:
    """The subject of an email about one item: its heading, a colon and what happened."""
    return f"{item_heading(item)}: {what}"


def report_subject(*, force: Force, inspection: Inspection, what: str) -> str:
    """The subject of an email about a report for one organisation (its governing body's reply)."""
    return f"{report_heading(force=force, inspection=inspection)}: {what}"


def upper_first(text: str) -> str:
    """The text with its first letter a capital, the rest as written ("Recommendation R3")."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The text with its first letter small, the rest as written ("escalated to Cleveland PCC")."""
    return text[:1].lower() + text[1:]
