"""The ``bookwright`` command: thin typer commands, one library call each.

Every command, sub-apps included, runs inside :func:`_run` (through the root group), the
single place where Bookwright's errors become a red message on stderr and an exit code (2 for
the user's mistakes, 1 for failed runs). No user ever sees a traceback; ``BOOKWRIGHT_DEBUG=1``
shows one for developers.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import click
import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from generator.errors import BookwrightError, UserError

T = TypeVar("T")


class _HandledGroup(TyperGroup):
    """The root command group: every sub-command's errors pass through :func:`_run`."""

    def invoke(self, ctx: click.Context) -> Any:
        return _run(lambda: super(_HandledGroup, self).invoke(ctx))


app = typer.Typer(
    cls=_HandledGroup,
    name="bookwright",
    help="Describe a booking business in plain words; get a validated manifest and a secure app.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        envvar="BOOKWRIGHT_MODEL",
        help=(
            "The brain: 'offline' (built-in deterministic planner, the default), "
            "'openai:<model>' (needs OPENAI_API_KEY) or 'openai-compatible:<model>' "
            "(Ollama, vLLM, llama.cpp; needs --base-url)."
        ),
    ),
]


def _use_base_url(url: str | None) -> str | None:
    # The library reads BOOKWRIGHT_BASE_URL where it builds models; the flag only sets it.
    if url:
        os.environ["BOOKWRIGHT_BASE_URL"] = url
    return url


BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        envvar="BOOKWRIGHT_BASE_URL",
        callback=_use_base_url,
        help="The OpenAI-compatible server's /v1 URL, e.g. http://127.0.0.1:11434/v1.",
    ),
]


def _run(action: Callable[[], T]) -> T:
    """Run one library call, turning every error into a clear message and an exit code."""
    try:
        return action()
    except BookwrightError as error:
        # Messages quote user values and regex patterns: never read them as rich markup.
        err.print(Text.assemble(("error: ", "bold red"), str(error)), highlight=False)
        raise typer.Exit(error.exit_code) from None
    except sqlite3.DatabaseError as error:
        err.print(
            Text.assemble(("error: ", "bold red"), f"a Bookwright store is unreadable: {error}"),
            highlight=False,
        )
        raise typer.Exit(2) from None
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise  # click's own usage errors and exits keep click's messages and codes
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written after the last completed step")
        raise typer.Exit(130) from None
    except Exception as error:
        if os.environ.get("BOOKWRIGHT_DEBUG"):
            raise
        err.print(
            f"[bold red]internal error:[/] {type(error).__name__}: {error}\n"
            "This is a bug in Bookwright; rerun with BOOKWRIGHT_DEBUG=1 to see the traceback.",
            highlight=False,
        )
        raise typer.Exit(1) from None


@app.command()
def new(
    spec: Annotated[Path, typer.Option("--spec", help="A conversation file (## turn N).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for manifest.yaml and the app.")],
    model: ModelOption = "offline",
    base_url: BaseUrlOption = None,
) -> None:
    """Plan a manifest from a conversation file and render the app."""
    from generator.workflow import new_app

    result = new_app(spec, out_dir, model=model)
    from generator.present import show_plan

    show_plan(out, result.plan)
    out.print(f"model: {model}; structured output: {result.plan.output_strategy}", highlight=False)
    out.print(f"[green]wrote[/] {result.manifest_path} and the app in {out_dir}")


@app.command()
def validate(manifest: Annotated[Path, typer.Argument(help="A manifest.yaml to check.")]) -> None:
    """Check a manifest against the schema and every policy invariant."""
    from generator.manifest.io import load_manifest

    loaded = load_manifest(manifest)
    out.print(
        f"[green]valid:[/] {manifest} ({len(loaded.roles)} roles, "
        f"{len(loaded.offerings)} offerings, {len(loaded.locations)} locations)"
    )


@app.command()
def render(
    manifest: Annotated[Path, typer.Argument(help="A manifest.yaml to render.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the app.")],
) -> None:
    """Render the app for a manifest; the app's custom/ folders are never overwritten."""
    from generator.workflow import render_manifest_file

    report = render_manifest_file(manifest, out_dir)
    out.print(f"[green]rendered[/] {report.summary()} into {out_dir}")


@app.command()
def regenerate(
    check: Annotated[bool, typer.Option("--check", help="Fail on any difference.")] = False,
    examples: Annotated[Path, typer.Option("--examples", help="Folder of examples.")] = Path(
        "generated_examples"
    ),
    model: ModelOption = "offline",
    base_url: BaseUrlOption = None,
) -> None:
    """Re-plan and re-render every example from its spec; with --check, change nothing."""
    from generator.workflow import regenerate_examples

    differences = regenerate_examples(examples, check=check, model=model)
    if check and differences:
        err.print("[bold red]examples are out of date:[/]")
        for line in differences:
            err.print(f"  {line}", highlight=False)
        err.print("run `bookwright regenerate` and commit the result")
        raise typer.Exit(1)
    verb = "up to date" if check else "regenerated"
    out.print(f"[green]{verb}:[/] examples in {examples}")


@app.command()
def schema(
    check: Annotated[bool, typer.Option("--check", help="Fail if the file is stale.")] = False,
) -> None:
    """Write (or check) the committed manifest JSON Schema."""
    from generator.manifest.io import SCHEMA_PATH, schema_text

    text = schema_text()
    if check:
        if SCHEMA_PATH.read_text(encoding="utf-8") != text:
            err.print(f"[bold red]{SCHEMA_PATH} is stale;[/] run `bookwright schema`")
            raise typer.Exit(1)
        out.print("[green]schema up to date[/]")
        return
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    out.print(f"[green]wrote[/] {SCHEMA_PATH}")


@app.command()
def chat(  # noqa: PLR0917 - typer reads the options from the signature
    model: ModelOption = "offline",
    base_url: BaseUrlOption = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Where /done writes the manifest and app.")
    ] = None,
    app_dir: Annotated[
        Path | None,
        typer.Option("--app", help="Change an existing app: /done proposes a change set."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="With --app: your id, recorded as the requester.")
    ] = None,
    store: Annotated[
        Path | None, typer.Option("--store", help="With --app: gates.db (default BOOKWRIGHT_HOME).")
    ] = None,
) -> None:
    """Describe the business over several messages; see the manifest grow; /done to render.

    With --app, continue the conversation an app was planned from; the result is a change set
    that reaches dev at once and staging and prod only with platform admins' approvals.
    """
    from generator.chat_session import run_change_chat, run_chat

    if app_dir is None:
        if by is not None or store is not None:
            raise UserError("--by and --store go with --app (changing an existing app)")
        run_chat(out, model=model, out_dir=out_dir)
        return
    if out_dir is not None:
        raise UserError("--out and --app exclude each other: a change goes through the gates")
    from generator.gates import Gates

    run_change_chat(out, app_dir, by=by or "", gates=Gates(store), model=model)


@app.command("scan-secrets")
def scan_secrets(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to scan.")],
) -> None:
    """Fail (exit 1) on any literal secret in the files, e.g. rendered apps and templates."""
    from generator.gates.secret_scan import scan_paths

    findings = scan_paths(paths)
    for finding in findings:
        err.print(f"[bold red]secret:[/] {finding}", highlight=False)
    if findings:
        err.print(
            "Move each value to the vault and reference it (vault:...); a deliberate public "
            "placeholder can be marked with `# pragma: allowlist secret` on its line."
        )
        raise typer.Exit(1)
    out.print(f"[green]no secrets found[/] in {', '.join(str(path) for path in paths)}")


def _mount_sub_apps() -> None:
    from generator.gates.cli import changes_app
    from generator.guard.quarantine_cli import quarantine_app, trace_app

    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(trace_app, name="trace")
    app.add_typer(changes_app, name="changes")


_mount_sub_apps()


def main() -> None:
    """Console-script entry point."""
    from generator.logs import configure_logging

    configure_logging()
    app(prog_name="bookwright")


if __name__ == "__main__":  # pragma: no cover
    main()
