"""Lists of offerings: several things of one kind named together.

"Group classes (spin, yoga, HIIT)", "salsa, tango and bachata classes" and "kayak and
paddleboard rentals" are lists in the dependency parse: appositions after an offering noun,
coordinated modifiers before it, or the offering noun coordinated with its siblings. A list
whose items each carry their own numbers ("cut 30 min, colour 90 min, cut+colour 2 hours") is
read from the token sequence instead, because the small English model seldom parses it as one
phrase; each duration or price belongs to the name it follows. A list needs two items or more:
a single name is just what the offering is called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.agent.planner import quantities
from generator.agent.planner.lexicon import (
    ACTIVITY_KINDS,
    BUSINESS_WORDS,
    GENERIC_OBJECTS,
    MINUTES_PER,
    OFFERING_WORDS,
    PEOPLE_WORDS,
    PER_HOUR_CUES,
    ROLE_WORDS,
    SITE_WORDS,
)
from generator.agent.planner.understanding import ItemIdea
from generator.manifest.model import OfferingKind

_VAGUE = frozenset(
    {"kind", "sort", "type", "thing", "stuff", "etc", "other", "more", "lot", "everything",
     "anything", "something", "option", "variety", "range", "whatever", "all"}
)  # fmt: skip
"""Words that close a list ("that kind of thing") without naming an item."""

_MODIFIER_DEPS = frozenset({"compound", "nmod", "amod"})
_NOT_PLACES = frozenset({"GPE", "LOC", "PERSON", "FAC", "DATE", "TIME", "MONEY", "CARDINAL"})
_BREAKS = frozenset({",", ";", ":", "(", ")", "\u2014", "\u2013", "and", "or", "&"})
_NAME_JOINERS = frozenset({"+", "&", "/", "-"})
_NOT_NAMES = frozenset({"DET", "PRON", "ADP", "AUX", "CCONJ", "SCONJ", "PART", "NUM", "ADV"})
_PRICE_GAP = frozenset({"for", "at", "-", "(", ")", ",", "/", "and", "or", "per", "each"})
_MAX_NAME_WORDS = 4
_PREDICATES = frozenset(
    {"be", "take", "cost", "last", "run", "need", "require", "charge", "go", "come", "price"}
)
"""Verbs that say what a named thing takes or costs ("a wash takes 45 minutes"): no name."""


@dataclass(frozen=True)
class Listed:
    """An item found in a list: what it is, where it is, which numbers it took."""

    item: ItemIdea
    index: int
    kind: OfferingKind | None
    claimed: frozenset[int] = frozenset()
    lone: bool = False
    """The only item of its sentence, named because the sentence is about it ("a wash takes")."""


def listed_items(token: Any, kind: OfferingKind) -> list[Listed]:
    """The items an offering noun lists, from the parse around it; empty when it lists none."""
    for reader in (_appositions, _modifiers, _siblings):
        found = reader(token, kind)
        if len(found) >= 2:
            return found
    return []


def _appositions(token: Any, kind: OfferingKind | None) -> list[Listed]:
    """ "classes (spin, yoga, HIIT)", "services: cut, colour": the names as written."""
    heads = [child for child in token.children if child.dep_ == "appos" and child.i > token.i]
    members = sorted({m for head in heads for m in (head, *head.conjuncts)}, key=_index)
    return [Listed(ItemIdea(_title(_words(m))), m.i, kind) for m in members if _item(m, kind)]


def _modifiers(token: Any, kind: OfferingKind | None) -> list[Listed]:
    """ "yoga and pilates classes", "salsa, tango and bachata classes", "private and group
    lessons": the modifiers are the items, and a describing word keeps the noun it describes.
    """
    before = [c for c in token.children if c.dep_ in _MODIFIER_DEPS and c.i < token.i]
    if not before:
        return []
    listed = [m for m in before[-1].conjuncts if m.i < token.i] + _run(before)
    listed += [m for m in token.conjuncts if m.i < token.i and _bare(m) and _singular(m)]
    members = sorted({before[-1], *listed}, key=_index)
    members = [m for m in members if _item(m, kind)]
    if len(members) < 2:
        return []
    noun = [token.lemma_] if any(m.pos_ == "ADJ" for m in members) else []
    return [Listed(ItemIdea(_title([*_words(m), *noun])), m.i, kind) for m in members]


def _run(before: list[Any]) -> list[Any]:
    """Modifiers joined by list words the parse did not mark ("yoga and pilates" classes)."""
    run = [before[-1]]
    for modifier in reversed(before[:-1]):
        between = modifier.doc[modifier.i + 1 : run[0].i]
        if not between or not all(t.lower_ in _BREAKS or t.is_space for t in between):
            break
        run.insert(0, modifier)
    return run


def _siblings(token: Any, kind: OfferingKind | None) -> list[Listed]:
    """ "kayaks and paddleboards": the offering noun is one item of the list itself.

    An unknown word beside a class or appointment is more often an amenity ("showers and
    yoga classes") than another activity, so only things that are hired take one in.
    """
    hired = kind is not None and kind not in ACTIVITY_KINDS
    others = [
        m
        for m in token.conjuncts
        if (hired and _bare(m)) or OFFERING_WORDS.get(m.lemma_.lower()) is kind
    ]
    members = sorted({token, *others}, key=_index)
    members = [m for m in members if m is token or _item(m, kind)]
    if len(members) < 2 or kind is None:
        return []
    return [Listed(ItemIdea(_title([*_words(m)[:-1], m.lemma_])), m.i, kind) for m in members]


def _index(token: Any) -> int:
    return int(token.i)


def _bare(token: Any) -> bool:
    """A list item, not a new phrase: no article, nothing counted ("tango", not "a cafe")."""
    return not any(child.dep_ in {"det", "nummod", "poss"} for child in token.children)


def _singular(token: Any) -> bool:
    return token.tag_ not in {"NNS", "NNPS"}


def _item(token: Any, kind: OfferingKind | None) -> bool:
    """True for a word that can name an offering of ``kind`` in a list."""
    lemma = token.lemma_.lower()
    other_kind = OFFERING_WORDS.get(lemma)
    return (
        token.pos_ in {"NOUN", "PROPN", "ADJ"}
        and not token.like_num
        and any(char.isalpha() for char in token.text)
        and (other_kind is None or other_kind is kind)
        and token.ent_type_ not in _NOT_PLACES
        and not _common(lemma)
    )


def _common(lemma: str) -> bool:
    """Words that name people, places, time or nothing in particular, never an offering."""
    return (
        lemma in _VAGUE
        or lemma in ROLE_WORDS
        or lemma in PEOPLE_WORDS
        or lemma in GENERIC_OBJECTS
        or lemma in SITE_WORDS
        or lemma in BUSINESS_WORDS
        or lemma in MINUTES_PER
        or lemma in quantities.TIME_UNITS
    )


def _words(token: Any) -> list[str]:
    """The item word with the nouns that name it together ("hot yoga", "deep tissue")."""
    words = [
        child.text
        for child in token.children
        if child.dep_ == "compound"
        and child.i < token.i
        and child.is_alpha
        and not _measure(child)  # "30-minute piano lessons": the length is no part of the name
    ]
    return [*words, _singular_text(token)]


def _singular_text(token: Any) -> str:
    """ "6 doubles" and "a double" name one offering: plural nouns are named in the singular."""
    if token.tag_ == "NNS" and token.lemma_.isalpha() and token.lemma_.lower() != token.lower_:
        return str(token.lemma_)
    return str(token.text)


def _measure(token: Any) -> bool:
    return token.lemma_.lower() in MINUTES_PER or token.lower_ in quantities.TIME_UNITS


def _title(words: list[str]) -> str:
    """Title case from the user's words, keeping acronyms ("HIIT") and spacing "cut+colour"."""
    text = re.sub(r"\s*([+&/])\s*", r" \1 ", " ".join(words))
    return " ".join(word if word.isupper() else word.capitalize() for word in text.split())


def numbered_items(sent: Any) -> list[Listed]:
    """ "cut 30 min, colour 90 min, cut+colour 2 hours": names each followed by their numbers."""
    spans: list[tuple[int, int, quantities.Duration | quantities.Amount]] = [
        (d.start, d.end, d) for d in quantities.durations(sent) if d.unit in {"minute", "hour"}
    ]
    spans += [(a.start, a.end, a) for a in quantities.amounts(sent)]
    found: list[tuple[list[Any], ItemIdea, set[int]]] = []
    current: tuple[list[Any], ItemIdea, set[int]] | None = None
    last_end = sent.start - 1
    for start, end, value in sorted(spans, key=lambda span: span[0]):
        if start <= last_end:  # "60 or 90 min": the numbers share the unit after the last
            if current is not None:
                _take(current, value, start, sent)
            continue
        name = _name_before(sent, start, last_end)
        if name:
            words = [t.text for t in name[:-1]] + [_singular_text(name[-1])]
            current = (name, ItemIdea(_title(words)), set())
            found.append(current)
        elif current is None or not _gap_only(sent.doc, last_end + 1, start):
            current, last_end = None, end
            continue
        _take(current, value, start, sent)
        last_end = end
    if len(found) < 2 and not (found and _described(sent, found[0][0])):
        return []
    return [
        Listed(
            item,
            name[-1].i,
            OFFERING_WORDS.get(name[-1].lemma_.lower()),
            frozenset(claimed),
            lone=len(found) == 1,
        )
        for name, item, claimed in found
    ]


def _bare_offering_word(name: list[Any]) -> bool:
    """ "A lesson costs £30": the kind word alone names the offering itself, not an item."""
    return len(name) == 1 and name[0].lemma_.lower() in OFFERING_WORDS


def _described(sent: Any, name: list[Any]) -> bool:
    """ "A wash takes 45 minutes": one thing, the subject of a verb that gives its numbers.

    A lone name is only an item when a sentence is about it like this; otherwise it is just
    what the offering is called.
    """
    if _bare_offering_word(name):
        return False
    after = name[-1].i + 1
    return after < sent.end and sent.doc[after].lemma_.lower() in _PREDICATES - {"be"}


def _take(
    found: tuple[list[Any], ItemIdea, set[int]],
    value: quantities.Duration | quantities.Amount,
    start: int,
    sent: Any,
) -> None:
    """Give a number to the item it follows, and remember it was taken."""
    _, item, claimed = found
    claimed.add(start)
    if isinstance(value, quantities.Duration):
        item.durations.append(value.minutes)
        return
    item.price = value.value
    after = [token.lemma_.lower() for token in sent.doc[value.end : value.end + 3]]
    spoken = sent.doc[value.start : value.end].text.lower()
    item.per_hour = "hour" in spoken or any(
        tuple(after[: len(cue)]) == cue for cue in PER_HOUR_CUES
    )


def _gap_only(doc: Any, start: int, end: int) -> bool:
    """Only filler between a name's first number and its next ("60 min for €70", "45 minutes
    and costs AUD 40")."""
    return all(
        t.is_space or t.lower_ in _PRICE_GAP or t.lemma_.lower() in _PREDICATES
        for t in doc[start:end]
    )


def _name_before(sent: Any, start: int, stop: int) -> list[Any]:
    """The words right before a number that name an item, or empty when none do."""
    doc = sent.doc
    name: list[Any] = []
    index = start - 1
    while index > stop and index >= sent.start and len(name) < _MAX_NAME_WORDS:
        token = doc[index]
        if token.is_space:
            index -= 1
            continue
        if not _name_word(token):
            break
        name.insert(0, token)
        index -= 1
    while name and (name[-1].lemma_.lower() in _PREDICATES or name[-1].pos_ == "AUX"):
        name.pop()  # "a wash takes 45 minutes", "a single costs $25": the name ends before
    while name and name[0].text in _NAME_JOINERS:
        name.pop(0)
    while name and name[0].pos_ == "VERB" and not _opens(sent, name[0], stop):
        name.pop(0)  # "book massage 60 min", "members get 10 hours": the verb is no name
    if not name or _common(name[-1].lemma_.lower()):
        return []
    return name


def _name_word(token: Any) -> bool:
    if token.text in _NAME_JOINERS:
        return True
    if token.pos_ in _NOT_NAMES or token.lower_ in _BREAKS or token.is_punct:
        return False
    if token.lemma_.lower() in ROLE_WORDS or token.ent_type_ in {"GPE", "PERSON"}:
        return False
    return all(char.isalpha() or char in "+&/-'" for char in token.text)


def _opens(sent: Any, token: Any, stop: int) -> bool:
    """True when ``token`` starts a list item: first in the sentence, or after a break."""
    before = _previous_word(sent, token.i)
    return before is None or before.lower_ in _BREAKS or before.i <= stop


def _previous_word(sent: Any, index: int) -> Any:
    for position in range(index - 1, sent.start - 1, -1):
        if not sent.doc[position].is_space:
            return sent.doc[position]
    return None
