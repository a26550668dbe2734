"""Scrubbing personal data and secrets out of text before a model sees it.

Personal data (Presidio, offline, with the small spaCy model) becomes numbered placeholders
such as ``<EMAIL_ADDRESS_1>`` kept in a per-run table in memory only, so the reply can be
restored for the person who typed it while the provider never receives the value. Secrets
(API keys, tokens, private keys, "password: ..." phrases) become ``<SECRET_n>`` and are never
restored: nobody needs a model to echo a key back.

The small spaCy model over-detects (dates, "3 nights", "Stripe" as a person), so only the
entities in ``guardrails/pii.yaml`` are looked for, each above its own score, and a PERSON is
kept only when it looks like a name (first and last name, or right after "I'm"/"my name is").
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from generator.guard.policy import PiiPolicy
from generator.manifest.sensitive import find_secret_spans

_PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*?)_(\d+)>")
_SECRET_ENTITY = "SECRET"  # noqa: S105  (an entity label, not a password)
_INTRO_WINDOW = 16
_INTRODUCED_NAME = re.compile(
    r"(?i:\b(?:my name is|i'm|i am|call me|ich bin|je suis|me llamo|soy)\s+)"
    r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)"
)
_STREET_ADDRESS = (
    r"\b\d{1,5}[a-z]?\s+(?:[A-Z][a-z]+\s+){1,4}"
    r"(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Lane|Drive|Way|Court|Place|Square)"
    r"|\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?\b"
    r"|\b\d{1,4},?\s+(?:rue|avenue|boulevard|place|calle|avenida)\s+(?:[a-zà-ü']+\s+){0,3}"
    r"[A-Z][\w'-]+"
)


@dataclass
class PlaceholderTable:
    """One run's placeholders: the same value always gets the same placeholder.

    Lives in memory only, so when the run ends the values are gone; the trace store only ever
    holds the placeholder text.
    """

    _values: dict[str, str] = field(default_factory=dict)
    _by_value: dict[tuple[str, str], str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def placeholder(self, entity: str, value: str) -> str:
        """The placeholder for ``value``, allocating the next number for ``entity`` if new."""
        key = (entity, value)
        if key not in self._by_value:
            self._counts[entity] = self._counts.get(entity, 0) + 1
            token = f"<{entity}_{self._counts[entity]}>"
            self._by_value[key] = token
            if entity != _SECRET_ENTITY:
                self._values[token] = value
        return self._by_value[key]

    def secret(self, value: str) -> str:
        """A placeholder for a secret, keyed by its hash so the table never holds the secret."""
        digest = hashlib.sha256(value.encode()).hexdigest()
        return self.placeholder(_SECRET_ENTITY, digest)

    def restore(self, text: str) -> str:
        """Put personal data back into a reply; secrets and unknown placeholders stay masked."""
        return _PLACEHOLDER.sub(
            lambda match: self._values.get(match.group(0), match.group(0)), text
        )

    def __len__(self) -> int:
        return len(self._by_value)


@dataclass(frozen=True)
class Scrubbed:
    """Scrubbed text and the kinds of value that were replaced (never the values)."""

    text: str
    entities: tuple[str, ...]


class Scrubber:
    """Replaces personal data and secrets with placeholders from one run's table."""

    def __init__(self, policy: PiiPolicy, table: PlaceholderTable | None = None) -> None:
        """Bind the process-wide Presidio engines to this run's placeholder table."""
        self.policy = policy
        self.table = table if table is not None else PlaceholderTable()
        self._analyzer, self._anonymizer = _engines(policy.spacy_model, policy.language)
        self._entities = sorted(policy.entities)
        self._floor = min(policy.entities.values())
        self._allow = {word.casefold() for word in policy.allow}
        self._business = {word.casefold() for word in policy.business_words}

    def scrub(self, text: str) -> Scrubbed:
        """Mask secrets, then replace personal data with numbered placeholders."""
        if not text.strip():
            return Scrubbed(text, ())
        masked, secret_kinds = self._mask_secrets(text)

        results = self._analyzer.analyze(
            masked,
            language=self.policy.language,
            entities=self._entities,
            score_threshold=self._floor,
        )
        results += _introduced_names(masked)
        kept = _without_overlaps([r for r in results if self._keep(masked, r)])
        if not kept:
            return Scrubbed(masked, secret_kinds)

        return Scrubbed(
            self._anonymize(masked, kept), secret_kinds + tuple(r.entity_type for r in kept)
        )

    def _mask_secrets(self, text: str) -> tuple[str, tuple[str, ...]]:
        spans = find_secret_spans(text)
        pieces: list[str] = []
        cursor = 0
        for span in spans:
            pieces += [text[cursor : span.start], self.table.secret(text[span.start : span.end])]
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces), tuple(span.kind for span in spans)

    def _keep(self, text: str, result: Any) -> bool:
        value = text[result.start : result.end]
        if result.score < self.policy.entities[result.entity_type]:
            return False
        if value.casefold() in self._allow or _PLACEHOLDER.fullmatch(value):
            return False
        if result.entity_type == "PERSON":
            return self._looks_like_name(text, result.start, value)
        return True

    def _looks_like_name(self, text: str, start: int, value: str) -> bool:
        words = value.split()
        if words[-1].casefold().strip(".,") in self._business:
            return False
        before = text[max(0, start - _INTRO_WINDOW) : start].casefold().rstrip(" ,")
        if any(before.endswith(cue) for cue in self.policy.introduction_cues):
            return True
        return len(words) >= 2 and all(word[:1].isupper() and word.isalpha() for word in words)

    def _anonymize(self, text: str, results: Sequence[Any]) -> str:
        from presidio_anonymizer.entities import OperatorConfig

        # Number placeholders left to right before Presidio replaces them right to left.
        for result in results:
            self.table.placeholder(result.entity_type, text[result.start : result.end])
        operators = {
            entity: OperatorConfig(
                "custom", {"lambda": lambda value, e=entity: self.table.placeholder(e, value)}
            )
            for entity in {result.entity_type for result in results}
        }
        return str(self._anonymizer.anonymize(text, list(results), operators=operators).text)


def _introduced_names(text: str) -> list[Any]:
    """Names right after a self-introduction, which the small model often misses alone."""
    from presidio_analyzer import RecognizerResult

    return [
        RecognizerResult("PERSON", match.start(1), match.end(1), 0.85)
        for match in _INTRODUCED_NAME.finditer(text)
    ]


def _without_overlaps(results: list[Any]) -> list[Any]:
    """Keep the longest, then highest-scoring, result wherever two overlap."""
    chosen: list[Any] = []
    for result in sorted(results, key=lambda r: (-(r.end - r.start), -r.score)):
        if all(result.end <= other.start or result.start >= other.end for other in chosen):
            chosen.append(result)
    return sorted(chosen, key=lambda r: r.start)


@cache
def _engines(model_name: str, language: str) -> tuple[Any, Any]:
    """Build Presidio once per process: loading spaCy costs about a second and 180 MB."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import EmailRecognizer
    from presidio_anonymizer import AnonymizerEngine

    # Presidio logs a warning for every recognizer of a language we do not load; not news.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    # The e-mail recognizer validates domains with tldextract, which downloads the public suffix
    # list on first use; the snapshot bundled with tldextract is enough and needs no network.
    offline_tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return bool(offline_tld(pattern_text).fqdn)

    nlp = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": language, "model_name": model_name}],
        }
    ).create_engine()
    registry = RecognizerRegistry(supported_languages=[language])
    registry.load_predefined_recognizers(nlp_engine=nlp, languages=[language])
    registry.remove_recognizer("EmailRecognizer")
    registry.add_recognizer(OfflineEmailRecognizer(supported_language=language))
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="STREET_ADDRESS",
            patterns=[Pattern("street address", _STREET_ADDRESS, 0.6)],
            supported_language=language,
            global_regex_flags=re.MULTILINE,
        )
    )
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=[language])
    return analyzer, AnonymizerEngine()  # type: ignore[no-untyped-call]


def warm_up(policy: PiiPolicy) -> None:
    """Load the engines and run them once, so the first real request pays no start-up cost."""
    Scrubber(policy).scrub("Warm up: Jane Doe, jane@example.org, +1 415 555 0100.")
