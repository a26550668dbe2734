"""Reading a conversation into an :class:`Understanding`.

Each sentence is parsed once by spaCy and handed to small readers, one per kind of fact:
places, money, roles and their actions, offerings, booking rules. A reader looks at the
clause a number sits in to decide what the number is about ("held ... 10 minutes" is the
hold, "cancel up to 24 hours before" the cancellation rule, "7 days ahead" a horizon).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.agent.planner import quantities
from generator.agent.planner.currency import currency_of_sign, currency_of_word
from generator.agent.planner.enumerations import Listed, listed_items, numbered_items
from generator.agent.planner.lexicon import (
    ACTIVITY_KINDS,
    ALL,
    AUDIT_WORDS,
    BUSINESS_WORDS,
    CAP_CUES,
    GENERIC_OBJECTS,
    HOLD_CUES,
    HORIZON_CUES,
    IGNORE_VERBS,
    MINUTES_PER,
    NEGATIONS,
    OFFERING_WORDS,
    PEOPLE_WORDS,
    PER_HOUR_CUES,
    ROLE_WORDS,
    SIGN_IN_METHODS,
    SIGN_IN_VERBS,
    SITE_WORDS,
    STEP_UP_PHRASES,
    nlp,
)
from generator.agent.planner.places import city_candidates, country_code
from generator.agent.planner.roles import Clause, Mention, clauses, role_mention
from generator.agent.planner.understanding import OfferingIdea, RoleIdea, Understanding
from generator.manifest.model import OfferingKind, PaymentProvider, RoleKind, Scope, slugify

_PROVIDERS = frozenset(provider.value for provider in PaymentProvider) - {"none"}
_ONLINE_WORDS = frozenset({"online", "card", "payment", "pay"})
_BOOK_VERBS = frozenset({"book", "reserve", "rent", "hire", "pick", "choose", "grab"})
_RENTAL_NOUNS = frozenset({"rental", "hire", "rent"})
_MIN_CITY_POPULATION = 100_000


def read(turns: tuple[str, ...]) -> Understanding:
    """Everything the planner understood from the user's turns, later turns winning."""
    seen = Understanding()
    for doc in nlp().pipe(turns):
        for sent in doc.sents:
            _read_sentence(seen, sent)
    _settle_offerings(seen)
    _count_items(seen)
    return seen


def _count_items(seen: Understanding) -> None:
    """ "We rent 4 singles and 6 doubles": each listed item keeps its own count."""
    for idea in seen.offerings.values():
        for item in idea.items:
            item.quantity = seen.counts.get(slugify(item.name), item.quantity)


def _read_sentence(seen: Understanding, sent: Any) -> None:
    parts = clauses(sent)
    seen.counts |= {
        slugify(token.lemma_): count
        for token in sent
        if token.pos_ == "NOUN" and (count := _count(token)) and token.lemma_.isalpha()
    }
    seen.teachers += [
        token.lemma_.title()
        for token in sent
        if ROLE_WORDS.get(token.lemma_.lower()) is RoleKind.STAFF
        and token.lemma_.lower() not in {"staff", "reception"}
    ]
    _read_places(seen, sent)
    _read_currency(seen, sent)
    _read_provider(seen, parts)
    _read_business(seen, sent)
    _read_speaker(seen, sent)
    _read_roles(seen, parts)
    _read_offerings(seen, sent)
    claimed = _read_numbered_items(seen, sent)
    _read_numbers(seen, sent, parts, claimed)
    _read_audit(seen, sent)
    _read_repetition(seen, sent)


def _read_places(seen: Understanding, sent: Any) -> None:
    names = [ent.text for ent in sent.ents if ent.label_ in {"GPE", "LOC"}]
    covered = {token.i for ent in sent.ents for token in ent if not _place_slot(token)}
    names += [
        token.text
        for token in sent
        if token.pos_ == "PROPN"
        and token.i not in covered
        and token.ent_type_ not in {"GPE", "LOC"}
        and (cities := city_candidates(token.text))
        and int(cities[0]["population"]) >= _MIN_CITY_POPULATION
    ]
    for name in names:
        code = country_code(name)
        if code and not city_candidates(name):
            seen.countries.append(code)
        elif city_candidates(name) and name not in seen.cities:
            seen.cities.append(name)

    for token in sent:
        if token.lemma_.lower() in {"city", "location", "site", "branch"} and any(
            (quantities.number(child) or 0) > 1 for child in token.children
        ):
            seen.many_sites = True


def _place_slot(token: Any) -> bool:
    """ "in Lyon": the small model often calls a city after "in" a person."""
    return token.dep_ == "pobj" and token.head.lower_ in {"in", "at", "near", "from"}


def _read_currency(seen: Understanding, sent: Any) -> None:
    country = _country_so_far(seen)
    for amount in quantities.amounts(sent):
        code = currency_of_sign(amount.sign, country) if amount.sign else None
        if code:
            seen.currency, seen.unknown_currency = code, False
    for token in sent:
        code = None
        if token.pos_ in {"NOUN", "PROPN"}:
            code = currency_of_sign(token.text, country) or currency_of_word(token.text)
        if code:
            seen.currency, seen.unknown_currency = code, False
        elif _names_a_currency(token) and code is None:
            seen.unknown_currency = True
            seen.currency = None


def _country_so_far(seen: Understanding) -> str | None:
    """The country named, or the one the first city named is in."""
    if seen.countries:
        return seen.countries[-1]
    for name in seen.cities:
        cities = city_candidates(name)
        if cities:
            return str(cities[0]["countrycode"])
    return None


def _names_a_currency(token: Any) -> bool:
    """A word in the currency slot: "prices in X", "currency is X", "pay in X"."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "in":
        return head.head.lemma_.lower() in {"price", "pay", "charge", "cost", "currency", "payment"}
    return token.dep_ in {"attr", "appos"} and head.lemma_.lower() == "currency"


def _read_provider(seen: Understanding, parts: list[Clause]) -> None:
    for clause in parts:
        lemmas = clause.lemmas()
        if any(word in IGNORE_VERBS for word in lemmas):
            continue
        negated = any(word in NEGATIONS for word in lemmas)
        named = [word for word in lemmas if word in _PROVIDERS]
        if named and not negated:
            seen.provider = named[-1]
        elif negated and {"online", "card"} & set(lemmas) and {"payment", "pay"} & set(lemmas):
            seen.provider = PaymentProvider.NONE.value


def _read_business(seen: Understanding, sent: Any) -> None:
    if seen.business is not None:
        return
    for token in sent:
        if token.lemma_.lower() not in BUSINESS_WORDS or token.pos_ != "NOUN":
            continue
        if token.dep_ == "compound" and token.head.lemma_.lower() in ROLE_WORDS:
            continue
        if any(child.lower_ in {"each", "every"} for child in token.children):
            continue
        words = _words_before(token)
        if words:
            seen.business = " ".join([*words, token.lemma_]).title()
            return
    for ent in sent.ents:
        if ent.label_ == "ORG" and ent.text.lower() not in _PROVIDERS and _plain_name(ent.text):
            seen.business = ent.text
            return


def _words_before(token: Any) -> list[str]:
    """The words that make a noun a business ("hair" salon, "coworking" spaces)."""
    words: list[str] = []
    for index in range(token.i - 1, token.sent.start - 1, -1):
        word = token.doc[index]
        describes = word.pos_ in {"NOUN", "PROPN"} or (
            word.pos_ == "VERB" and word.lower_.endswith("ing")
        )
        if not describes or not word.is_alpha:
            break
        words.insert(0, word.text)
    return words


def _plain_name(text: str) -> bool:
    return 2 < len(text) <= 60 and all(char.isalpha() or char in " &'-" for char in text)


def _read_speaker(seen: Understanding, sent: Any) -> None:
    """Who "I" am: "me (owner)", "I'm the manager", "I own a salon"."""
    for token in sent:
        if token.lower_ not in {"i", "me"}:
            continue
        if token.dep_ == "nsubj" and token.head.lemma_ == "own":
            seen.speaker = seen.speaker or "Owner"
        for other in (*token.children, *token.head.children):
            lemma = other.lemma_.lower()
            if other.dep_ in {"appos", "attr"} and ROLE_WORDS.get(lemma) is RoleKind.ADMIN:
                seen.speaker = lemma.title()


def _role_for(seen: Understanding, mention: Mention) -> RoleIdea:
    name = mention.name if not mention.speaker else (seen.speaker or "Owner")
    kind = mention.kind if not mention.speaker else RoleKind.ADMIN
    key = slugify(name)
    if key not in seen.roles:
        seen.roles[key] = RoleIdea(name, kind)
    return seen.roles[key]


def _read_roles(seen: Understanding, parts: list[Clause]) -> None:
    previous: list[tuple[str, bool, int]] = []
    for clause in parts:
        for token in clause.tokens:
            mention = role_mention(token)
            if mention is not None and (not mention.speaker or seen.speaker):
                _role_for(seen, mention)
        if clause.actor is None or (clause.actor.speaker and not seen.speaker):
            if _site_words(clause) and clause.has("each", "every") and clause.has("own"):
                seen.location_scoped = True  # "every gym must only see its own bookings"
            previous = clause.concepts or previous
            continue

        role = _role_for(seen, clause.actor)
        wanted = clause.concepts
        if clause.actor.only and not wanted:
            wanted = [(name, True, index) for name, _, index in previous]
        for name, granted, _ in wanted:
            role.concepts[name] = granted
            if clause.actor.only and granted:
                _deny_others(seen, role, name)
        _read_role_rules(seen, role, clause)
        previous = clause.concepts or previous


def _deny_others(seen: Understanding, chosen: RoleIdea, concept: str) -> None:
    """ "Only the admin refunds": everyone else loses the action."""
    for role in seen.roles.values():
        if role is not chosen:
            role.concepts[concept] = False


def _read_role_rules(seen: Understanding, role: RoleIdea, clause: Clause) -> None:
    lemmas = clause.lemmas()
    if "own" in lemmas and not _site_words(clause):
        role.scope = Scope.OWN
    if _site_words(clause) and {"each", "every", "own", "their"} & set(lemmas):
        role.scope = Scope.LOCATION
        seen.location_scoped = True
    if any(name == "tenant" and granted for name, granted, _ in clause.concepts):
        role.scope = Scope.TENANT

    if any(_phrase(lemmas, phrase) for phrase in STEP_UP_PHRASES):
        role.step_up |= {name for name, granted, _ in clause.concepts if granted}
        role.step_up.add("")  # a second factor was asked for, even with no action named

    if set(lemmas) & SIGN_IN_VERBS and "in" in lemmas:
        methods = [SIGN_IN_METHODS[word] for word in lemmas if word in SIGN_IN_METHODS]
        if methods:
            role.sign_in = list(dict.fromkeys(methods))


def _site_words(clause: Clause) -> bool:
    return any(lemma in SITE_WORDS for lemma in clause.lemmas())


def _phrase(lemmas: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(lemmas[i : i + size]) == phrase for i in range(len(lemmas) - size + 1))


def _read_offerings(seen: Understanding, sent: Any) -> None:
    for token in sent:
        kind = _offering_kind(token)
        if kind is None:
            continue
        name = _offering_name(token)
        fresh = kind.value not in seen.offerings
        idea = seen.offerings.setdefault(kind.value, OfferingIdea(name, kind))
        idea.taught = _taught(token, sent) and (fresh or idea.taught)
        if len(name) > len(idea.name):
            idea.name = name
        idea.booked = idea.booked or _is_booked(token)
        count = _count(token)
        if count:
            idea.quantity = count
        if kind is OfferingKind.APPOINTMENT:
            _staff_for(idea, sent)
        if any(_phrase([t.lemma_.lower() for t in sent], cue) for cue in PER_HOUR_CUES):
            idea.per_hour = idea.per_hour or _is_booked(token)
        for listed in listed_items(token, kind):
            idea.add_item(listed.item)


_GROUP_CUES = frozenset({"group", "class", "workshop", "course", "seat", "spot", "place"})


def _taught(token: Any, sent: Any) -> bool:
    """ "30-minute piano lessons": a lesson with no group, class or headcount in sight."""
    if token.lemma_.lower() != "lesson":
        return False
    lemmas = {word.lemma_.lower() for word in sent}
    return not lemmas & (_GROUP_CUES | PEOPLE_WORDS)


def _count(token: Any) -> int | None:
    """How many there are ("6 courts"), not a number that measures ("massage 60 min")."""
    for child in token.children:
        following = child.nbor(1) if child.i + 1 < child.sent.end else None
        measures = following is not None and (
            following.lower_ in quantities.TIME_UNITS or following.is_currency
        )
        if child.dep_ == "nummod" and not measures:
            return quantities.number(child)
    return None


def _read_numbered_items(seen: Understanding, sent: Any) -> set[int]:
    """Items each followed by their own numbers; returns the numbers they took."""
    claimed: set[int] = set()
    found = numbered_items(sent)
    named = next((listed.kind for listed in found if listed.kind), None)
    for listed in found:
        if listed.lone and not _joins_a_list(seen, listed):
            continue
        kind = listed.kind or named  # "massage 60 min, facial 45 min": all one kind
        idea = seen.offerings.get(kind.value) if kind else None
        idea = idea or _nearest_offering(seen, sent, listed.index)
        if idea is None and seen.offerings:
            idea = list(seen.offerings.values())[-1]  # the offering the last sentences named
        if idea is not None:
            idea.add_item(listed.item)
        else:
            seen.loose_items.append(listed.item)  # a later sentence may say what they are
        claimed |= listed.claimed
    return claimed


def _joins_a_list(seen: Understanding, listed: Listed) -> bool:
    """A thing described on its own ("a wash takes 45 minutes") is an offering of its own only
    beside other such items, or before anything bookable was named; "mat rental costs $5"
    after the classes is an extra, not a replacement for them."""
    if not seen.offerings:
        return True
    key = slugify(listed.item.name)
    items = [item for idea in seen.offerings.values() for item in idea.items]
    return any(slugify(item.name) == key for item in items + seen.loose_items)


def _offering_kind(token: Any) -> OfferingKind | None:
    lemma = token.lemma_.lower()
    if lemma not in OFFERING_WORDS:
        return _booked_thing(token)
    if token.pos_ not in {"NOUN", "VERB", "PROPN"}:
        return None  # the small model tags "classes" as a verb now and then
    if role_mention(token.head) is not None or token.head.lemma_.lower() in {"people", "team"}:
        return None  # "front desk people": part of a role's name
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() == "block":
        return None  # "block courts for lessons": why something is blocked, not an offering
    return OFFERING_WORDS[lemma]


def _booked_thing(token: Any) -> OfferingKind | None:
    """An unknown noun right after "book" ("book a 60-minute groom") is what is booked."""
    lemma = token.lemma_.lower()
    if token.pos_ != "NOUN" or token.dep_ == "compound" or lemma in ROLE_WORDS:
        return None
    if lemma in GENERIC_OBJECTS or lemma in MINUTES_PER or lemma in PEOPLE_WORDS:
        return None
    if token.lower_ in quantities.TIME_UNITS:
        return None
    for index in range(token.i - 1, max(token.sent.start, token.i - 6) - 1, -1):
        word = token.doc[index]
        if word.lemma_.lower() in _BOOK_VERBS - {"pick", "choose", "grab"}:
            staffed = any(ROLE_WORDS.get(t.lemma_.lower()) is RoleKind.STAFF for t in token.sent)
            return OfferingKind.APPOINTMENT if staffed else OfferingKind.RESOURCE
        if word.pos_ not in {"DET", "NUM", "PUNCT", "ADJ", "NOUN"} or word.dep_ == "nsubj":
            return None
    return None


def _offering_name(token: Any) -> str:
    words = [
        child.text
        for child in token.children
        if child.dep_ == "compound"
        and child.i < token.i
        and child.is_alpha
        and child.pos_ == "NOUN"
        and child.lemma_.lower() not in OFFERING_WORDS
        and child.lemma_.lower() not in MINUTES_PER
        and child.lemma_.lower() not in ROLE_WORDS
        and child.lemma_.lower() not in _BOOK_VERBS
    ]
    return " ".join([*words, token.lemma_]).title()


def _is_booked(token: Any) -> bool:
    head = token.head
    if head.lemma_.lower() in _RENTAL_NOUNS and token.dep_ in {"compound", "nmod", "amod"}:
        return True  # "kayak rentals": what is rented is booked
    if token.dep_ == "conj" and head is not token:
        return _is_booked(head)  # "rent kayaks and paddleboards"
    return head.lemma_.lower() in _BOOK_VERBS and token.dep_ in {"dobj", "nsubjpass", "nsubj"}


def _staff_for(idea: OfferingIdea, sent: Any) -> None:
    """Appointments are with someone: the staff word in the sentence names the resource."""
    idea.staff_required = True
    for token in sent:
        lemma = token.lemma_.lower()
        if ROLE_WORDS.get(lemma) is RoleKind.STAFF and lemma not in {"staff", "reception"}:
            idea.staff_required = True
            idea.resource_name = token.lemma_.title()
            count = next((quantities.number(child) for child in token.children
                          if child.dep_ == "nummod"), None)  # fmt: skip
            if count:
                idea.quantity = count


def _read_numbers(seen: Understanding, sent: Any, parts: list[Clause], claimed: set[int]) -> None:
    by_token = {token.i: clause for clause in parts for token in clause.tokens}
    claimed = claimed | {token.i for token in sent if _retracted(token)}
    for duration in quantities.durations(sent):
        clause = by_token.get(duration.start)
        context = _hold_context(parts, clause) if duration.start not in claimed else None
        if context is not None:
            _place_duration(seen, sent, context, duration)

    for amount in quantities.amounts(sent):
        clause = by_token.get(amount.start) if amount.start not in claimed else None
        if clause is not None:
            _place_amount(seen, sent, clause, parts, amount)

    lemmas = {token.lemma_.lower() for token in sent}
    if "deposit" in lemmas:
        for value, _ in quantities.percents(sent):
            seen.deposit_percent = value

    times = sorted(clock for clock, _ in quantities.clock_times(sent))
    if len(times) >= 2 and times[0] < times[-1]:
        seen.opening = (times[0], times[-1])

    for value, index in quantities.counted(sent, PEOPLE_WORDS):
        target = _nearest_offering(seen, sent, index)
        if target is not None:
            target.capacities.append(value)
        else:
            seen.loose_capacities.append(value)

    if "pay" in lemmas or "payment" in lemmas:
        seen.someone_pays = True


_REPORTING_VERBS = frozenset({"say", "mention", "tell", "write", "ask", "type", "put"})


def _retracted(token: Any) -> bool:
    """A number the user is taking back: "forget what I said about 10 minutes".

    It is in the reach of an ignore verb: nothing but the retracted words ("what I said
    about") stands between, no punctuation, conjunction or new verb ("make the hold 15").
    """
    for index in range(token.i - 1, token.sent.start - 1, -1):
        word = token.doc[index]
        lemma = word.lemma_.lower()
        if lemma in IGNORE_VERBS:
            return True
        if word.is_punct or word.pos_ == "CCONJ":
            return False
        if word.pos_ in {"VERB", "AUX"} and lemma not in _REPORTING_VERBS:
            return False
    return False


def _hold_context(parts: list[Clause], clause: Clause | None) -> Clause | None:
    """The clause that says what a duration is: its own, or the hold clause it qualifies.

    In "hold spots 15 minutes, or 20 at peak" the second clause names nothing itself; it is
    still about the hold, so it is read with the hold clause before it, never as a length. A
    negated one ("make the hold 15 minutes, not 10") is a value turned down: None.
    """
    if clause is None:
        return None
    position = parts.index(clause)
    own = set(clause.lemmas())
    if position == 0 or own & (HOLD_CUES | set(OFFERING_WORDS)) or clause.actor is not None:
        return clause
    previous = parts[position - 1]
    if not set(previous.lemmas()) & HOLD_CUES:
        return clause
    if own & NEGATIONS:
        return None
    return Clause(previous.tokens + clause.tokens, previous.actor, previous.concepts)


def _place_duration(
    seen: Understanding, sent: Any, clause: Clause, duration: quantities.Duration
) -> None:
    lemmas = set(clause.lemmas())
    role = _role_for(seen, clause.actor) if clause.actor else None
    if lemmas & HOLD_CUES or ("while" in lemmas and "pay" in lemmas):
        seen.hold_minutes = duration.minutes
    elif "cancel" in lemmas or "cancellation" in lemmas:
        seen.cancellation_hours = duration.minutes // 60
    elif duration.unit in {"day", "week"} and lemmas & (HORIZON_CUES | {"up"}):
        days = duration.minutes // MINUTES_PER["day"]
        if role is not None:
            role.horizon_days = days
    elif duration.unit == "hour" and lemmas & {"month", "week"} and role is not None:
        role.allowance = (duration.minutes // 60, "week" if "week" in lemmas else "month")
    elif duration.unit in {"minute", "hour"}:
        target = _nearest_offering(seen, sent, duration.start)
        if target is not None:
            target.durations.append(duration.minutes)
        else:
            seen.loose_durations.append(duration.minutes)


def _place_amount(
    seen: Understanding, sent: Any, clause: Clause, parts: list[Clause], amount: quantities.Amount
) -> None:
    position = parts.index(clause)
    nearby = {
        name
        for piece in parts[max(0, position - 1) : position + 1]
        for name, _, _ in piece.concepts
    }
    lemmas = clause.lemmas()
    if "refund" in nearby and clause.actor is not None and set(lemmas) & (CAP_CUES | NEGATIONS):
        _role_for(seen, clause.actor).refund_cap = amount.value
        return
    if "refund" in nearby:
        return

    after = [token.lemma_.lower() for token in sent.doc[amount.end : amount.end + 3]]
    span_text = sent.doc[amount.start : amount.end].text.lower()
    per_hour = any(_phrase(after, cue) for cue in PER_HOUR_CUES) or "hour" in span_text
    target = _nearest_offering(seen, sent, amount.start)
    if target is not None:
        target.price, target.per_hour = amount.value, target.per_hour or per_hour
    else:
        seen.loose_prices.append((amount.value, per_hour))


def _nearest_offering(seen: Understanding, sent: Any, index: int) -> OfferingIdea | None:
    best: tuple[int, OfferingIdea] | None = None
    for token in sent:
        kind = _offering_kind(token)
        if kind is None:
            continue
        idea = seen.offerings.get(kind.value)
        distance = abs(token.i - index)
        if idea is not None and (best is None or distance < best[0]):
            best = (distance, idea)
    return best[1] if best else None


def _read_audit(seen: Understanding, sent: Any) -> None:
    lemmas = [token.lemma_.lower() for token in sent]
    if "audit" not in lemmas:
        return
    events = {AUDIT_WORDS[lemma] for lemma in lemmas if lemma in AUDIT_WORDS}
    seen.audit = events or set(AUDIT_WORDS.values())


def _read_repetition(seen: Understanding, sent: Any) -> None:
    """ "One class for every minute of the next ten years": that many separate offerings."""
    lemmas = [token.lemma_.lower() for token in sent]
    if _phrase(lemmas, ("one", "at", "a", "time")):
        seen.one_at_a_time = True
    units = [
        lemmas[i + 1]
        for i, lemma in enumerate(lemmas[:-1])
        if lemma in {"every", "each"} and lemmas[i + 1] in MINUTES_PER
    ]
    spans = [d for d in quantities.durations(sent) if "next" in lemmas[: d.start - sent.start + 1]]
    kinds = [OFFERING_WORDS[lemma] for lemma in lemmas if lemma in OFFERING_WORDS]
    if units and spans and kinds:
        count = spans[-1].minutes // MINUTES_PER[units[0]]
        if count > 1:
            seen.repeat = (count, kinds[0])


def _settle_offerings(seen: Understanding) -> None:
    """A space named beside a class or appointment is where it happens, unless it is booked.

    Items listed before anything said what they are belong to the first activity named.
    """
    _one_to_one(seen)
    activities = [idea for idea in seen.offerings.values() if idea.kind in ACTIVITY_KINDS]
    owner = next(iter(activities or seen.offerings.values()), None)
    if owner is not None:
        for item in seen.loose_items:
            owner.add_item(item)
        seen.loose_items.clear()
    if not activities:
        return
    for key, idea in list(seen.offerings.items()):
        if idea.kind in ACTIVITY_KINDS or idea.booked:
            continue
        host = activities[0]
        host.quantity = idea.quantity or host.quantity
        host.resource_name = host.resource_name or idea.name
        host.capacities += idea.capacities
        del seen.offerings[key]


def _one_to_one(seen: Understanding) -> None:
    """Lessons given by teachers, with no group or headcount ever named, are appointments.

    "30-minute piano lessons ... our teachers": each lesson is one student with one teacher,
    so it is booked like an appointment with a teacher, not as a 20-seat class.
    """
    lessons = seen.offerings.get(OfferingKind.CLASS.value)
    free = OfferingKind.APPOINTMENT.value not in seen.offerings
    if lessons is None or not lessons.taught or lessons.capacities or not seen.teachers or not free:
        return
    del seen.offerings[OfferingKind.CLASS.value]
    lessons.kind = OfferingKind.APPOINTMENT
    lessons.staff_required = True
    lessons.resource_name = lessons.resource_name or seen.teachers[0]
    seen.offerings[OfferingKind.APPOINTMENT.value] = lessons


__all__ = ["ALL", "Decimal", "read"]
