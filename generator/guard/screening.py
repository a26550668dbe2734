"""Injection screening: layered detectors over the normalised text, each with a reason and score.

No single detector is trusted: signatures catch known shapes, lexicon heuristics catch
instruction overrides in English, German, French and Spanish, structural detectors catch
spoofed turns and forged tool calls, and encoded payloads are decoded and screened again.
Scores combine as independent evidence (``1 - prod(1 - s)``), so two weak hints can add up to a
quarantine while one ambiguous word ("forget what I said") cannot.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from generator.guard.normalize import normalize
from generator.guard.policy import InjectionPolicy, Vector

_FLAGS = re.IGNORECASE | re.MULTILINE
_BASE64_ALPHABET = "A-Za-z0-9+/_-"
_PRINTABLE_SHARE = 0.9
_ZERO_WIDTH_IN_WORD = re.compile(r"\w[\u200b-\u200d\u2060\ufeff\u00ad]+\w")
_ZERO_WIDTH_SCORE = 0.3
_DECODED_TEXT_SCORE = 0.3


@dataclass(frozen=True)
class Signal:
    """One detector's finding: which detector, why, and how sure (0 to 1)."""

    detector: str
    reason: str
    score: float


@dataclass(frozen=True)
class Verdict:
    """The screening outcome for one input."""

    vector: Vector
    score: float
    threshold: float
    signals: tuple[Signal, ...]

    @property
    def suspicious(self) -> bool:
        """True when the input must be quarantined instead of sent to a model."""
        return self.score >= self.threshold

    @property
    def reasons(self) -> list[str]:
        """Distinct reasons, strongest first, for the user message and the quarantine record."""
        ordered = sorted(self.signals, key=lambda signal: -signal.score)
        return list(dict.fromkeys(signal.reason for signal in ordered))


def combine(signals: Iterable[Signal]) -> float:
    """Noisy-or of the strongest signal per detector; repeats of one detector count once."""
    strongest: dict[str, float] = {}
    for signal in signals:
        strongest[signal.detector] = max(strongest.get(signal.detector, 0.0), signal.score)
    remaining = 1.0
    for score in strongest.values():
        remaining *= 1.0 - score
    return round(1.0 - remaining, 4)


def _alternation(phrases: Iterable[str]) -> str:
    escaped = sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return "|".join(escaped)


class Screener:
    """Screens text against the injection policy; build once, reuse for every request."""

    def __init__(self, policy: InjectionPolicy) -> None:
        """Compile every pattern up front: screening is on the hot path of each model call."""
        self.policy = policy
        self._signatures = [(re.compile(sig.pattern, _FLAGS), sig) for sig in policy.signatures]
        self._overrides = self._override_patterns()
        roleplay = policy.roleplay
        self._persona = [re.compile(p, _FLAGS) for p in roleplay.persona]
        self._authority = [re.compile(p, _FLAGS) for p in roleplay.authority]
        self._extraction = [re.compile(p, _FLAGS) for p in policy.extraction.patterns]
        spoof = policy.spoofing
        self._tags = re.compile(
            rf"</?\s*(?:{'|'.join(spoof.tags)})(?:\s[^<>]*)?/?>|<\|[a-z_]+\|>|\[/?INST\]"
            r"|^\s*#{2,}\s*(?:instruction|system|response)",
            _FLAGS,
        )
        self._role_labels = re.compile(
            rf"(?:^|[\s>\]}}.!?;])(?:{_alternation(spoof.role_labels)})\s*:", _FLAGS
        )
        encoding = policy.encoding
        self._base64 = re.compile(rf"[{_BASE64_ALPHABET}]{{{encoding.min_base64_chars},}}={{0,2}}")
        self._hex = re.compile(rf"\b(?:[0-9a-fA-F]{{2}}){{{encoding.min_hex_chars // 2},}}\b")
        self._detectors: list[Callable[[str], list[Signal]]] = [
            self._signature_signals,
            self._override_signals,
            self._roleplay_signals,
            self._extraction_signals,
            self._spoofing_signals,
            self._forged_tool_call_signals,
        ]

    def screen(self, text: str, vector: Vector) -> Verdict:
        """Screen one input as it would reach a model from ``vector`` (chat or data field)."""
        signals = self._signals(text, depth=0)
        threshold = self.policy.thresholds[vector]
        return Verdict(vector, combine(signals), threshold, tuple(signals))

    def _signals(self, text: str, depth: int) -> list[Signal]:
        normalized = normalize(text)
        signals: list[Signal] = []
        for detector in self._detectors:
            signals += detector(normalized.text)

        if _ZERO_WIDTH_IN_WORD.search(text):
            signals.append(
                Signal("invisible", "invisible characters inside words", _ZERO_WIDTH_SCORE)
            )

        if normalized.hidden:
            signals.append(
                Signal(
                    "hidden-text",
                    "text hidden in invisible Unicode tag characters",
                    self.policy.encoding.hidden_text_score,
                )
            )
            signals += self._signals(normalized.hidden, depth + 1)

        if depth < self.policy.encoding.max_depth:
            signals += self._encoded_signals(normalized.text, depth)
        return signals

    def _override_patterns(self) -> list[tuple[re.Pattern[str], float]]:
        lexicon = self.policy.override
        verbs = _alternation(word for words in lexicon.verbs.values() for word in words)
        gap = rf"(?:\W+\w+){{0,{lexicon.window_words}}}?\W+"
        patterns: list[tuple[re.Pattern[str], float]] = []
        strengths: tuple[tuple[Literal["strong", "weak"], float], ...] = (
            ("strong", lexicon.strong_score),
            ("weak", lexicon.weak_score),
        )
        for strength, score in strengths:
            by_language = lexicon.targets.get(strength)
            targets = _alternation(word for words in (by_language or {}).values() for word in words)
            if targets:
                pattern = re.compile(rf"\b(?:{verbs})\b{gap}(?:{targets})\b", _FLAGS)
                patterns.append((pattern, score))
        return patterns

    def _signature_signals(self, text: str) -> list[Signal]:
        return [
            Signal(f"signature:{sig.id}", sig.reason, sig.score)
            for pattern, sig in self._signatures
            if pattern.search(text)
        ]

    def _override_signals(self, text: str) -> list[Signal]:
        return [
            Signal("override", "tries to override the assistant's instructions", score)
            for pattern, score in self._overrides
            if pattern.search(text)
        ]

    def _roleplay_signals(self, text: str) -> list[Signal]:
        roleplay = self.policy.roleplay
        signals = [
            Signal(
                f"persona:{index}", "casts the assistant as another persona", roleplay.persona_score
            )
            for index, pattern in enumerate(self._persona)
            if pattern.search(text)
        ]
        signals += [
            Signal(
                "authority",
                "claims an authority a chat message cannot prove",
                roleplay.authority_score,
            )
            for pattern in self._authority
            if pattern.search(text)
        ]
        return signals

    def _extraction_signals(self, text: str) -> list[Signal]:
        return [
            Signal(
                f"extraction:{index}",
                "asks for the assistant's hidden prompt",
                self.policy.extraction.score,
            )
            for index, pattern in enumerate(self._extraction)
            if pattern.search(text)
        ]

    def _spoofing_signals(self, text: str) -> list[Signal]:
        spoof = self.policy.spoofing
        signals: list[Signal] = []
        if self._tags.search(text):
            signals.append(
                Signal(
                    "spoof:tag", "markup that fakes a new turn or system message", spoof.tag_score
                )
            )
        if self._role_labels.search(text):
            signals.append(
                Signal(
                    "spoof:role",
                    "a role label that fakes a system or assistant turn",
                    spoof.role_label_score,
                )
            )
        return signals

    def _forged_tool_call_signals(self, text: str) -> list[Signal]:
        lexicon = self.policy.forged_tool_call
        decoder = json.JSONDecoder()
        for match in re.finditer(r"[{\[]", text):
            try:
                value, _ = decoder.raw_decode(text, match.start())
            except json.JSONDecodeError:
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and _looks_like_tool_call(
                    item, lexicon.keys, lexicon.arg_keys
                ):
                    return [Signal("forged-tool-call", "text imitating a tool call", lexicon.score)]
        return []

    def _encoded_signals(self, text: str, depth: int) -> list[Signal]:
        signals: list[Signal] = []
        decoded_texts = [("base64", _decode_base64(run)) for run in self._base64.findall(text)]
        decoded_texts += [("hex", _decode_hex(run)) for run in self._hex.findall(text)]
        decoded_texts.append(("rot13", codecs.decode(text, "rot13")))

        for encoding, decoded in decoded_texts:
            if not decoded:
                continue
            # rot13 is its own inverse: decoding its output again would only find the original.
            inner_depth = self.policy.encoding.max_depth if encoding == "rot13" else depth + 1
            inner = self._signals(decoded, inner_depth)
            if encoding != "rot13" and " " in decoded.strip():
                inner.append(
                    Signal(f"encoded:{encoding}", f"{encoding}-encoded text", _DECODED_TEXT_SCORE)
                )
            signals += [
                Signal(f"{encoding}:{s.detector}", f"{s.reason} ({encoding}-encoded)", s.score)
                for s in inner
            ]
        return signals


def _looks_like_tool_call(
    item: dict[str, object], keys: frozenset[str], arg_keys: frozenset[str]
) -> bool:
    lowered = {str(key).lower() for key in item}
    return bool(lowered & keys) and bool(lowered & (arg_keys | {"function", "tool_calls"}))


def _printable(text: str) -> bool:
    if not text:
        return False
    share = sum(1 for char in text if char.isprintable() or char in "\n\t") / len(text)
    return share >= _PRINTABLE_SHARE


def _decode_base64(run: str) -> str:
    padded = run + "=" * (-len(run) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            text = decode(padded).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if _printable(text):
            return text
    return ""


def _decode_hex(run: str) -> str:
    try:
        text = bytes.fromhex(run).decode("utf-8")
    except ValueError:
        return ""
    return text if _printable(text) else ""
