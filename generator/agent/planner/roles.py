"""Who may do what: role mentions, the clauses they act in, and the actions they are given.

A sentence is cut into clauses at punctuation and before a conjunction that introduces a new
role. The role a clause is about is the first role mentioned in it in a subject-like position
(a dependency subject, an item of a "roles:" list, an "only the X"); a clause with none
carries on the previous clause's role, as in "Staff ... check people in, can move a booking,
and can give partial refunds". Actions are matched as lemma sequences from the lexicon, and a
negation before an action ("must NOT do refunds") denies it instead of granting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.agent.planner.lexicon import (
    BOUND_WORDS,
    GROUP_HEADS,
    NEGATIONS,
    NOT_ROLES,
    PERMISSION_PHRASES,
    ROLE_WORDS,
    SPEAKER_WORDS,
)
from generator.manifest.model import RoleKind

_SPLIT = frozenset({",", ";", ":", "(", ")", "\u2014", "\u2013"})
_CONJ = frozenset({"and", "but", "while", "whereas"})
_SUBJECT_DEPS = frozenset(
    {"nsubj", "nsubjpass", "ROOT", "appos", "conj", "compound", "npadvmod", "attr", "dep"}
)
_NAME_SKIP = frozenset({"small", "big", "little", "new", "local", "our", "the", "a", "an", "all"})


@dataclass(frozen=True)
class Mention:
    """A role named in the text: its display name, kind, and whether "only" picked it out."""

    name: str
    kind: RoleKind
    index: int
    only: bool
    speaker: bool = False


@dataclass
class Clause:
    """A stretch of a sentence about one role (or none)."""

    tokens: list[Any]
    actor: Mention | None = None
    concepts: list[tuple[str, bool, int]] = field(default_factory=list)

    def lemmas(self) -> list[str]:
        """Lowercase lemmas, for cue checks."""
        return [token.lemma_.lower() for token in self.tokens if not token.is_space]

    def has(self, *lemmas: str) -> bool:
        """True when any of ``lemmas`` occurs in the clause."""
        return bool(set(lemmas) & set(self.lemmas()))


def role_mention(token: Any) -> Mention | None:
    """The role ``token`` names in an actor position, or None."""
    only = _only_before(token)
    if _not_an_actor(token, only):
        return None
    if token.lower_ in SPEAKER_WORDS:
        return Mention("", RoleKind.ADMIN, token.i, only, speaker=True)

    lemma = _lemma(token)
    if lemma in GROUP_HEADS:
        modifiers = _modifiers(token)
        if modifiers:
            return Mention(_title(modifiers), RoleKind.STAFF, token.i, only)
        if lemma != "staff":
            return None
    kind = ROLE_WORDS.get(lemma)
    if kind is None or token.pos_ not in {"NOUN", "PROPN"}:
        return None
    return Mention(_title([*_titled_by(token), lemma]), kind, token.i, only)


_TITLE_WORDS = frozenset({"office", "front", "desk", "studio", "shift", "general", "assistant"})
"""Words that make a job title of a role word ("office manager"), not a business name."""


def _titled_by(token: Any) -> list[str]:
    """ "office manager": the compound words right before a role word that are its title."""
    words: list[str] = []
    for index in range(token.i - 1, token.sent.start - 1, -1):
        word = token.doc[index]
        if word.head != token or word.lower_ not in _TITLE_WORDS:
            break
        words.insert(0, word.text)
    return words


def _not_an_actor(token: Any, only: bool) -> bool:
    """Positions where a role word is not the one acting."""
    if token.ent_type_ in {"PERSON", "ORG", "GPE"} or token.dep_ in {"poss", "pobj", "dobj"}:
        return True
    if token.dep_ == "appos":
        return True  # "Dana Whitfield, practice manager": a person's title, not an app role
    if token.lower_ in SPEAKER_WORDS:
        return False
    if token.dep_ == "compound" and _lemma(token.head) in GROUP_HEADS | ROLE_WORDS.keys():
        return True  # "desk" in "front desk people": the whole phrase is the mention
    return token.dep_ not in _SUBJECT_DEPS and not only


def _lemma(token: Any) -> str:
    lemma = str(token.lemma_).lower()
    return lemma if lemma in ROLE_WORDS or lemma in GROUP_HEADS else token.lower_.rstrip("s")


def _modifiers(head: Any) -> list[str]:
    """Words right before a group head that name it ("front desk" people, "ops" team)."""
    words: list[str] = []
    index = head.i - 1
    while index >= head.sent.start:
        token = head.doc[index]
        if token.pos_ not in {"NOUN", "ADJ", "PROPN"} or token.lower_ in _NAME_SKIP:
            break
        words.insert(0, token.text)
        index -= 1
    return words


def _title(words: list[str]) -> str:
    return " ".join(word.lower().title() for word in words)


def _only_before(token: Any) -> bool:
    start = max(token.sent.start, token.i - 3)
    window = [item.lower_ for item in token.doc[start : token.i]]
    return "only" in window and not any(
        word in {",", ";"} for word in window[window.index("only") :]
    )


def clauses(sent: Any) -> list[Clause]:
    """The sentence cut into clauses, each with the role it is about."""
    pieces: list[list[Any]] = [[]]
    for token in sent:
        if token.text in _SPLIT:
            pieces.append([])
            continue
        if token.lower_ in _CONJ and _next_is_role(token):
            pieces.append([])
        pieces[-1].append(token)

    result = []
    actor: Mention | None = None
    for piece in filter(None, pieces):
        clause = Clause(piece)
        clause.concepts = concepts(piece)
        mentions = [mention for token in piece if (mention := role_mention(token))]
        mentions = mentions or _unknown_role(clause)
        if mentions:
            actor = mentions[0]
        clause.actor = actor
        result.append(clause)
    return result


_CUSTOMER_ACTIONS = frozenset({"book", "pay", "browse", "hold", "cancel"})


def _unknown_role(clause: Clause) -> list[Mention]:
    """A plural subject doing a known action is a role even if the lexicon lacks the word.

    "Skippers check tourists in": skippers act like staff; "tourists book" like customers.
    """
    if not clause.concepts:
        return []
    for token in clause.tokens:
        if token.dep_ != "nsubj" or token.tag_ != "NNS" or not token.is_alpha:
            continue
        lemma = token.lemma_.lower()
        if lemma in NOT_ROLES or token.ent_type_:
            return []
        named = {name for name, _, _ in clause.concepts}
        kind = RoleKind.CUSTOMER if named <= _CUSTOMER_ACTIONS else RoleKind.STAFF
        return [Mention(lemma.title(), kind, token.i, _only_before(token))]
    return []


def _next_is_role(token: Any) -> bool:
    for follower in token.doc[token.i + 1 : min(token.i + 4, token.sent.end)]:
        if follower.pos_ in {"DET", "PRON"} and follower.lower_ not in SPEAKER_WORDS:
            continue
        return role_mention(follower) is not None
    return False


def concepts(tokens: list[Any]) -> list[tuple[str, bool, int]]:
    """Actions named in a clause as (concept, granted, token index), most specific first."""
    lemmas = [token.lemma_.lower() for token in tokens]
    used: set[int] = set()
    found: list[tuple[str, bool, int]] = []
    for phrase, names in PERMISSION_PHRASES:
        for start in range(len(tokens)):
            positions = _match(lemmas, phrase, start, used)
            if positions is None:
                continue
            used.update(positions)
            granted = not _negated(tokens, lemmas, positions[0], used)
            found += [(name, granted, tokens[positions[0]].i) for name in names]
    return sorted(found, key=lambda item: item[2])


def _match(
    lemmas: list[str], phrase: tuple[str, ...], start: int, used: set[int]
) -> list[int] | None:
    """Positions of ``phrase`` starting at ``start``, allowing two words between its parts."""
    if start in used or lemmas[start] != phrase[0]:
        return None
    positions = [start]
    for word in phrase[1:]:
        window = range(positions[-1] + 1, min(positions[-1] + 4, len(lemmas)))
        found = next((i for i in window if lemmas[i] == word and i not in used), None)
        if found is None:
            return None
        positions.append(found)
    return positions


def _negated(tokens: list[Any], lemmas: list[str], position: int, used: set[int]) -> bool:
    """A negation earlier in the clause, unless it bounds a number ("never more than $50")."""
    for index in range(position):
        if index in used or (lemmas[index] not in NEGATIONS and tokens[index].dep_ != "neg"):
            continue
        following = lemmas[index + 1 : index + 3]
        if not any(word in BOUND_WORDS for word in following):
            return True
    return False
