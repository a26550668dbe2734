"""Structured logging: security decisions are key-value events, never free text.

The CLI keeps the console for people, so events go to stderr only at warning level and above
unless ``BOOKWRIGHT_LOG_LEVEL`` asks for more.
"""

from __future__ import annotations

import logging
import os
import sys

import structlog


def configure_logging() -> None:
    """Route structlog events through a level filter chosen by the environment."""
    level_name = os.environ.get("BOOKWRIGHT_LOG_LEVEL", "WARNING").upper()
    level = logging.getLevelNamesMapping().get(level_name, logging.WARNING)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.KeyValueRenderer(key_order=["event", "level"]),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
