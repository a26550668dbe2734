"""Jinja filters for templates that write Python, TOML and Markdown.

Templates never build Python source by string concatenation: values go through ``pyliteral``,
which emits a deterministic, valid literal (sorted dict keys), so a manifest string can never
break out of its quotes in the generated code.
"""

from __future__ import annotations

import json
import pprint
from typing import Any

from generator.manifest.money import format_minor


def pyliteral(value: Any, width: int = 88) -> str:
    """A Python literal for plain data; ``repr`` escapes every quote and control character."""
    _check_plain(value)
    return pprint.pformat(value, width=width, sort_dicts=True)


def _check_plain(value: Any) -> None:
    """Refuse anything but plain data, so no object's ``__repr__`` ends up as code."""
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_plain(key)
            _check_plain(item)
        return
    raise TypeError(f"pyliteral accepts plain data only, not {type(value).__name__}")


def money(amount_minor: int, currency: str) -> str:
    """``5000, "USD"`` as ``50.00 USD``, for READMEs and messages."""
    return format_minor(amount_minor, currency)


def tomlstr(value: str) -> str:
    """A TOML basic string; JSON string escaping is a subset TOML accepts."""
    return json.dumps(value, ensure_ascii=False)


FILTERS = {"pyliteral": pyliteral, "money": money, "tomlstr": tomlstr}
