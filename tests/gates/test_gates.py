"""The gates enforce the rules themselves: approvals, who may give them, and their order."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.errors import ChangeSetNotFound, GateLogTampered, GateRefused, ManifestInvalid
from generator.gates import Environment, Gates, Risk
from generator.gates.changeset import manifest_diff
from generator.gates.environments import deployed_manifest, manifest_path
from generator.manifest.io import load_manifest
from tests.gates.conftest import longer_hold, raise_staff_cap

Edit = Callable[[Callable[[dict[str, Any]], None]], dict[str, Any]]
STAGING, PROD = Environment.STAGING, Environment.PROD


def test_refund_cap_raise_goes_to_dev_and_needs_two_other_admins_for_prod(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """The issue's done-when, end to end through the library."""
    change = gates.propose(edited(raise_staff_cap), app_dir, by="ana")
    assert change.risk is Risk.HIGH
    assert [(c.path, c.old, c.new) for c in change.changes] == [
        ("roles[staff].refund_cap.amount_minor", 5000, 8000)
    ]
    assert "8000" in change.file_diff and "5000" in change.file_diff

    # Applied to dev freely, on proposal.
    dev = deployed_manifest(app_dir, Environment.DEV)
    assert dev is not None and dev.role("staff").refund_cap is not None
    assert dev.role("staff").refund_cap.amount_minor == 8000

    with pytest.raises(GateRefused, match="needs 1 approval"):
        gates.promote(change.id, STAGING)
    gates.approve(change.id, by="bo", reason="ops asked for it")
    gates.promote(change.id, STAGING)

    gates.approve(change.id, by="bo", reason="looks right in staging")
    with pytest.raises(GateRefused, match=r"needs 2 approval\(s\) for prod.*it has 1 \(bo\)"):
        gates.promote(change.id, PROD)
    with pytest.raises(GateRefused, match="already approved"):
        gates.approve(change.id, by="bo", reason="again")
    gates.approve(change.id, by="cy", reason="second pair of eyes")
    path = gates.promote(change.id, PROD)

    assert path == manifest_path(app_dir, PROD)
    assert load_manifest(path).role("staff").refund_cap.amount_minor == 8000  # type: ignore[union-attr]
    kinds = [(e["kind"], e["environment"], e["actor"]) for e in gates.history(change.id)]
    assert kinds == [
        ("proposed", "", "ana"),
        ("applied", "dev", "ana"),
        ("approved", "staging", "bo"),
        ("promoted", "staging", "bo"),
        ("approved", "prod", "bo"),
        ("approved", "prod", "cy"),
        ("promoted", "prod", "bo,cy"),
    ]
    outcome = gates.verify()
    assert outcome.ok, outcome.problems
    assert outcome.signatures == 5  # 3 approvals, 2 sponsored admins


def test_low_risk_change_needs_one_approver_for_prod(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Hold 10 -> 15 is low risk: one approval per environment."""
    change = gates.propose(edited(longer_hold), app_dir, by="ana")
    assert change.risk is Risk.LOW
    gates.approve(change.id, by="bo", reason="fine")
    gates.promote(change.id, STAGING)
    gates.approve(change.id, by="cy", reason="fine")
    gates.promote(change.id, PROD)
    assert gates.status(change.id).state == "prod"


def test_nobody_approves_their_own_change(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """A platform admin who asked for a change cannot approve it, even for prod."""
    change = gates.propose(edited(longer_hold), app_dir, by="ana")
    with pytest.raises(GateRefused, match="ana asked for cs-1 and cannot approve it"):
        gates.approve(change.id, by="ana", reason="trust me")
    with pytest.raises(GateRefused, match="ana asked for"):
        gates.approve(change.id, by="ana", reason="trust me", environment=PROD)
    assert gates.status(change.id).approvals == {}


def test_only_platform_admins_approve(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """A user who is not a registered platform admin has no key and no say."""
    change = gates.propose(edited(longer_hold), app_dir, by="ana")
    with pytest.raises(GateRefused, match="'mallory' is not a platform admin"):
        gates.approve(change.id, by="mallory", reason="hi")


def test_forged_signature_is_refused(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """An approval signed by the wrong key, or altered after signing, does not verify."""
    change = gates.propose(edited(raise_staff_cap), app_dir, by="ana")
    by_cy = gates.sign_decision(change.id, by="cy", reason="ok")
    claims_bo = dataclasses.replace(by_cy, statement={**by_cy.statement, "approver": "bo"})
    with pytest.raises(GateRefused, match="does not verify"):
        gates.record(change.id, claims_bo)

    by_bo = gates.sign_decision(change.id, by="bo", reason="ok for staging")
    altered = dataclasses.replace(by_bo, statement={**by_bo.statement, "reason": "other"})
    with pytest.raises(GateRefused, match="does not verify"):
        gates.record(change.id, altered)
    assert gates.status(change.id).approvals == {}


def test_replayed_approval_is_refused(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """A signed approval works once, for its change set and environment only."""
    first = gates.propose(edited(longer_hold), app_dir, by="ana")
    second = gates.propose(edited(raise_staff_cap), app_dir, by="ana")
    approval = gates.approve(first.id, by="bo", reason="ok")

    with pytest.raises(GateRefused, match="signed for another change set"):
        gates.record(second.id, approval)
    with pytest.raises(GateRefused, match="already used"):
        gates.record(first.id, dataclasses.replace(approval))

    # Re-pointing it at prod breaks the signature.
    to_prod = {**approval.statement, "environment": "prod"}
    with pytest.raises(GateRefused, match="does not verify"):
        gates.record(first.id, dataclasses.replace(approval, statement=to_prod))
    assert gates.status(second.id).approvals == {}
    assert gates.status(first.id).approvals == {STAGING: ["bo"]}


def test_promotion_cannot_skip_staging(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """Even with two prod approvals, prod needs the change set in staging first."""
    change = gates.propose(edited(longer_hold), app_dir, by="ana")
    gates.approve(change.id, by="bo", reason="ok", environment=PROD)
    gates.approve(change.id, by="cy", reason="ok", environment=PROD)
    with pytest.raises(GateRefused, match="cannot go to prod before staging"):
        gates.promote(change.id, PROD)
    assert not manifest_path(app_dir, PROD).exists()


def test_edited_log_row_is_detected_and_blocks_promotion(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Editing an approval row behind the triggers' back breaks the chain and the signature."""
    change = gates.propose(edited(longer_hold), app_dir, by="ana")
    gates.approve(change.id, by="bo", reason="ok")
    raw = sqlite3.connect(gates.log.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE gate_log SET actor = 'cy' WHERE kind = 'approved'")
    raw.execute("DROP TRIGGER gate_log_no_update")
    raw.execute("UPDATE gate_log SET actor = 'cy' WHERE kind = 'approved'")
    raw.commit()
    raw.close()

    outcome = gates.verify()
    assert not outcome.ok
    assert any("row 6 was edited" in problem for problem in outcome.problems)
    assert any("signature of cy does not verify" in problem for problem in outcome.problems)
    with pytest.raises(GateLogTampered, match="does not verify"):
        gates.promote(change.id, STAGING)


def test_rejected_change_goes_nowhere(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """A signed rejection stops the change set for good."""
    change = gates.propose(edited(longer_hold), app_dir, by="ana")
    gates.reject(change.id, by="bo", reason="not now")
    with pytest.raises(GateRefused, match="rejected by bo"):
        gates.approve(change.id, by="cy", reason="ok")
    with pytest.raises(GateRefused, match="rejected by bo"):
        gates.promote(change.id, STAGING)
    assert gates.status(change.id).state == "rejected"
    assert gates.verify().ok


def test_literal_secret_in_proposed_manifest_is_refused(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Secrets are vault references only; validation refuses a literal before anything."""

    def paste_key(data: dict[str, Any]) -> None:
        data["payments"]["credentials_ref"] = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr"

    with pytest.raises(ManifestInvalid, match="credentials_ref"):
        gates.propose(edited(paste_key), app_dir, by="ana")
    assert gates.list_changes() == []


def test_unchanged_manifest_and_unknown_ids_are_refused(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Clear refusals for an empty change and a wrong id."""
    with pytest.raises(GateRefused, match=r"nothing to change: dev in .* runs this manifest"):
        gates.propose(edited(lambda data: None), app_dir, by="ana")
    with pytest.raises(ChangeSetNotFound, match="cs-9"):
        gates.promote("cs-9", STAGING)


def test_manifest_diff_matches_list_items_by_id(app_dir: Path, edited: Edit) -> None:
    """Adding an offering is one change at offerings[id], not a shifted list."""
    from generator.manifest.io import validate_data

    def add_pilates(data: dict[str, Any]) -> None:
        data["offerings"].insert(0, {**data["offerings"][0], "id": "pilates", "name": "Pilates"})

    old = load_manifest(app_dir / "manifest.yaml")
    new = validate_data(edited(add_pilates))
    assert [c.path for c in manifest_diff(old, new)] == ["offerings[pilates]"]


def test_stale_change_set_cannot_overwrite_a_newer_one(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Promotion only applies a change set on top of the manifest it was diffed against."""
    hold = gates.propose(edited(longer_hold), app_dir, by="ana")
    cap = gates.propose(edited(raise_staff_cap), app_dir, by="ana")
    # cap is diffed against what dev runs (hold 15), so its diff shows it puts the hold back.
    assert {c.path for c in cap.changes} == {
        "booking.hold_minutes",
        "roles[staff].refund_cap.amount_minor",
    }
    gates.approve(cap.id, by="bo", reason="ok")
    gates.approve(hold.id, by="bo", reason="ok")
    with pytest.raises(GateRefused, match="cs-2 is stale"):
        gates.promote(cap.id, STAGING)
    gates.promote(hold.id, STAGING)
    gates.promote(cap.id, STAGING)
    staging = deployed_manifest(app_dir, STAGING)
    assert staging is not None and staging.booking.hold_minutes == 10
    assert [(c.old, c.new) for c in cap.changes if c.path == "booking.hold_minutes"] == [(15, 10)]


def test_the_log_itself_refuses_a_nonce_twice(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """Even past the service's checks (two writers at once), a nonce is stored only once."""
    from generator.gates.log import NonceReused

    gates.log.append("approved", actor="bo", payload={}, nonce="n-1")
    with pytest.raises(NonceReused):
        gates.log.append("approved", actor="cy", payload={}, nonce="n-1")
    assert [entry["actor"] for entry in gates.history()][-1] == "bo"


def test_rows_cut_from_the_end_are_detected(gates: Gates, app_dir: Path, edited: Edit) -> None:
    """Deleting the newest rows (an approval's rejection, say) is caught by the chain head."""
    change = gates.propose(edited(longer_hold), app_dir, by="ana")
    gates.reject(change.id, by="bo", reason="no")
    raw = sqlite3.connect(gates.log.path)
    raw.execute("DROP TRIGGER gate_log_no_delete")
    raw.execute("DELETE FROM gate_log WHERE kind = 'rejected'")
    raw.commit()
    raw.close()
    problems = gates.verify().problems
    assert any("rows deleted from the end" in problem for problem in problems)
    with pytest.raises(GateLogTampered):
        gates.approve(change.id, by="cy", reason="sneak it in")


def test_environment_config_refuses_a_literal_password(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Secrets in environments.yaml are vault references; a password in a URL is refused."""
    from generator.errors import UserError
    from generator.gates.environments import load_config

    config = load_config(app_dir, "fitness_chain")
    assert config.prod.secrets_ref == "vault:fitness_chain/prod"
    path = app_dir / "environments.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("postgresql://", "postgresql://app:hunter2@"), encoding="utf-8")
    with pytest.raises(UserError, match=r"prod\.database_url carries a password"):
        gates.propose(edited(longer_hold), app_dir, by="ana")


def test_each_environment_gets_its_rendered_app_and_settings(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Dev is rendered on proposal, staging only once promoted; deploy.env names the env."""
    from generator.gates.environments import DEPLOY_ENV, app_path

    change = gates.propose(edited(raise_staff_cap), app_dir, by="ana")
    dev_app = app_path(app_dir, Environment.DEV)
    staging_app = app_path(app_dir, STAGING)

    assert (dev_app / "app" / "generated" / "permissions.py").is_file()
    assert "8000" in (dev_app / "app" / "generated" / "permissions.py").read_text()
    assert not staging_app.exists()
    dev_env = (dev_app / DEPLOY_ENV).read_text(encoding="utf-8").splitlines()
    assert "APP_ENV=dev" in dev_env and "DATABASE_URL=sqlite:///./dev.db" in dev_env

    gates.approve(change.id, by="bo", reason="ok")
    gates.promote(change.id, STAGING)

    assert "APP_ENV=staging" in (staging_app / DEPLOY_ENV).read_text(encoding="utf-8")
    assert "APP_SECRETS_REF=vault:fitness_chain/staging" in (staging_app / DEPLOY_ENV).read_text()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"stripe_api_key": "x"}, "looks like a secret"),
        ({"banner": "hi\nAPP_ENV=dev"}, "string_pattern_mismatch|should match pattern"),
        ({"Bad-Name": 1}, "should match pattern"),
    ],
)
def test_environment_settings_refuse_secrets_and_line_breaks(
    gates: Gates, app_dir: Path, edited: Edit, settings: dict[str, Any], message: str
) -> None:
    """Settings become lines of deploy.env: no secret-like names, no injected lines."""
    import yaml

    from generator.errors import UserError
    from generator.gates.environments import load_config

    load_config(app_dir, "fitness_chain")
    path = app_dir / "environments.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["staging"]["settings"] = settings
    path.write_text(yaml.safe_dump(data), encoding="utf-8")

    with pytest.raises(UserError, match=message):
        gates.propose(edited(longer_hold), app_dir, by="ana")
    assert deployed_manifest(app_dir, Environment.DEV) is None


def test_a_template_upgrade_is_a_high_risk_change_set_with_the_code_diff(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """Generated files that differ from today's templates make an upgrade change set."""
    from generator.gates.environments import app_path

    gates.propose(edited(longer_hold), app_dir, by="ana")
    health = (
        app_path(app_dir, Environment.DEV) / "app" / "generated" / "api" / "routes" / "health.py"
    )
    # As if dev had been rendered by an older Bookwright whose health route said "up".
    health.write_text(health.read_text().replace('{"status": "ok"}', '{"status": "up"}'))

    upgrade = gates.propose(None, app_dir, by="ana")

    assert [change.path for change in upgrade.changes] == ["templates"]
    assert upgrade.risk is Risk.HIGH
    assert '-    return {"status": "up"}' in upgrade.file_diff
    assert '+    return {"status": "ok"}' in upgrade.file_diff
    assert '"status": "ok"' in health.read_text()  # dev runs the new code
    with pytest.raises(GateRefused, match="nothing to change"):
        gates.propose(None, app_dir, by="ana")


def test_a_manifest_change_over_old_templates_also_shows_the_upgrade(
    gates: Gates, app_dir: Path, edited: Edit
) -> None:
    """A change set never ships unseen template changes along with a manifest edit."""
    from generator.render import render_app

    render_app(load_manifest(app_dir / "manifest.yaml"), app_dir)
    clock = app_dir / "app" / "generated" / "clock.py"
    clock.write_text(clock.read_text() + "# an older template\n")

    change = gates.propose(edited(longer_hold), app_dir, by="ana")

    assert [c.path for c in change.changes] == ["booking.hold_minutes", "templates"]
    assert "-# an older template" in change.file_diff
