"""Hooks into the generated app; this file is yours and survives every re-render."""

from __future__ import annotations

from fastapi import FastAPI


def configure(app: FastAPI) -> None:
    """Called once after the generated routes are added; add middleware or state here."""
