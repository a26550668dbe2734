"""The library verbs behind the CLI: each one is a whole user task, start to finish.

Data moves one way: a spec becomes a conversation, the agent plans a manifest, the renderer
turns it into an app. Nothing is written until every earlier step has succeeded, so a failed
run never leaves a half-made app or a manifest without its app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.agent import PlanOutcome, plan
from generator.agent.conversation import read_spec, write_spec
from generator.manifest.io import dump_manifest, load_manifest, write_manifest
from generator.manifest.model import Manifest
from generator.render import RenderReport, check_render, render_app

MANIFEST_FILE = "manifest.yaml"
SPEC_FILE = "spec.md"


@dataclass(frozen=True)
class NewAppResult:
    """What ``bookwright new`` produced."""

    plan: PlanOutcome
    manifest_path: Path
    render: RenderReport


def new_app(spec: Path, out_dir: Path, *, model: str = "offline") -> NewAppResult:
    """Plan a manifest from a spec file and render its app into ``out_dir``."""
    conversation = read_spec(spec)
    outcome = plan(conversation, model=model)

    report = render_app(outcome.manifest, out_dir)
    manifest_path = out_dir / MANIFEST_FILE
    write_manifest(outcome.manifest, manifest_path)
    kept = out_dir / SPEC_FILE
    if not (kept.exists() and kept.resolve() == spec.resolve()):
        # The app keeps its conversation so `bookwright chat --app` can continue it.
        write_spec(conversation, kept)
    return NewAppResult(outcome, manifest_path, report)


def render_manifest_file(manifest_path: Path, out_dir: Path) -> RenderReport:
    """Validate a hand-edited manifest and render its app."""
    manifest = load_manifest(manifest_path)
    return render_app(manifest, out_dir)


def regenerate_examples(examples: Path, *, check: bool, model: str = "offline") -> list[str]:
    """Re-plan and re-render every example that has a spec; the differences found.

    With ``check`` nothing is written and every difference is returned, so CI can fail on
    examples that no longer match what the generator produces.
    """
    differences: list[str] = []
    for example in sorted(path for path in examples.iterdir() if (path / SPEC_FILE).is_file()):
        manifest = plan(read_spec(example / SPEC_FILE), model=model).manifest
        differences += [f"{example.name}/{line}" for line in _differences(manifest, example)]
        if not check:
            render_app(manifest, example)
            write_manifest(manifest, example / MANIFEST_FILE)
    return differences


def _differences(manifest: Manifest, example: Path) -> list[str]:
    lines = []
    manifest_file = example / MANIFEST_FILE
    if not manifest_file.is_file():
        lines.append(f"{MANIFEST_FILE} (missing)")
    elif manifest_file.read_text(encoding="utf-8") != dump_manifest(manifest):
        lines.append(f"{MANIFEST_FILE} (differs from a fresh plan)")
    lines += check_render(manifest, example)
    return lines
