"""The one configured Jinja environment every template is rendered with.

Sandboxed, because templates are data we ship and may one day come from users; strict about
undefined names, because a typo must fail the render rather than write an empty string into
generated code; autoescaping only for HTML, because the other outputs are code, not markup.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from generator.render.filters import FILTERS

TEMPLATES_DIR = Path(__file__).parents[2] / "templates"
"""The top-level ``templates/`` folder: the generated app, one ``.j2`` file per output file."""


def build_environment(templates_dir: Path = TEMPLATES_DIR) -> SandboxedEnvironment:
    """The sandboxed, strict environment; ``templates_dir`` is swapped only by tests."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False
        ),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env
