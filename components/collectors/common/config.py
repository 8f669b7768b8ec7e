"""Collector settings from environment variables (Lambda configuration, shell exports).

`load_config()` validates every variable and raises one `ConfigError` that lists every bad or
missing value, so a misconfigured deployment is fixed in one go. docs/collectors.md lists the
variables.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from collectors.common.arn import KNOWN_REGIONS
from collectors.common.tag_resolver import OWNER_FIELDS, TagResolver

DEFAULT_READ_ROLE = "PoloReadRole"
DEFAULT_RETRY_MODE = "standard"
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_OBSERVATION_BUCKET_SECONDS = 3600
DEFAULT_CONCURRENCY = 4

_ACCOUNT_RE = re.compile(r"^\d{12}$")
# IAM role names: 1-64 of [\w+=,.@-].
_ROLE_RE = re.compile(r"^[\w+=,.@-]{1,64}$")
# STS external ids: 2-1224 of [\w+=,.@:/-].
_EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


class ConfigError(ValueError):
    """Configuration is invalid; `problems` holds one line per bad or missing variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "invalid collector configuration:\n" + "\n".join(f"  - {p}" for p in problems)
        )


class CollectorConfig(BaseModel):
    """Validated collector settings (see `load_config`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_accounts: tuple[str, ...]
    regions: tuple[str, ...]
    read_role_name: str = DEFAULT_READ_ROLE
    external_id: str | None = None
    clickhouse_url: str | None = None
    clickhouse_database: str | None = None
    tag_aliases: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    retry_mode: Literal["standard", "adaptive", "legacy"] = DEFAULT_RETRY_MODE
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    observation_bucket_seconds: int = DEFAULT_OBSERVATION_BUCKET_SECONDS
    concurrency: int = DEFAULT_CONCURRENCY

    def tag_resolver(self) -> TagResolver:
        return TagResolver(self.tag_aliases)


def _split_list(raw: str) -> list[str]:
    return [item for item in re.split(r"[\s,]+", raw.strip()) if item]


def _int_in_range(
    env: Mapping[str, str], name: str, default: int, low: int, high: int, problems: list[str]
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name}={raw!r} is not an integer")
        return default
    if not low <= value <= high:
        problems.append(f"{name}={value} must be between {low} and {high}")
    return value


def load_config(env: Mapping[str, str] | None = None) -> CollectorConfig:
    """Read and validate the collector settings from `env` (default: `os.environ`).

    Variables: `POLO_TARGET_ACCOUNTS` (required), `POLO_REGIONS` (default: `AWS_REGION` /
    `AWS_DEFAULT_REGION`), `POLO_READ_ROLE_NAME`, `POLO_EXTERNAL_ID`, `POLO_CLICKHOUSE_URL`,
    `POLO_CLICKHOUSE_DATABASE`, `POLO_TAG_ALIASES`, `POLO_AWS_RETRY_MODE`,
    `POLO_AWS_MAX_ATTEMPTS`, `POLO_OBSERVATION_BUCKET_SECONDS`, `POLO_COLLECTOR_CONCURRENCY`.
    """
    env = os.environ if env is None else env
    problems: list[str] = []

    accounts = _split_list(env.get("POLO_TARGET_ACCOUNTS", ""))
    if not accounts:
        problems.append("POLO_TARGET_ACCOUNTS is missing: list the 12-digit account ids to collect")
    bad_accounts = [a for a in accounts if not _ACCOUNT_RE.match(a)]
    if bad_accounts:
        problems.append(f"POLO_TARGET_ACCOUNTS has ids that are not 12 digits: {bad_accounts}")

    regions_raw = env.get("POLO_REGIONS") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    regions = _split_list(regions_raw or "")
    if not regions:
        problems.append(
            "POLO_REGIONS is missing (and neither AWS_REGION nor AWS_DEFAULT_REGION is set)"
        )
    bad_regions = [r for r in regions if r not in KNOWN_REGIONS]
    if bad_regions:
        problems.append(f"POLO_REGIONS has unknown regions: {bad_regions}")

    role = env.get("POLO_READ_ROLE_NAME", "").strip() or DEFAULT_READ_ROLE
    if not _ROLE_RE.match(role):
        problems.append(f"POLO_READ_ROLE_NAME={role!r} is not a valid IAM role name")

    external_id = env.get("POLO_EXTERNAL_ID", "").strip() or None
    if external_id is not None and not _EXTERNAL_ID_RE.match(external_id):
        problems.append("POLO_EXTERNAL_ID must be 2-1224 characters of [A-Za-z0-9+=,.@:/_-]")

    url = env.get("POLO_CLICKHOUSE_URL", "").strip() or None
    if url is not None and not re.match(r"^(chdb|https?)://", url):
        problems.append(f"POLO_CLICKHOUSE_URL={url!r} must start with chdb://, http:// or https://")
    database = env.get("POLO_CLICKHOUSE_DATABASE", "").strip() or None
    if database is not None and not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", database):
        problems.append(f"POLO_CLICKHOUSE_DATABASE={database!r} is not a plain identifier")

    aliases = _parse_aliases(env.get("POLO_TAG_ALIASES", ""), problems)

    retry_mode = env.get("POLO_AWS_RETRY_MODE", "").strip() or DEFAULT_RETRY_MODE
    if retry_mode not in ("standard", "adaptive", "legacy"):
        problems.append(f"POLO_AWS_RETRY_MODE={retry_mode!r} must be standard, adaptive or legacy")
    max_attempts = _int_in_range(
        env, "POLO_AWS_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, 1, 20, problems
    )
    bucket = _int_in_range(
        env,
        "POLO_OBSERVATION_BUCKET_SECONDS",
        DEFAULT_OBSERVATION_BUCKET_SECONDS,
        1,
        86400,
        problems,
    )
    concurrency = _int_in_range(
        env, "POLO_COLLECTOR_CONCURRENCY", DEFAULT_CONCURRENCY, 1, 32, problems
    )

    if problems:
        raise ConfigError(problems)
    return CollectorConfig(
        target_accounts=tuple(dict.fromkeys(accounts)),
        regions=tuple(dict.fromkeys(regions)),
        read_role_name=role,
        external_id=external_id,
        clickhouse_url=url,
        clickhouse_database=database,
        tag_aliases=aliases,
        retry_mode=retry_mode,  # type: ignore[arg-type]  # validated above
        max_attempts=max_attempts,
        observation_bucket_seconds=bucket,
        concurrency=concurrency,
    )


def _parse_aliases(raw: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        problems.append(f"POLO_TAG_ALIASES is not valid JSON: {exc}")
        return {}
    if not isinstance(data, dict):
        problems.append('POLO_TAG_ALIASES must be a JSON object like {"customer": ["Customer"]}')
        return {}
    aliases: dict[str, tuple[str, ...]] = {}
    for field, keys in data.items():
        name = str(field).removeprefix("marqo_")
        if name not in OWNER_FIELDS:
            problems.append(
                f"POLO_TAG_ALIASES: unknown owner field {field!r} (known: {list(OWNER_FIELDS)})"
            )
            continue
        if (
            not isinstance(keys, list)
            or not keys
            or not all(isinstance(k, str) and k.strip() for k in keys)
        ):
            problems.append(f"POLO_TAG_ALIASES: {field!r} must map to a non-empty list of tag keys")
            continue
        aliases[name] = tuple(keys)
    return aliases
