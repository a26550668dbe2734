"""CI's secret scan: clean on what we ship, loud on a planted secret, never echoing it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.errors import UserError
from generator.gates.secret_scan import scan_paths
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
# Assembled at run time so this test file does not itself hold a scannable key.
PLANTED = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"


def test_templates_policy_and_examples_hold_no_secrets() -> None:
    assert scan_paths([ROOT / "templates", ROOT / "guardrails", EXAMPLES]) == []


def test_a_key_pasted_into_a_rendered_app_is_found(tmp_path: Path) -> None:
    app_dir = tmp_path / "fitness"
    shutil.copytree(EXAMPLES / "fitness", app_dir)
    custom = app_dir / "app" / "custom" / "payments.py"
    custom.write_text(f'STRIPE_KEY = "{PLANTED}"\n', encoding="utf-8")

    findings = scan_paths([app_dir])

    assert [(Path(f.path).name, f.line) for f in findings] == [("payments.py", 1)] * len(findings)
    assert "Stripe Access Key" in {finding.kind for finding in findings}


def test_the_cli_fails_without_printing_the_secret(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(f'API_KEY = "{PLANTED}"\n', encoding="utf-8")

    result = CliRunner().invoke(app, ["scan-secrets", str(tmp_path)])

    assert result.exit_code == 1
    assert "settings.py:1" in result.output
    assert PLANTED not in result.output


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        scan_paths([tmp_path / "nope"])
