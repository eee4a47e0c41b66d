"""Organisation names as people write them, reduced to what they have in common.

"Devon & Cornwall Police", "Devon and Cornwall Constabulary" and "devon-and-cornwall-police" are one
force; "Royal Berkshire FRS" and "Royal Berkshire Fire and Rescue Service" one service; "County
Durham and Darlington FRS" and "Durham and Darlington Fire & Rescue" too. `name_key` reduces a name
to its *core* (the words that identify the place or body, in lower case, without punctuation,
accents, "the" or "County") and its *family* (police or fire, from the generic words at its end:
"Police", "Constabulary", "Police Service"; "Fire and Rescue Service", "FRS", "Fire Brigade"...).
A name with no generic ending ("National Crime Agency", "Home Office") has no family.

Two names match when their cores are equal and their families do not disagree: "Durham" (no
family) matches Durham Constabulary; "Cleveland" matches both Cleveland Police and Cleveland Fire
Brigade, which the caller must then tell apart (imports/names.py does, from the report).
"""

import re
import unicodedata
from dataclasses import dataclass

POLICE = "police"
FIRE = "fire"

# Longest first: "police service" before "police".
_ENDINGS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("police service", POLICE),
            ("police force", POLICE),
            ("constabulary", POLICE),
            ("police", POLICE),
            ("fire and rescue services", FIRE),
            ("fire and rescue service", FIRE),
            ("fire rescue service", FIRE),
            ("fire and rescue", FIRE),
            ("fire service", FIRE),
            ("fire brigade", FIRE),
            ("frs", FIRE),
            ("fire", FIRE),
        ],
        key=lambda ending: -len(ending[0]),
    )
)
_DROPPED_WORDS = {"the", "county"}


@dataclass(frozen=True)
class NameKey:
    core: str
    family: str | None

    def matches(self, other: "NameKey") -> bool:
        return self.core == other.core and (self.family is None or other.family is None or self.family == other.family)


def plain(text: str) -> str:
    """Lower case, no accents, "&" as "and", punctuation and hyphens as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"['’‘`.]", "", text)  # "Chiefs'" and "St." lose the mark, not a space
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def name_key(text: str) -> NameKey:
    words = plain(text)
    family = None
    for ending, kind in _ENDINGS:
        if words == ending:
            break  # "Police" alone is not a name with an ending
        if words.endswith(" " + ending):
            words = words[: -len(ending) - 1]
            family = kind
            break
    core = " ".join(word for word in words.split() if word not in _DROPPED_WORDS)
    return NameKey(core=core or words, family=family)
