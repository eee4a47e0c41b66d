"""The organisations a finding is addressed to, as the report writes them.

Every organisation in the register answers to its official name, its short name (the slug), the
spelling variants forces.names.name_key absorbs ("&", "FRS", "Constabulary"/"Police", "County",
"the") and the aliases loaded from forces/data/aliases.csv ("the Met", "GMP", former names). The
matcher knows nothing of particular organisations: whatever the register holds (police forces,
fire and rescue services, national bodies once added) is matched the same way.

A cell may list several addressees, separated by ";", "," or " and " ("all fire and rescue
services and the National Fire Chiefs Council"), and use group words:

- "all police forces" (also "all forces", "all chief constables", "every police force", "all 43
  forces"): every active territorial police force;
- "all fire and rescue services" (also "all FRSs", "all chief fire officers"): every active one;
- either, "in" a region or a country ("all forces in Wales", "all fire and rescue services in the
  North East"); "all Welsh forces"; a region's name alone takes the report's kind.

A name that could be more than one organisation ("Cleveland": the police or the fire brigade) is
read in the light of the report: its programme (a fire and rescue inspection addresses services)
or the other organisations the report names. A former name, or an organisation that merged into
another, resolves to the organisation that carries its work on, with a note saying so. An unknown
name gets the three closest names the register knows.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from forces.models import Force, OrganisationAlias
from forces.names import FIRE, POLICE, NameKey, name_key, plain

# Programmes whose reports address one kind of organisation: an ambiguous name takes that kind.
PROGRAMME_KINDS = {
    "peel": POLICE,
    "ncpi": POLICE,
    "crime-data-integrity": POLICE,
    "jtai": POLICE,
    "fire-and-rescue": FIRE,
}
KIND_OF_FAMILY = {POLICE: Force.Kind.POLICE, FIRE: Force.Kind.FIRE}
FAMILY_OF_KIND = {Force.Kind.POLICE: POLICE, Force.Kind.FIRE: FIRE}

_POLICE_GROUPS = {
    "police forces",
    "forces",
    "territorial police forces",
    "home office forces",
    "home office police forces",
    "chief constables",
    "police force",
    "force",
}
_FIRE_GROUPS = {
    "fire and rescue services",
    "fire and rescue service",
    "frss",
    "frs",
    "fire services",
    "fire service",
    "chief fire officers",
    "fire and rescue authorities",
}
_BOTH_GROUPS = {"police forces and fire and rescue services", "forces and services", "organisations"}
_GROUP = re.compile(r"(?:all|every)(?: the)?(?: \d+)? (?P<what>.+?)(?: (?:in|of) (?:the )?(?P<place>.+?))?")
_SEPARATORS = re.compile(r"[;,\n]+")


@dataclass(frozen=True)
class _Org:
    pk: int
    name: str
    kind: str
    region: str
    country: str
    active: bool
    successor_id: int | None
    active_until: object


@dataclass
class Resolved:
    """What a cell of addressees came to: the organisations (active ones, in the order written),
    how each name written was read (shown in the preview), and what could not be read."""

    force_ids: list[int] = field(default_factory=list)
    readings: list[dict] = field(default_factory=list)  # {"written", "read_as", "note"}
    problems: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


class OrganisationDirectory:
    """Every organisation in the register and every way of writing it, read once per import."""

    def __init__(self) -> None:
        forces = Force.objects.values_list(
            "id", "name", "slug", "kind", "region", "country", "active_until", "successor_id"
        )
        self.orgs: dict[int, _Org] = {}
        self._by_core: dict[str, list[tuple[NameKey, int, str]]] = defaultdict(list)  # core -> (key, org, note)
        self._spellings: dict[str, int] = {}  # plain spelling -> org, for suggestions
        for pk, name, slug, kind, region, country, until, successor in forces:
            self.orgs[pk] = _Org(pk, name, kind, region, country, until is None, successor, until)
            for written in (name, slug.replace("-", " ")):
                key = name_key(written)
                self._by_core[key.core].append((key, pk, ""))
                self._spellings[plain(written)] = pk
        for alias, force_id, kind, note in OrganisationAlias.objects.values_list("alias", "force_id", "kind", "note"):
            key = name_key(alias)
            former = ""
            if kind == OrganisationAlias.Kind.FORMER:
                former = f"{alias} is a former name: {note}" if note else f"{alias} is a former name"
            self._by_core[key.core].append((key, force_id, former))
            self._spellings[plain(alias)] = force_id
        self.places: dict[str, tuple[str, str]] = {}  # plain place -> ("region"|"country", as stored)
        for org in self.orgs.values():
            self.places.setdefault(plain(org.region), ("region", org.region))
            self.places.setdefault(plain(org.country), ("country", org.country))
        self._cache: dict[tuple[str, str | None], Resolved] = {}

    # --- Groups -------------------------------------------------------------------------------

    def _members(self, kinds: set[str], place: tuple[str, str] | None) -> list[int]:
        members = [
            org.pk
            for org in sorted(self.orgs.values(), key=lambda o: o.name)
            if org.active and org.kind in kinds and (place is None or getattr(org, place[0]) == place[1])
        ]
        return members

    def _place(self, text: str) -> tuple[str, str] | bool | None:
        """A region or country named in a group ("Wales", "the North East region"); False when the
        words name no place the register knows; None for the whole of England and Wales."""
        text = text.removesuffix(" region").removesuffix(" area")
        if text in ("england and wales", "england & wales"):
            return None
        return self.places.get(text, False)

    def _group(self, words: str, hint: str | None) -> tuple[list[int], str, str] | None:
        """(members, how it reads, problem) for group words, or None when the words are no group."""
        match = _GROUP.fullmatch(words)
        what, place_words = (match["what"], match["place"]) if match else (None, None)
        if what and what.startswith("welsh "):
            what, place_words = what.removeprefix("welsh "), "wales"
        if what is not None:
            if what in _POLICE_GROUPS:
                kinds, label = {Force.Kind.POLICE}, "police forces"
            elif what in _FIRE_GROUPS:
                kinds, label = {Force.Kind.FIRE}, "fire and rescue services"
            elif what in _BOTH_GROUPS:
                kinds, label = {Force.Kind.POLICE, Force.Kind.FIRE}, "police forces and fire and rescue services"
            else:
                return None
            place = self._place(place_words) if place_words else None
            if place is False:
                return [], "", f'"{place_words.title()}" is not a region or country we know'
            members = self._members(kinds, place)
            where = f" in {_the(place[1])}" if place else ""
            return members, f"{len(members)} {label}{where}", ""
        place = self._place(words)
        if place:
            if hint is None:
                return (
                    [],
                    "",
                    f'"{place[1]}" alone could mean its police forces or its fire and rescue services: write '
                    f'"all police forces in {_the(place[1])}" or "all fire and rescue services in {_the(place[1])}"',
                )
            kinds = {KIND_OF_FAMILY[hint]}
            members = self._members(kinds, place)
            label = "police forces" if hint == POLICE else "fire and rescue services"
            return members, f"{len(members)} {label} in {_the(place[1])}", ""
        return None

    # --- Single names ---------------------------------------------------------------------------

    def _candidates(self, written: str) -> list[tuple[int, str]]:
        key = name_key(written)
        found: dict[int, str] = {}
        for stored, pk, note in self._by_core.get(key.core, []):
            if stored.matches(key):
                found.setdefault(pk, note)
        return list(found.items())

    def _current(self, pk: int) -> tuple[int | None, str]:
        """The active organisation carrying on `pk`'s work (itself, if active), and a note."""
        org, seen = self.orgs[pk], {pk}
        note = ""
        while not org.active:
            if org.successor_id is None or org.successor_id in seen:
                return None, f"{org.name} stopped existing on {org.active_until:%-d %B %Y} and has no successor"
            successor = self.orgs[org.successor_id]
            note = note or (
                f"{org.name} became part of {successor.name} "
                f"(after {org.active_until:%-d %B %Y}): tracked by {successor.name}"
            )
            seen.add(successor.pk)
            org = successor
        return org.pk, note

    def suggestions(self, written: str, limit: int = 3) -> list[str]:
        """The organisations whose names (or aliases) are closest to what was written."""
        wanted = plain(written)
        close = difflib.get_close_matches(wanted, list(self._spellings), n=limit * 3, cutoff=0.6)
        core = name_key(written).core
        close += difflib.get_close_matches(core, list(self._by_core), n=limit, cutoff=0.75)
        names: list[str] = []
        for spelling in close:
            pks = (
                [self._spellings[spelling]]
                if spelling in self._spellings
                else [p for _, p, _ in self._by_core[spelling]]
            )
            for pk in pks:
                current, _ = self._current(pk)
                name = self.orgs[current if current is not None else pk].name
                if name not in names:
                    names.append(name)
        return names[:limit]

    def _unknown(self, written: str) -> str:
        names = self.suggestions(written)
        if not names:
            several = ' If it names several, separate them with ";"' if re.search(r"\s(and|&)\s", written) else ""
            return (
                f'"{written}" is not an organisation we know. Check the spelling, or see the accepted names.{several}'
            )
        if len(names) == 1:
            return f'"{written}" is not an organisation we know. Did you mean {names[0]}?'
        return f'"{written}" is not an organisation we know. Did you mean {", ".join(names[:-1])} or {names[-1]}?'

    def _one(self, written: str, hint: str | None) -> Resolved | None:
        """One addressee (a group or a name), or None when nothing matches it."""
        words = plain(written)
        group = self._group(words, hint)
        if group is not None:
            members, read_as, problem = group
            if problem:
                return Resolved(problems=[problem])
            if not members:
                return Resolved(problems=[f'"{written}": no active organisation is in that group'])
            kinds = {self.orgs[pk].kind for pk in members}
            return Resolved(
                force_ids=members, readings=[{"written": written, "read_as": read_as, "note": ""}], kinds=kinds
            )
        candidates = self._candidates(written)
        if not candidates:
            return None
        if len(candidates) > 1 and hint is not None:
            fitting = [c for c in candidates if FAMILY_OF_KIND.get(self.orgs[c[0]].kind) == hint]
            candidates = fitting or candidates
        if len(candidates) > 1:
            exact = [c for c in candidates if plain(self.orgs[c[0]].name) == words]
            candidates = exact or candidates
        if len(candidates) > 1:
            names = sorted(self.orgs[pk].name for pk, _ in candidates)
            return Resolved(
                problems=[f'"{written}" could be {", ".join(names[:-1])} or {names[-1]}: write the full name']
            )
        pk, note = candidates[0]
        current, moved = self._current(pk)
        if current is None:
            return Resolved(problems=[moved])
        name = self.orgs[current].name
        note = note or moved
        readings = [] if written.strip() == name and not note else [{"written": written, "read_as": name, "note": note}]
        return Resolved(force_ids=[current], readings=readings, kinds={self.orgs[current].kind})

    def _part(self, part: str, hint: str | None) -> Resolved:
        """One piece between separators: a single addressee, or several joined by " and "."""
        part = re.sub(r"^(and|&)\s+", "", part.strip(), flags=re.IGNORECASE).strip(" .")
        found = self._one(part, hint)
        if found is not None:
            return found
        # "A and B": try each " and " as the join, the longest left side first (so that "Avon and
        # Somerset Police and X" keeps "Avon and Somerset Police" whole), both sides resolving. When
        # only the left side does, the right side is the name to correct, and the problem says so.
        pieces = re.split(r"\s+(?:and|&)\s+", part, flags=re.IGNORECASE)
        partial = None
        for cut in range(len(pieces) - 1, 0, -1):
            first = self._one(" and ".join(pieces[:cut]), hint)
            if first is None or first.problems:
                continue
            rest = self._part(" and ".join(pieces[cut:]), hint)
            if not rest.problems:
                return _combine([first, rest])
            partial = partial or _combine([first, rest])
        return partial or Resolved(problems=[self._unknown(part)])

    def resolve(self, text: str, *, hint: str | None = None) -> Resolved:
        """Every addressee in a cell, each at most once."""
        key = (text, hint)
        if key not in self._cache:
            parts = [p for p in _SEPARATORS.split(text) if p.strip(" .")]
            self._cache[key] = _combine([self._part(p, hint) for p in parts])
        cached = self._cache[key]
        return Resolved(
            force_ids=list(cached.force_ids),
            readings=[dict(r) for r in cached.readings],
            problems=list(cached.problems),
            kinds=set(cached.kinds),
        )


def _the(place: str) -> str:
    """ "the North East", "the East of England", but "Wales" and "London"."""
    return f"the {place}" if place.split()[0] in ("North", "South", "East", "West", "Yorkshire") else place


def _combine(parts: list[Resolved]) -> Resolved:
    combined = Resolved()
    for part in parts:
        combined.force_ids += [pk for pk in part.force_ids if pk not in combined.force_ids]
        combined.readings += part.readings
        combined.problems += part.problems
        combined.kinds |= part.kinds
    return combined


def family_of(kinds: set[str]) -> str | None:
    """The one family (police or fire) a set of organisation kinds belongs to, if there is one."""
    families = {FAMILY_OF_KIND[k] for k in kinds if k in FAMILY_OF_KIND}
    return families.pop() if len(families) == 1 else None
