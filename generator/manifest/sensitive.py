"""Finding secrets, card numbers and personal data in text that must never hold them.

A manifest is committed, shown in reviews and sent to models, so it may name secrets only by
vault reference and may hold no personal data. These detectors are deliberately cheap and
pattern-based (phone numbers through ``phonenumbers``): they run on every manifest string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

_SECRET_PATTERNS: dict[str, re.Pattern[str]] = {
    "stripe key": re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{8,}"),
    "webhook secret": re.compile(r"\bwhsec_[0-9A-Za-z]{8,}"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "JSON web token": re.compile(r"\beyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]*"),
    "private key block": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "password phrase": re.compile(
        r"(?i)\b(?:password|passwd|pwd|api[_ ]?key|secret)\s*[:=]\s*(?P<value>\S+)"
    ),
}
_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.DOTALL
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_CARD_CANDIDATE = re.compile(r"(?:\d[ -]?){12,18}\d")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


@dataclass(frozen=True)
class Finding:
    """One sensitive value: what kind it is (never the value itself)."""

    kind: str


@dataclass(frozen=True)
class SecretSpan:
    """Where a secret sits in a text, so it can be masked; the value itself is never kept."""

    kind: str
    start: int
    end: int


def find_secret_spans(text: str) -> list[SecretSpan]:
    """Spans of every secret in ``text``, left to right, overlapping spans merged.

    A password phrase masks only its value ("password: <SECRET>") so the sentence still reads;
    a private key block is masked whole, from its BEGIN line to its END line.
    """
    spans: list[SecretSpan] = []
    for kind, detector in _SECRET_PATTERNS.items():
        # The detector only needs the BEGIN line; masking needs the whole block.
        pattern = _PRIVATE_KEY_BLOCK if kind == "private key block" else detector
        for match in pattern.finditer(text):
            group = "value" if "value" in pattern.groupindex else 0
            spans.append(SecretSpan(kind, match.start(group), match.end(group)))

    merged: list[SecretSpan] = []
    for span in sorted(spans, key=lambda item: (item.start, -item.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = SecretSpan(last.kind, last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that every payment card number carries."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def find_sensitive(text: str) -> list[Finding]:
    """Every kind of secret or personal data found in ``text``; empty when it is clean."""
    findings = [Finding(kind) for kind, pattern in _SECRET_PATTERNS.items() if pattern.search(text)]

    if _EMAIL.search(text):
        findings.append(Finding("e-mail address"))

    for match in _CARD_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            findings.append(Finding("payment card number"))
            break

    if _IBAN.search(text):
        findings.append(Finding("IBAN"))

    if any(True for _ in phonenumbers.PhoneNumberMatcher(text, "US")):
        findings.append(Finding("phone number"))

    return findings
