"""Approval gates: propose, approve, reject and promote change sets, all through the log.

The rules are enforced here, not by whoever calls: dev takes a change set freely (it is applied
there when proposed); staging needs one approval for staging; prod needs the change set to be
in staging first and one approval for prod, or two from different platform admins when the
change set is high risk. Nobody approves their own change set. Every approval is an Ed25519
signature over the change-set hash, the target environment and a fresh nonce, checked when it
is recorded and again (with the whole chain) before every promotion and by ``verify``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import structlog

from generator.errors import ChangeSetNotFound, GateLogTampered, GateRefused
from generator.gates.changeset import ChangeSet, build_change_set
from generator.gates.environments import (
    Environment,
    apply_manifest,
    current_manifest,
    deployed_files,
    load_config,
)
from generator.gates.keyring import check_admin_id, create_key, load_key, sign, signature_valid
from generator.gates.log import EntryKind, GateLog, NonceReused
from generator.gates.risk import Risk
from generator.guard.quarantine import QuarantineEntry, QuarantineStore
from generator.guard.storage import Clock, bookwright_home, utc_now
from generator.manifest.io import load_manifest, validate_data
from generator.render.render import manifest_sha256

Decision = Literal["approve", "reject"]
STATEMENT_VERSION = 1
log = structlog.get_logger("bookwright.gates")


@dataclass(frozen=True)
class SignedDecision:
    """An approval or rejection as it travels: the signed statement and its signature."""

    statement: dict[str, Any]
    signature: str

    @property
    def approver(self) -> str:
        """Who signed."""
        return str(self.statement.get("approver", ""))


@dataclass(frozen=True)
class Verification:
    """The outcome of ``verify``: chain rows and signatures checked, and what is wrong."""

    rows: int
    signatures: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the chain and every signature check out."""
        return not self.problems


@dataclass(frozen=True)
class ChangeStatus:
    """Where a change set stands."""

    change_set: ChangeSet
    environments: list[Environment]
    approvals: dict[Environment, list[str]]
    rejected_by: str | None

    @property
    def state(self) -> str:
        """``rejected`` or the furthest environment reached."""
        if self.rejected_by:
            return "rejected"
        return self.environments[-1].value if self.environments else "proposed"


def required_approvals(risk: Risk, environment: Environment) -> int:
    """Distinct approvers (none of them the requester) an environment needs."""
    if environment is Environment.DEV:
        return 0
    if environment is Environment.PROD and risk is Risk.HIGH:
        return 2
    return 1


class Gates:
    """The gate service over one log file and one keyring."""

    def __init__(
        self, store: Path | None = None, *, home: Path | None = None, clock: Clock = utc_now
    ) -> None:
        """Open the log (default ``BOOKWRIGHT_HOME/gates.db``) and the keyring under ``home``."""
        self.home = home or bookwright_home()
        self.log = GateLog(store or self.home / "gates.db", clock=clock)

    def close(self) -> None:
        """Close the log."""
        self.log.close()

    # -- admins -------------------------------------------------------------------------

    def add_admin(self, admin_id: str, *, sponsor: str | None = None) -> str:
        """Create a platform admin's key pair and register the public key; return it (hex).

        The first admin bootstraps the log. Every later one needs a sponsor, an existing
        platform admin who signs the addition, so nobody can make themselves an approver.
        """
        check_admin_id(admin_id)
        self._require_intact()
        admins = self.admins()
        if admin_id in admins:
            raise GateRefused(f"{admin_id} is already a platform admin")
        sponsor_key = self._sponsor_key(admins, sponsor)

        public = create_key(admin_id, self.home)
        payload: dict[str, Any] = {"public_key": public}
        if sponsor is not None and sponsor_key is not None:
            statement = {
                "v": STATEMENT_VERSION,
                "action": "admin_add",
                "admin": admin_id,
                "public_key": public,
                "sponsor": sponsor,
                "nonce": secrets.token_hex(16),
            }
            payload |= {"statement": statement, "signature": sign(sponsor_key, statement)}
        self.log.append("admin_added", actor=admin_id, payload=payload)
        log.info("gates.admin_added", admin=admin_id, sponsor=sponsor)
        return public

    def _sponsor_key(self, admins: dict[str, str], sponsor: str | None) -> Any:
        if not admins:
            if sponsor is not None:
                raise GateRefused(f"there are no platform admins yet, so {sponsor} cannot sponsor")
            return None
        if sponsor is None:
            raise GateRefused(
                "platform admins exist already: a new one needs --sponsor, an existing platform "
                "admin who signs the addition"
            )
        if sponsor not in admins:
            raise GateRefused(f"sponsor {sponsor!r} is not a platform admin")
        return load_key(sponsor, self.home)

    def admins(self) -> dict[str, str]:
        """Registered platform admins: id -> public key (hex)."""
        return {
            entry["actor"]: entry["payload"]["public_key"]
            for entry in self.log.entries()
            if entry["kind"] == "admin_added"
        }

    # -- change sets --------------------------------------------------------------------

    def propose(
        self, new_manifest: Path | dict[str, Any] | None, app_dir: Path, by: str
    ) -> ChangeSet:
        """Record a change set from what dev runs to ``new_manifest``; apply it to dev.

        Dev runs the app's ``manifest.yaml`` (rendered in the app folder) until the first
        change set. The new manifest passes full validation first, which refuses literal
        secrets. With ``None`` the manifest stays and the change set is a template upgrade:
        what today's templates render, against the files dev has.
        """
        old = current_manifest(app_dir, Environment.DEV)
        if new_manifest is None:
            new = old
        elif isinstance(new_manifest, Path):
            new = load_manifest(new_manifest)
        else:
            new = validate_data(new_manifest, source="proposed manifest")
        if not by.strip():
            raise GateRefused("--by must name who asked for the change")

        count = sum(1 for entry in self.log.entries() if entry["kind"] == "proposed")
        change = build_change_set(
            change_id=f"cs-{count + 1}",
            old=old,
            new=new,
            requested_by=by,
            app=str(app_dir.resolve()),
            at=self.log.clock().isoformat(),
            deployed=deployed_files(app_dir, Environment.DEV),
        )
        if not change.changes:
            raise GateRefused(
                f"nothing to change: dev in {app_dir} runs this manifest, rendered from the "
                "current templates"
            )
        load_config(app_dir, new.tenant.id)
        self.log.append("proposed", change_id=change.id, actor=by, payload=change.to_json())
        log.info("gates.proposed", change=change.id, risk=change.risk.value, by=by)
        self._apply(change, Environment.DEV, actor=by)
        return change

    def change_set(self, change_id: str) -> ChangeSet:
        """A recorded change set."""
        for entry in self.log.entries(change_id=change_id):
            if entry["kind"] == "proposed":
                return ChangeSet.from_json(entry["payload"])
        raise ChangeSetNotFound(
            f"no change set {change_id!r}; `bookwright changes list` shows them"
        )

    def status(self, change_id: str) -> ChangeStatus:
        """A change set with the environments it reached, its approvals and any rejection."""
        change = self.change_set(change_id)
        reached: list[Environment] = []
        approvals: dict[Environment, list[str]] = {}
        rejected_by = None
        for entry in self.log.entries(change_id=change_id):
            if entry["kind"] in ("applied", "promoted"):
                reached.append(Environment(entry["environment"]))
            elif entry["kind"] == "approved":
                approvals.setdefault(Environment(entry["environment"]), []).append(entry["actor"])
            elif entry["kind"] == "rejected":
                rejected_by = entry["actor"]
        return ChangeStatus(change, reached, approvals, rejected_by)

    def list_changes(self) -> list[ChangeStatus]:
        """Every change set, oldest first."""
        ids = [e["change_id"] for e in self.log.entries() if e["kind"] == "proposed"]
        return [self.status(change_id) for change_id in ids]

    def history(self, change_id: str | None = None) -> list[dict[str, Any]]:
        """The log entries (of one change set, or all)."""
        return self.log.entries(change_id=change_id)

    # -- decisions ----------------------------------------------------------------------

    def statement(
        self, change_id: str, environment: Environment, decision: Decision, by: str, reason: str
    ) -> dict[str, Any]:
        """The statement an approver signs, with a fresh nonce."""
        return {
            "v": STATEMENT_VERSION,
            "decision": decision,
            "change_id": change_id,
            "change_set": self.change_set(change_id).sha256,
            "environment": environment.value,
            "approver": by,
            "reason": reason,
            "nonce": secrets.token_hex(16),
        }

    def sign_decision(
        self,
        change_id: str,
        *,
        by: str,
        reason: str,
        decision: Decision = "approve",
        environment: Environment | None = None,
    ) -> SignedDecision:
        """Sign a decision with the approver's key from the keyring (nothing is recorded)."""
        if by not in self.admins():
            raise GateRefused(
                f"{by!r} is not a platform admin; only platform admins approve "
                "(an existing one adds you: `bookwright changes admin-add ID --sponsor ADMIN`)"
            )
        target = environment or self._next_environment(change_id)
        statement = self.statement(change_id, target, decision, by, reason)
        return SignedDecision(statement, sign(load_key(by, self.home), statement))

    def approve(
        self, change_id: str, *, by: str, reason: str, environment: Environment | None = None
    ) -> SignedDecision:
        """Sign and record an approval for ``environment`` (default: the next one)."""
        signed = self.sign_decision(
            change_id, by=by, reason=reason, decision="approve", environment=environment
        )
        self.record(change_id, signed)
        return signed

    def reject(self, change_id: str, *, by: str, reason: str) -> SignedDecision:
        """Sign and record a rejection; the change set can then go nowhere."""
        signed = self.sign_decision(change_id, by=by, reason=reason, decision="reject")
        self.record(change_id, signed)
        return signed

    def record(self, change_id: str, signed: SignedDecision) -> None:
        """Check a signed decision against this change set and record it, or refuse it."""
        self._require_intact()
        status = self.status(change_id)
        change = status.change_set
        statement = signed.statement
        environment = self._environment_of(statement)
        self._check_decision_target(status, statement, environment)
        self._check_signer(change, signed)

        if statement["nonce"] in self._nonces():
            raise _replayed(statement)
        if statement["decision"] == "approve" and signed.approver in status.approvals.get(
            environment, []
        ):
            raise GateRefused(
                f"{signed.approver} already approved {change_id} for {environment}; "
                "a second approval must come from a different platform admin"
            )
        kind: EntryKind = "approved" if statement["decision"] == "approve" else "rejected"
        try:
            self.log.append(
                kind,
                change_id=change_id,
                environment=environment.value,
                actor=signed.approver,
                payload={"statement": statement, "signature": signed.signature},
                nonce=str(statement["nonce"]),
            )
        except NonceReused:
            raise _replayed(statement) from None
        log.info(f"gates.{kind}", change=change_id, environment=environment, by=signed.approver)

    def _check_decision_target(
        self, status: ChangeStatus, statement: dict[str, Any], environment: Environment
    ) -> None:
        change = status.change_set
        if status.rejected_by:
            raise GateRefused(f"{change.id} was rejected by {status.rejected_by}; propose anew")
        if statement.get("change_id") != change.id or statement.get("change_set") != change.sha256:
            raise GateRefused(
                f"this approval was signed for another change set, not {change.id} "
                f"(sha256 {change.sha256[:12]}); a replayed approval is refused"
            )
        if environment is Environment.DEV:
            raise GateRefused("dev needs no approval; the change set is applied there already")
        if environment in status.environments:
            raise GateRefused(f"{change.id} is already in {environment}")
        if statement.get("decision") not in ("approve", "reject"):
            raise GateRefused(f"unknown decision {statement.get('decision')!r}")

    def _check_signer(self, change: ChangeSet, signed: SignedDecision) -> None:
        approver = signed.approver
        key = self.admins().get(approver)
        if key is None:
            raise GateRefused(
                f"{approver!r} is not a platform admin; only platform admins approve "
                f"(an existing one adds you: `bookwright changes admin-add ID --sponsor ADMIN`)"
            )
        if approver == change.requested_by:
            raise GateRefused(
                f"{approver} asked for {change.id} and cannot approve it; "
                "another platform admin must"
            )
        if not signature_valid(key, signed.statement, signed.signature):
            log.warning("gates.bad_signature", change=change.id, approver=approver)
            raise GateRefused(
                f"the signature on {approver}'s decision does not verify with their registered "
                "key; the approval was forged or altered and is refused"
            )

    # -- quarantine ---------------------------------------------------------------------

    def decide_quarantine(
        self,
        quarantine: QuarantineStore,
        entry_id: str,
        *,
        decision: Literal["release", "reject"],
        by: str,
        reason: str,
    ) -> QuarantineEntry:
        """Release or reject a held input as a platform admin, signed into the gate log.

        Quarantine decisions let text reach a model that screening held back, so they carry
        the same identity, signature and hash-chained trail as change-set approvals.
        """
        self._require_intact()
        if by not in self.admins():
            raise GateRefused(
                f"{by!r} is not a platform admin; only platform admins decide on quarantined "
                "input (add one with `bookwright changes admin-add ID --sponsor ADMIN`)"
            )
        if not reason.strip():
            raise GateRefused("a quarantine decision needs a reason; it is signed and recorded")
        entry = quarantine.show(entry_id)
        if entry.status != "held":
            raise GateRefused(
                f"quarantine entry {entry_id} was already {entry.status} by {entry.decided_by}; "
                "decisions are final"
            )
        statement = {
            "v": STATEMENT_VERSION,
            "decision": decision,
            "quarantine_id": entry_id,
            "text_sha256": entry.text_hash,
            "tenant": entry.tenant_id,
            "approver": by,
            "reason": reason,
            "nonce": secrets.token_hex(16),
        }
        signature = sign(load_key(by, self.home), statement)
        kind: EntryKind = "quarantine_released" if decision == "release" else "quarantine_rejected"
        self.log.append(
            kind,
            change_id=entry_id,
            actor=by,
            payload={"statement": statement, "signature": signature},
            nonce=str(statement["nonce"]),
        )
        log.warning(f"gates.{kind}", quarantine_id=entry_id, by=by)
        if decision == "release":
            return quarantine.release(entry_id, admin=by, note=reason)
        return quarantine.reject(entry_id, admin=by, note=reason)

    # -- promotion ----------------------------------------------------------------------

    def promote(self, change_id: str, to: Environment) -> Path:
        """Apply a change set to ``to`` if the rules allow; return the installed manifest."""
        self._require_intact()
        status = self.status(change_id)
        change = status.change_set
        if status.rejected_by:
            raise GateRefused(f"{change_id} was rejected by {status.rejected_by}; propose anew")
        if to in status.environments:
            raise GateRefused(f"{change_id} is already in {to}")
        previous = to.previous
        if previous is not None and previous not in status.environments:
            raise GateRefused(
                f"{change_id} cannot go to {to} before {previous}; promote it to "
                f"{previous} first (promotion never skips an environment)"
            )
        running = manifest_sha256(current_manifest(Path(change.app), to))
        if running != change.old_sha256:
            raise GateRefused(
                f"{change_id} is stale: {to} no longer runs the manifest it was based on "
                f"(another change set reached {to} first); propose it again from dev"
            )
        approvers = sorted(set(status.approvals.get(to, [])) - {change.requested_by})
        needed = required_approvals(change.risk, to)
        if len(approvers) < needed:
            raise GateRefused(
                f"{change_id} ({change.risk} risk) needs {needed} approval(s) for {to} from "
                f"different platform admins other than {change.requested_by}; it has "
                f"{len(approvers)}{' (' + ', '.join(approvers) + ')' if approvers else ''}"
            )
        return self._apply(change, to, actor=",".join(approvers) or change.requested_by)

    def _apply(self, change: ChangeSet, environment: Environment, *, actor: str) -> Path:
        manifest = validate_data(_yaml(change.new_manifest), source=f"{change.id} manifest")
        path = apply_manifest(Path(change.app), environment, manifest)
        kind: EntryKind = "applied" if environment is Environment.DEV else "promoted"
        self.log.append(
            kind,
            change_id=change.id,
            environment=environment.value,
            actor=actor,
            payload={"manifest_sha256": change.new_sha256, "path": str(path)},
        )
        log.info(f"gates.{kind}", change=change.id, environment=environment)
        return path

    # -- verification -------------------------------------------------------------------

    def verify(self) -> Verification:
        """Check the chain, every decision's signature and target, and nonce uniqueness."""
        rows, problems = self.log.chain_problems()
        admins: dict[str, str] = {}
        hashes: dict[str, str] = {}
        nonces: set[str] = set()
        signatures = 0
        for entry in self.log.entries():
            payload = entry["payload"]
            if entry["kind"] == "admin_added":
                problems += _admin_problems(entry, admins, nonces)
                signatures += "signature" in payload
                admins[entry["actor"]] = payload["public_key"]
            elif entry["kind"] in ("quarantine_released", "quarantine_rejected"):
                signatures += 1
                problems += _quarantine_problems(entry, admins, nonces)
            elif entry["kind"] == "proposed":
                hashes[entry["change_id"]] = ChangeSet.from_json(payload).sha256
            elif entry["kind"] in ("approved", "rejected"):
                signatures += 1
                problems += _decision_problems(entry, admins, hashes, nonces)
        outcome = Verification(rows, signatures, problems)
        log.info("gates.verified", rows=rows, ok=outcome.ok, problems=len(problems))
        return outcome

    def _require_intact(self) -> None:
        outcome = self.verify()
        if not outcome.ok:
            raise GateLogTampered(
                f"{self.log.path} does not verify, so nothing is approved or promoted: "
                + "; ".join(outcome.problems)
            )

    def _nonces(self) -> set[str]:
        return {
            entry["payload"]["statement"]["nonce"]
            for entry in self.log.entries()
            if entry["kind"] in ("approved", "rejected")
        }

    def _next_environment(self, change_id: str) -> Environment:
        reached = self.status(change_id).environments
        order = list(Environment)
        last = max((order.index(env) for env in reached), default=-1)
        if last + 1 >= len(order):
            raise GateRefused(f"{change_id} is already in prod")
        return order[last + 1]

    @staticmethod
    def _environment_of(statement: dict[str, Any]) -> Environment:
        try:
            return Environment(str(statement.get("environment")))
        except ValueError:
            raise GateRefused(
                f"unknown environment {statement.get('environment')!r} in the statement"
            ) from None


def _decision_problems(
    entry: dict[str, Any], admins: dict[str, str], hashes: dict[str, str], nonces: set[str]
) -> list[str]:
    seq, statement = entry["seq"], entry["payload"].get("statement", {})
    problems = []
    key = admins.get(entry["actor"])
    if key is None or not signature_valid(key, statement, entry["payload"].get("signature", "")):
        problems.append(f"row {seq}: the signature of {entry['actor']} does not verify")
    if statement.get("approver") != entry["actor"]:
        problems.append(f"row {seq}: recorded actor differs from the signer")
    if statement.get("change_set") != hashes.get(entry["change_id"]):
        problems.append(f"row {seq}: signed for a different change set than {entry['change_id']}")
    if statement.get("environment") != entry["environment"]:
        problems.append(f"row {seq}: signed for a different environment")
    if statement.get("nonce") in nonces:
        problems.append(f"row {seq}: a replayed decision (nonce used before)")
    nonces.add(str(statement.get("nonce")))
    return problems


def _admin_problems(entry: dict[str, Any], admins: dict[str, str], nonces: set[str]) -> list[str]:
    """An added admin is the first one, or carries a valid signature of an earlier admin."""
    seq, payload = entry["seq"], entry["payload"]
    if not admins:
        return []
    statement = payload.get("statement", {})
    sponsor_key = admins.get(str(statement.get("sponsor")))
    problems = []
    if sponsor_key is None or not signature_valid(
        sponsor_key, statement, payload.get("signature", "")
    ):
        problems.append(f"row {seq}: admin {entry['actor']} was added without a valid sponsor")
    if statement.get("admin") != entry["actor"] or statement.get("public_key") != payload.get(
        "public_key"
    ):
        problems.append(f"row {seq}: the sponsor signed for another admin or key")
    if statement.get("nonce") in nonces:
        problems.append(f"row {seq}: a replayed admin addition (nonce used before)")
    nonces.add(str(statement.get("nonce")))
    return problems


def _quarantine_problems(
    entry: dict[str, Any], admins: dict[str, str], nonces: set[str]
) -> list[str]:
    seq, statement = entry["seq"], entry["payload"].get("statement", {})
    problems = []
    key = admins.get(entry["actor"])
    if key is None or not signature_valid(key, statement, entry["payload"].get("signature", "")):
        problems.append(f"row {seq}: the signature of {entry['actor']} does not verify")
    if statement.get("approver") != entry["actor"]:
        problems.append(f"row {seq}: recorded actor differs from the signer")
    if statement.get("quarantine_id") != entry["change_id"]:
        problems.append(f"row {seq}: signed for another quarantine entry")
    if statement.get("nonce") in nonces:
        problems.append(f"row {seq}: a replayed decision (nonce used before)")
    nonces.add(str(statement.get("nonce")))
    return problems


def _replayed(statement: dict[str, Any]) -> GateRefused:
    return GateRefused(
        f"this signed decision was already used (nonce {str(statement['nonce'])[:12]}...); "
        "a replayed approval is refused, sign a new one"
    )


def _yaml(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)
