"""Views fetch scoped data only through the selectors (inspections.selectors, forces.selectors), so
that one place decides who sees what. A view that reaches a scoped model's manager directly fails
here unless it is listed, with its reason."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCOPED = (
    "TrackedItem|Inspection|Finding|ProgressUpdate|EvidenceFile|FollowUpReview|Judgement|ExtensionRequest|ItemEvent|"
    "Force|LiaisonMembership"
)
DIRECT = re.compile(rf"\b({SCOPED})\.(objects|_default_manager)\b")
VIEW_FILES = ("*/views.py", "*/views/*.py", "*/views_*.py")

# file: reason. Keep this short; prefer a selector.
ALLOWED: dict[str, str] = {}


def test_views_reach_scoped_models_only_through_selectors():
    offenders = []
    for pattern in VIEW_FILES:
        for path in ROOT.glob(pattern):
            relative = str(path.relative_to(ROOT))
            if ".venv" in relative or relative in ALLOWED:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if DIRECT.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "Fetch through a selector instead:\n" + "\n".join(offenders)


def test_the_allow_list_is_not_stale():
    for relative in ALLOWED:
        assert DIRECT.search((ROOT / relative).read_text()), f"{relative} no longer needs its exemption"
