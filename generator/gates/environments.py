"""The three environments and their small per-app config (settings, database, secrets).

Each app folder gets an ``environments.yaml`` the first time a change set is proposed for it.
Secrets are only ever vault references; the file is checked on every read so a literal
secret pasted into it is refused, like one in a manifest.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from generator.errors import UserError
from generator.manifest.io import load_manifest, write_manifest
from generator.manifest.model import Manifest
from generator.render import render_app

CONFIG_NAME = "environments.yaml"
DEPLOY_ENV = "deploy.env"
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".example", ".ini", ".cfg", ".yaml", ".json"}
_VAULT = r"^vault:[a-z0-9][a-z0-9/_.-]{0,100}$"


class Environment(StrEnum):
    """Where a change set can be applied, in the only order promotion may follow."""

    DEV = "dev"
    STAGING = "staging"
    PROD = "prod"

    @property
    def previous(self) -> Environment | None:
        """The environment a change set must already be in before it reaches this one."""
        order = list(Environment)
        index = order.index(self)
        return order[index - 1] if index else None


def _not_secret_name(name: str) -> str:
    """Settings are plain configuration; anything secret goes through ``secrets_ref``."""
    if re.search(r"secret|password|passwd|token|api_?key|private", name):
        raise ValueError(
            f"setting {name!r} looks like a secret; keep it in the vault (secrets_ref)"
        )
    return name


SettingName = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]{0,40}$"),
    AfterValidator(_not_secret_name),
]
SettingValue = bool | int | Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]{0,200}$")]


class EnvironmentConfig(BaseModel):
    """One environment's references; values are references, never secrets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str = Field(min_length=1, max_length=300)
    secrets_ref: str = Field(pattern=_VAULT)
    settings: dict[SettingName, SettingValue] = Field(default_factory=dict)


class EnvironmentsFile(BaseModel):
    """The whole ``environments.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dev: EnvironmentConfig
    staging: EnvironmentConfig
    prod: EnvironmentConfig


def default_config(tenant_id: str) -> EnvironmentsFile:
    """Local SQLite for dev and staging, a PostgreSQL URL placeholder for prod."""
    return EnvironmentsFile(
        dev=EnvironmentConfig(
            database_url="sqlite:///./dev.db",
            secrets_ref=f"vault:{tenant_id}/dev",
        ),
        staging=EnvironmentConfig(
            database_url="sqlite:///./staging.db", secrets_ref=f"vault:{tenant_id}/staging"
        ),
        prod=EnvironmentConfig(
            database_url=f"postgresql://{tenant_id}-prod/{tenant_id}",
            secrets_ref=f"vault:{tenant_id}/prod",
        ),
    )


def load_config(app_dir: Path, tenant_id: str) -> EnvironmentsFile:
    """The app's environments config, written with defaults when it does not exist yet."""
    path = app_dir / CONFIG_NAME
    if not path.exists():
        config = default_config(tenant_id)
        path.write_text(yaml.safe_dump(config.model_dump(), sort_keys=False), encoding="utf-8")
        return config
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        config = EnvironmentsFile.model_validate(data)
    except ValidationError as error:
        raise UserError(f"{path} is not valid: {error}") from None
    for name in Environment:
        url = getattr(config, name.value).database_url
        if re.search(r"://[^/@]*:[^/@]+@", url):
            raise UserError(
                f"{path}: {name}.database_url carries a password; put it in the vault and "
                "keep only the secrets_ref"
            )
    return config


def manifest_path(app_dir: Path, environment: Environment) -> Path:
    """Where the manifest running in an environment is kept."""
    return app_dir / "environments" / environment.value / "manifest.yaml"


def conversation_path(app_dir: Path, environment: Environment) -> Path:
    """Where the conversation behind an environment's manifest is kept (chat changes)."""
    return app_dir / "environments" / environment.value / "spec.md"


def deployed_manifest(app_dir: Path, environment: Environment) -> Manifest | None:
    """The manifest an environment runs, or None before its first promotion."""
    path = manifest_path(app_dir, environment)
    return load_manifest(path) if path.exists() else None


def current_manifest(app_dir: Path, environment: Environment) -> Manifest:
    """What an environment runs: its deployed manifest, or the app's own before any change."""
    return deployed_manifest(app_dir, environment) or load_manifest(app_dir / "manifest.yaml")


def app_path(app_dir: Path, environment: Environment) -> Path:
    """Where the app an environment runs is rendered."""
    return app_dir / "environments" / environment.value / "app"


def deployed_files(app_dir: Path, environment: Environment) -> dict[str, str] | None:
    """The files of the app an environment runs, by relative path (None before any render).

    Dev runs the app folder itself until its first change set.
    """
    folder = app_path(app_dir, environment)
    if not folder.is_dir():
        folder = app_dir if environment is Environment.DEV else folder
    if not (folder / "app").is_dir():
        return None
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
    }


def apply_manifest(app_dir: Path, environment: Environment, manifest: Manifest) -> Path:
    """Render the environment's app with its settings, then install its manifest.

    The app is rendered first: a render that fails leaves the environment on its old manifest.
    ``deploy.env`` carries what the app reads where it runs: ``APP_ENV`` (which also decides
    the manifest's feature flags), the database URL and the secrets reference, never a secret.
    """
    config = getattr(load_config(app_dir, manifest.tenant.id), environment.value)
    target = app_path(app_dir, environment)
    render_app(manifest, target)
    lines = [
        "# Written by `bookwright changes`; settings for this environment, no secrets.",
        f"APP_ENV={environment.value}",
        f"DATABASE_URL={config.database_url}",
        f"APP_SECRETS_REF={config.secrets_ref}",
        *(f"APP_{key.upper()}={value}" for key, value in sorted(config.settings.items())),
    ]
    (target / DEPLOY_ENV).write_text("\n".join(lines) + "\n", encoding="utf-8")

    path = manifest_path(app_dir, environment)
    write_manifest(manifest, path)
    return path
