"""The renderer: a validated manifest in, a FastAPI + SQLModel booking app out.

``render_app`` writes the app, ``check_render`` says which generated files differ from a fresh
render (for ``bookwright regenerate --check``). Templates live in the top-level ``templates/``
folder and are rendered by the one sandboxed environment in :mod:`.environment`.
"""

from generator.render.environment import TEMPLATES_DIR, build_environment
from generator.render.errors import RenderError
from generator.render.render import (
    RenderedFile,
    RenderReport,
    check_render,
    header_line,
    manifest_sha256,
    render_app,
    render_files,
)

__all__ = [
    "TEMPLATES_DIR",
    "RenderError",
    "RenderReport",
    "RenderedFile",
    "build_environment",
    "check_render",
    "header_line",
    "manifest_sha256",
    "render_app",
    "render_files",
]
