"""Platform admins' Ed25519 keys: private keys in a local keyring, signatures over approvals.

The keyring is ``BOOKWRIGHT_HOME/keys/<admin>.pem`` (mode 0600). Only public keys go into the
gate log, where ``verify`` checks every approval against them. What is signed is the canonical
JSON of the decision: change-set hash, target environment, decision, approver, reason and a
fresh nonce, so a signature cannot be moved to another change set or environment.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from generator.errors import UserError
from generator.guard.storage import bookwright_home, canonical_json

_ADMIN_ID = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")


def keys_dir(home: Path | None = None) -> Path:
    """The keyring folder."""
    return (home or bookwright_home()) / "keys"


def check_admin_id(admin_id: str) -> str:
    """Admin ids double as file names, so they are plain lowercase slugs."""
    if not _ADMIN_ID.match(admin_id):
        raise UserError(
            f"admin id {admin_id!r} is not allowed; use lowercase letters, digits, '.', '_' "
            "or '-', starting with a letter"
        )
    return admin_id


def create_key(admin_id: str, home: Path | None = None) -> str:
    """Create an admin's key pair in the keyring; return the public key as hex."""
    path = keys_dir(home) / f"{check_admin_id(admin_id)}.pem"
    if path.exists():
        raise UserError(f"{admin_id} already has a key at {path}; keys are never replaced")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return public_hex(key)


def load_key(admin_id: str, home: Path | None = None) -> Ed25519PrivateKey:
    """An admin's private key from the keyring."""
    path = keys_dir(home) / f"{check_admin_id(admin_id)}.pem"
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise UserError(
            f"no key for {admin_id!r} in {path.parent}; a platform admin is added with "
            f"`bookwright changes admin-add {admin_id}`"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"{path} is not an Ed25519 key")
    return key


def public_hex(key: Ed25519PrivateKey) -> str:
    """The raw public key as hex, as stored in the log."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def signed_message(statement: dict[str, Any]) -> bytes:
    """The exact bytes a decision's signature covers."""
    return canonical_json(statement).encode("utf-8")


def sign(key: Ed25519PrivateKey, statement: dict[str, Any]) -> str:
    """Hex signature of a decision statement."""
    return key.sign(signed_message(statement)).hex()


def signature_valid(public_key_hex: str, statement: dict[str, Any], signature_hex: str) -> bool:
    """True when the signature over the statement verifies with the public key."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        public.verify(bytes.fromhex(signature_hex), signed_message(statement))
    except (InvalidSignature, ValueError):
        return False
    return True
