"""Run settings of the Cost Explorer collector, read from the environment in Lambda."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

EC2_COMPUTE = "Amazon Elastic Compute Cloud - Compute"
# AWS keeps resource-level daily data for the trailing 14 days only.
AWS_RESOURCE_DAYS_LIMIT = 14

_ENV_PREFIX = "POLO_CE_"


class SettingsError(ValueError):
    """A setting read from the environment is missing or malformed."""


class CostExplorerSettings(BaseModel):
    """How far back to collect, which days are still provisional, and how much the run may spend."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backfill_days: int = Field(default=35, ge=1, le=396)
    """Days before today that a run makes sure are collected (the first run fetches all of them)."""
    provisional_days: int = Field(default=3, ge=0, le=31)
    """Trailing days that stay provisional even when AWS no longer flags them as estimated."""
    resource_days: int = Field(default=AWS_RESOURCE_DAYS_LIMIT, ge=0, le=AWS_RESOURCE_DAYS_LIMIT)
    """Trailing days fetched per resource (GetCostAndUsageWithResources); 0 disables it."""
    resource_services: tuple[str, ...] = (EC2_COMPUTE,)
    """Services whose cost is broken down per resource (resource-level data must be enabled)."""
    max_api_calls: int = Field(default=500, ge=1)
    """Hard cap on billed Cost Explorer requests per run ($0.01 each)."""
    currency: str = "USD"
    """The only currency accepted; cost_daily has no currency column, so a mix would be wrong."""
    endpoint_region: str = "us-east-1"
    """Cost Explorer is a global service served from us-east-1."""
    payer_account: str | None = Field(default=None, pattern=r"^\d{12}$")
    """The management (payer) account to read from, through the read role; None uses the
    Lambda's own credentials (it then runs in the payer account)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> CostExplorerSettings:
        """Read `POLO_CE_<FIELD>` variables; lists are comma separated."""
        values: dict[str, object] = {}
        for name in cls.model_fields:
            raw = environ.get(f"{_ENV_PREFIX}{name.upper()}")
            if raw is None:
                continue
            if name == "resource_services":
                values[name] = tuple(s.strip() for s in raw.split(",") if s.strip())
            else:
                values[name] = raw
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise SettingsError(f"invalid {_ENV_PREFIX}* setting: {exc}") from exc
