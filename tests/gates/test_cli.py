"""``bookwright changes ...`` over the real CLI: clear refusals with exit code 2, no tracebacks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator.cli import app

runner = CliRunner()


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BOOKWRIGHT_HOME in tmp, with platform admins bo and cy."""
    home = tmp_path / "home"
    monkeypatch.setenv("BOOKWRIGHT_HOME", str(home))
    for args in (["bo"], ["cy", "--sponsor", "bo"]):
        result = runner.invoke(app, ["changes", "admin-add", *args])
        assert result.exit_code == 0, result.output
    return home


def _new_manifest(app_dir: Path, tmp_path: Path) -> Path:
    data = yaml.safe_load((app_dir / "manifest.yaml").read_text(encoding="utf-8"))
    data["roles"][0]["refund_cap"]["amount_minor"] = 8000
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["changes", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_refund_cap_change_through_the_cli(cli_home: Path, app_dir: Path, tmp_path: Path) -> None:
    """Propose, approve twice, promote to prod, then list, show and verify the history."""
    new = _new_manifest(app_dir, tmp_path)
    code, output = run("propose", "--manifest", str(new), "--app", str(app_dir), "--by", "ana")
    assert code == 0, output
    assert "roles[staff].refund_cap.amount_minor" in output and "high" in output
    assert "proposed cs-1; applied to dev" in output

    assert run("approve", "cs-1", "--by", "bo", "--reason", "ops")[0] == 0
    assert run("promote", "cs-1", "--to", "staging")[0] == 0
    assert run("approve", "cs-1", "--by", "bo", "--reason", "ok")[0] == 0
    code, output = run("promote", "cs-1", "--to", "prod")
    assert code == 2
    assert "needs 2 approval(s) for prod" in " ".join(output.split())
    assert run("approve", "cs-1", "--by", "cy", "--reason", "ok")[0] == 0
    code, output = run("promote", "cs-1", "--to", "prod")
    assert code == 0, output

    code, output = run("list")
    assert code == 0 and "cs-1" in output and "prod" in output
    code, output = run("show", "cs-1", "--diff")
    assert code == 0
    assert output.count("approved") == 3 and "promoted" in output and "+++ b/" in output
    code, output = run("verify")
    assert code == 0 and "gate log intact" in output and "4 signatures" in output


def test_refusals_exit_2_with_a_clear_message(
    cli_home: Path, app_dir: Path, tmp_path: Path
) -> None:
    """Self-approval, skipping staging and unknown ids: exit 2, red message, no traceback."""
    new = _new_manifest(app_dir, tmp_path)
    run("propose", "--manifest", str(new), "--app", str(app_dir), "--by", "bo")

    code, output = run("approve", "cs-1", "--by", "bo", "--reason", "mine")
    assert code == 2 and "bo asked for cs-1 and cannot approve it" in output
    code, output = run("promote", "cs-1", "--to", "prod")
    assert code == 2 and "cannot go to prod before staging" in output
    code, output = run("show", "cs-7")
    assert code == 2 and "no change set 'cs-7'" in output
    code, output = run("promote", "cs-1", "--to", "qa")
    assert code == 2 and "qa" in output


def test_verify_exits_1_on_an_edited_row(cli_home: Path, app_dir: Path, tmp_path: Path) -> None:
    """An edited row is reported row by row."""
    new = _new_manifest(app_dir, tmp_path)
    run("propose", "--manifest", str(new), "--app", str(app_dir), "--by", "ana")
    run("approve", "cs-1", "--by", "bo", "--reason", "ok")
    raw = sqlite3.connect(cli_home / "gates.db")
    raw.execute("DROP TRIGGER gate_log_no_update")
    raw.execute("UPDATE gate_log SET payload = replace(payload, '\"ok\"', '\"ok!\"')")
    raw.commit()
    raw.close()

    code, output = run("verify")
    assert code == 1
    assert "row 5 was edited after it was written" in output
    assert "signature of bo does not verify" in output


def test_literal_secret_is_refused_by_the_cli(
    cli_home: Path, app_dir: Path, tmp_path: Path
) -> None:
    """A proposed manifest with a literal secret: exit 2, the field named, nothing recorded."""
    data = yaml.safe_load((app_dir / "manifest.yaml").read_text(encoding="utf-8"))
    data["payments"]["credentials_ref"] = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr"
    new = tmp_path / "leaky.yaml"
    new.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, output = run("propose", "--manifest", str(new), "--app", str(app_dir), "--by", "ana")
    assert code == 2 and "payments.credentials_ref" in output
    assert "cs-1" not in run("list")[1]
