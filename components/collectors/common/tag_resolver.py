"""Resolve a resource's tags to its owner: `marqo_customer`, `marqo_cluster`, `marqo_role`,
`marqo_environment`, and the rule that decided.

Rules (docs/collectors.md, "Tag resolution"):
- Each owner field has an ordered list of tag-key aliases; the first alias present on the
  resource with a non-blank value wins.
- Keys match after normalisation: Unicode NFKC, surrounding whitespace stripped, inner runs of
  whitespace collapsed, case-folded. An exact (un-normalised) key match beats a normalised one,
  so `Customer` wins over ` customer ` when both are present.
- Values are normalised the same way (NFKC, trimmed, collapsed, lower-cased): `ACME `, `acme`
  and `Acme` are one customer.
- `rule` is `tag:<key as written on the resource>` of the tag that decided the customer, or
  `unattributed` when no customer tag is present (cluster / role / environment may still be set
  from their own tags; inheritance through relationships happens downstream).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

OWNER_FIELDS: tuple[str, ...] = ("customer", "cluster", "role", "environment")

DEFAULT_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "customer": ("marqo_customer", "Customer", "customer", "customer-id", "customer_id"),
        "cluster": ("marqo_cluster", "Cluster", "cluster", "cluster-name"),
        "role": ("marqo_role", "Role", "role"),
        "environment": ("marqo_environment", "Environment", "env", "Env"),
    }
)

UNATTRIBUTED_RULE = "unattributed"
CACHE_SIZE = 65536


class Owner(BaseModel):
    """The owner a resource's tags resolve to; empty strings where nothing matched."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    marqo_customer: str = ""
    marqo_cluster: str = ""
    marqo_role: str = ""
    marqo_environment: str = ""
    rule: str = UNATTRIBUTED_RULE

    @property
    def is_attributed(self) -> bool:
        return bool(self.marqo_customer)


UNATTRIBUTED = Owner()


@lru_cache(maxsize=4096)
def normalise_key(key: str) -> str:
    """Tag key for comparison: NFKC, trimmed, inner whitespace collapsed, casefolded."""
    return " ".join(unicodedata.normalize("NFKC", key).split()).casefold()


def normalise_value(value: str) -> str:
    """Owner value as stored: NFKC, trimmed, inner whitespace collapsed, lower-cased."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).lower()


class TagResolver:
    """Resolves tags to an `Owner` through per-field alias lists (see module docstring).

    `aliases` maps an owner field (`customer`, `cluster`, `role`, `environment`; the
    `marqo_` prefix is accepted too) to its tag keys in priority order. Fields not given keep
    `DEFAULT_ALIASES`; a given field replaces its default list.
    """

    def __init__(self, aliases: Mapping[str, Sequence[str]] | None = None) -> None:
        merged: dict[str, tuple[str, ...]] = dict(DEFAULT_ALIASES)
        for field, keys in (aliases or {}).items():
            name = field.removeprefix("marqo_")
            if name not in OWNER_FIELDS:
                raise ValueError(
                    f"unknown owner field {field!r} in tag aliases (known: {OWNER_FIELDS})"
                )
            if isinstance(keys, str) or not all(isinstance(k, str) and k.strip() for k in keys):
                raise ValueError(f"aliases for {field!r} must be a list of non-empty tag keys")
            merged[name] = tuple(keys)
        self.aliases: Mapping[str, tuple[str, ...]] = MappingProxyType(merged)
        self._normalised = {f: tuple(normalise_key(k) for k in ks) for f, ks in merged.items()}
        self._alias_keys = frozenset(k for ks in self._normalised.values() for k in ks)
        # Fleets repeat a few owner tag sets across thousands of resources: remember the
        # answers, keyed by the owner-relevant tags only (a `Name` tag is unique per resource),
        # and whether each raw key seen is an alias at all (a dict lookup per tag per event).
        self._cache: dict[tuple[tuple[str, str], ...], Owner] = {}
        self._is_alias: dict[str, bool] = {}

    def resolve(self, tags: Mapping[str, str]) -> Owner:
        if not tags:
            return UNATTRIBUTED
        is_alias = self._is_alias
        try:
            relevant = {k: v for k, v in tags.items() if is_alias[k]}
        except KeyError:
            if len(is_alias) >= CACHE_SIZE:
                is_alias.clear()
            for raw_key in tags:
                is_alias[raw_key] = normalise_key(raw_key) in self._alias_keys
            relevant = {k: v for k, v in tags.items() if is_alias[k]}
        if not relevant:
            return UNATTRIBUTED
        # In the tags' order: the same tags in another order only cost one more resolution.
        key = tuple(relevant.items())
        owner = self._cache.get(key)
        if owner is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            owner = self._cache[key] = self._resolve(relevant)
        return owner

    def _resolve(self, tags: Mapping[str, str]) -> Owner:
        by_normal: dict[str, list[str]] = {}
        # Sorted so that when two raw keys normalise alike (`Env`, `env `) the choice is stable.
        for raw in sorted(tags):
            by_normal.setdefault(normalise_key(raw), []).append(raw)
        values: dict[str, str] = {}
        customer_rule = UNATTRIBUTED_RULE
        for field in OWNER_FIELDS:
            found = self._lookup(field, tags, by_normal)
            if found is None:
                continue
            raw_key, value = found
            values[f"marqo_{field}"] = value
            if field == "customer":
                customer_rule = f"tag:{raw_key}"
        return Owner(**values, rule=customer_rule)

    def _lookup(
        self, field: str, tags: Mapping[str, str], by_normal: Mapping[str, list[str]]
    ) -> tuple[str, str] | None:
        for alias, normal in zip(self.aliases[field], self._normalised[field], strict=True):
            for raw_key in (alias, *by_normal.get(normal, ())):
                if raw_key not in tags:
                    continue
                value = normalise_value(tags[raw_key])
                if value:
                    return raw_key, value
        return None
