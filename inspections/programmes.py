"""The programmes every deployment starts with (others can be added in the admin)."""

PROGRAMMES = [
    ("peel", "PEEL", False),
    ("ncpi", "National child protection inspection", False),
    ("crime-data-integrity", "Crime data integrity", False),
    ("jtai", "Joint targeted area inspection", False),
    ("fire-and-rescue", "Fire and rescue inspection", False),
    ("thematic", "Thematic inspection", False),
    ("post-inspection-review", "Post-inspection review or revisit", True),
]
