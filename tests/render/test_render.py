"""The renderer: deterministic output, the generated/custom split, the sandbox, strictness."""

from __future__ import annotations

import ast
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from jinja2.exceptions import SecurityError
from psycopg import sql

from generator.manifest.io import dump_manifest, load_manifest
from generator.manifest.model import Manifest, Permission
from generator.render import (
    TEMPLATES_DIR,
    RenderError,
    build_environment,
    check_render,
    header_line,
    render_app,
)
from generator.render.context import routes_for

MANIFESTS = Path(__file__).parents[1] / "fixtures" / "manifests"


@pytest.fixture(scope="module")
def fitness() -> Manifest:
    """The fitness-studio manifest: staff refund cap, location scope, Stripe."""
    return load_manifest(MANIFESTS / "fitness.yaml")


@pytest.fixture(scope="module")
def tennis() -> Manifest:
    """The tennis-club manifest: no online payments."""
    return load_manifest(MANIFESTS / "tennis.yaml")


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_rendering_is_deterministic(fitness: Manifest, tmp_path: Path) -> None:
    """The same manifest renders to the same bytes, wherever and whenever it is rendered."""
    render_app(fitness, tmp_path / "one")
    render_app(fitness, tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_generated_files_carry_the_manifest_hash(fitness: Manifest, tmp_path: Path) -> None:
    """Every generated file starts with the header naming the canonical manifest's sha256."""
    report = render_app(fitness, tmp_path)
    sha = hashlib.sha256(dump_manifest(fitness).encode()).hexdigest()
    assert report.manifest_sha256 == sha

    generated = [p for p in tmp_path.rglob("*") if p.is_file() and "custom" not in p.parts]
    assert generated
    for path in generated:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert f"sha256:{sha}" in first and "Do not edit" in first, path
    assert (tmp_path / "app/main.py").read_text().startswith(header_line("x.py", sha))
    assert "sha256" not in (tmp_path / "app/custom/hooks.py").read_text()


def test_custom_files_survive_a_re_render(fitness: Manifest, tmp_path: Path) -> None:
    """Files under app/custom and tests/custom are created once and never overwritten."""
    render_app(fitness, tmp_path)
    hooks = tmp_path / "app/custom/hooks.py"
    hooks.write_text("# mine\n")
    (tmp_path / "tests/custom/test_mine.py").write_text("def test_mine() -> None: ...\n")

    report = render_app(fitness, tmp_path)
    assert hooks.read_text() == "# mine\n"
    assert (tmp_path / "tests/custom/test_mine.py").exists()
    assert "app/custom/hooks.py" in report.custom_kept
    assert check_render(fitness, tmp_path) == []


def test_stale_generated_files_are_removed(fitness: Manifest, tmp_path: Path) -> None:
    """A file in a generated folder that the render does not produce is deleted."""
    render_app(fitness, tmp_path)
    stale = tmp_path / "app/generated/old_module.py"
    stale.write_text("x = 1\n")
    cache = tmp_path / "app/generated/__pycache__/models.cpython-311.pyc"
    cache.parent.mkdir()
    cache.write_bytes(b"\0")
    assert check_render(fitness, tmp_path) == ["app/generated/old_module.py"]

    report = render_app(fitness, tmp_path)
    assert report.removed == ["app/generated/old_module.py"]
    assert not stale.exists() and cache.exists()


def test_check_render_finds_edited_and_missing_files(fitness: Manifest, tmp_path: Path) -> None:
    """An edited or deleted generated file is reported; a fresh render is clean."""
    render_app(fitness, tmp_path)
    assert check_render(fitness, tmp_path) == []
    with (tmp_path / "app/generated/permissions.py").open("a") as handle:
        handle.write("ROLE_PERMISSIONS['guest'] = frozenset({'refund'})\n")
    (tmp_path / "README.md").unlink()
    assert check_render(fitness, tmp_path) == ["README.md", "app/generated/permissions.py"]


def test_a_manifest_without_payments_gets_no_payment_routes(
    tennis: Manifest, tmp_path: Path
) -> None:
    """Files that render to nothing are not written (no payment routes without a provider)."""
    render_app(tennis, tmp_path)
    assert not (tmp_path / "app/generated/api/routes/payments.py").exists()
    assert "/pay" not in (tmp_path / "app/generated/permissions.py").read_text()


def _template_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A copy of the real templates plus ``files``, to break on purpose."""
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_a_missing_variable_fails_and_leaves_the_previous_render(
    fitness: Manifest, tmp_path: Path
) -> None:
    """StrictUndefined: a typo fails the whole render, and nothing already rendered changes."""
    out = tmp_path / "app"
    render_app(fitness, out)
    before = _tree(out)

    broken = _template_tree(tmp_path, {"zz_broken.py.j2": "x = {{ no_such_variable }}\n"})
    with pytest.raises(RenderError, match="no_such_variable"):
        render_app(fitness, out, templates_dir=broken)
    assert _tree(out) == before


def test_templates_cannot_reach_python_internals(tmp_path: Path) -> None:
    """The sandbox refuses attribute walks such as ``__class__.__mro__``."""
    (tmp_path / "evil.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    env = build_environment(tmp_path)
    with pytest.raises(SecurityError):
        env.get_template("evil.j2").render()


def test_a_sandbox_violation_is_a_render_error(fitness: Manifest, tmp_path: Path) -> None:
    """A template misbehaving inside a full render surfaces as RenderError, nothing written."""
    broken = _template_tree(tmp_path, {"zz.py.j2": "{{ manifest.__class__.__init__.__globals__ }}"})
    out = tmp_path / "out"
    with pytest.raises(RenderError):
        render_app(fitness, out, templates_dir=broken)
    assert not out.exists()


def test_manifest_strings_cannot_break_out_of_generated_code(
    fitness: Manifest, tmp_path: Path
) -> None:
    """A tenant name full of quotes renders as a plain string literal."""
    hostile = fitness.model_copy(
        update={"tenant": fitness.tenant.model_copy(update={"name": "Bad\" '''\\ {{7*7}}"})}
    )
    render_app(hostile, tmp_path)
    source = (tmp_path / "app/generated/seed.py").read_text()
    tenant_line = next(line for line in source.splitlines() if line.startswith("TENANT"))
    literal = ast.literal_eval(tenant_line.split("=", 1)[1])
    assert literal == {"key": "pulse_fitness", "name": "Bad\" '''\\ {{7*7}}"}


def _run_suite(app_dir: Path, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The rendered app's own tests, run as CI runs them; on PostgreSQL when given its URL."""
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    if database_url:
        env["TEST_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=app_dir,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=env,
    )


def test_every_catalogue_permission_is_required_by_a_route(fitness: Manifest) -> None:
    """No permission can be granted in a manifest without a generated route that needs it."""
    required = {route.permission for route in routes_for(fitness)}
    assert {permission.value for permission in Permission} <= required


@pytest.mark.parametrize(
    ("name", "present", "absent"),
    [
        ("fitness", [], ["test_units.py", "test_allowance.py", "test_front_desk.py"]),
        ("tennis", ["test_units.py"], ["test_allowance.py", "test_front_desk.py"]),
        ("coworking", ["test_allowance.py", "test_front_desk.py"], ["test_units.py"]),
        ("salon", ["test_units.py", "test_front_desk.py"], ["test_allowance.py"]),
    ],
)
def test_feature_tests_are_rendered_only_when_the_manifest_needs_them(
    name: str, present: list[str], absent: list[str], tmp_path: Path
) -> None:
    """Staff, unit, allowance and front-desk tests exist exactly for manifests that need them."""
    render_app(load_manifest(MANIFESTS / f"{name}.yaml"), tmp_path)
    tests = tmp_path / "tests/generated"
    assert all((tests / file).is_file() for file in present)
    assert not any((tests / file).exists() for file in absent)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fitness", "tennis", "coworking", "salon"])
def test_rendered_apps_pass_their_own_tests(name: str, tmp_path: Path) -> None:
    """Each rendered app's generated test suite passes on SQLite, run exactly as CI runs it."""
    render_app(load_manifest(MANIFESTS / f"{name}.yaml"), tmp_path)
    result = _run_suite(tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout


PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
"""The local PostgreSQL server CI starts (trust auth); the test makes its own database on it."""


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; the SQLAlchemy URL to reach it."""
    name = f"bookwright_render_{secrets.token_hex(4)}"
    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fitness", "coworking"])
def test_rendered_apps_pass_their_own_tests_on_postgresql(
    name: str, fresh_database: str, tmp_path: Path
) -> None:
    """With TEST_DATABASE_URL set, the rendered suite runs on PostgreSQL, one schema a test."""
    render_app(load_manifest(MANIFESTS / f"{name}.yaml"), tmp_path)
    result = _run_suite(tmp_path, fresh_database)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout

    # Every test dropped the schema it ran in (the suite itself checks it ran on PostgreSQL).
    with psycopg.connect(fresh_database.replace("+psycopg", "")) as connection:
        row = connection.execute(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'test_%'"
        ).fetchone()
    assert row == (0,)
