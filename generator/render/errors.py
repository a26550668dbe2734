"""Errors the renderer raises.

A broken template or a value the templates cannot render is our failure, not the user's, so
``RenderError`` is a :class:`~generator.errors.RunError`; it names the template that failed.
"""

from __future__ import annotations

from generator.errors import RunError


class RenderError(RunError):
    """A template failed to render; nothing was written."""

    def __init__(self, template: str, reason: str) -> None:
        super().__init__(f"template {template!r} failed to render: {reason}")
        self.template = template
        self.reason = reason
