"""The shared-cost split rules file (`polo-allocation.toml`): model, validation and loader.

A rule says: on and after `effective_from` (and before `effective_to`, when it is given), move
every cost row that matches `match` from its owner to the owners in `to`, split `even`ly,
`proportional`ly to each target's own direct cost that day, or by `fixed` percentages. Several
versions of one rule id may be listed; on a day the version with the latest `effective_from` on
or before that day is the one in effect (none when that version has ended), so changing or ending
a rule never rewrites the days before the change. docs/allocation.md describes the file.

Errors name the file, the line and the rule (`polo-allocation.toml:14: rule "shared-nat":
percentages sum to 90, must be 100`): tomllib gives values without positions, so the loader finds
the line of each `[[rule]]` table and of the key an error is about in the file's text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

DEFAULT_RULES_FILE = Path("polo-allocation.toml")


class AllocationRulesError(ValueError):
    """The rules file cannot be read or is invalid; one line per problem, each naming the file
    and the line."""


class Method(StrEnum):
    EVEN = "even"
    PROPORTIONAL = "proportional"
    FIXED = "fixed"


def _one_or_many(value: Any) -> Any:
    # `service = "NAT"` and `service = ["NAT", "VPC"]` both read as a list of accepted values.
    return [value] if isinstance(value, str) else value


Values = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_one_or_many)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Owner(_Strict):
    """An owner in the logical hierarchy: a customer, or a cluster or role of one. Empty
    cluster / role in a target mean the whole customer (or cluster)."""

    customer: str = Field(min_length=1)
    cluster: str = ""
    role: str = ""

    @model_validator(mode="after")
    def _role_needs_cluster(self) -> Owner:
        if self.role and not self.cluster:
            raise ValueError("a target with a role needs its cluster too")
        return self

    def contains(self, customer: str, cluster: str, role: str) -> bool:
        """Whether the owner (customer, cluster, role) is this owner or below it."""
        return (
            self.customer == customer
            and (not self.cluster or self.cluster == cluster)
            and (not self.role or self.role == role)
        )

    def label(self) -> str:
        return "/".join(part for part in (self.customer, self.cluster, self.role) if part)


class Target(Owner):
    percent: Decimal | None = Field(default=None, gt=0, le=100)


class Match(_Strict):
    """Which cost rows a rule moves: every criterion given must hold (values of one criterion
    are alternatives). `customer` is the row's owner before any rule, e.g. `unattributed`."""

    account: Values | None = None
    service: Values | None = None
    usage_type: Values | None = None
    resource_id: Values | None = None
    customer: Values | None = None
    tags: dict[str, str] | None = None

    @model_validator(mode="after")
    def _at_least_one_criterion(self) -> Match:
        if not any(
            (
                self.account,
                self.service,
                self.usage_type,
                self.resource_id,
                self.customer,
                self.tags,
            )
        ):
            raise ValueError(
                "match needs at least one criterion "
                "(account, service, usage_type, resource_id, customer, tags)"
            )
        return self


class AllocationRule(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    effective_from: date
    effective_to: date | None = None
    """The first day this version no longer moves cost (exclusive); none: until a later version."""
    description: str = ""
    match: Match
    method: Method
    to: list[Target] = Field(min_length=1)

    @field_validator("effective_to")
    @classmethod
    def _ends_after_it_starts(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("effective_from")
        if end is not None and start is not None and end <= start:
            # Exclusive end: a version ending on its first day would never apply to any day.
            raise ValueError(
                f"{end.isoformat()} is not after effective_from {start.isoformat()} "
                "(effective_to is the first day the rule no longer applies)"
            )
        return end

    def ended_by(self, day: date) -> bool:
        """Whether this version no longer applies on `day` (on or after its effective_to)."""
        return self.effective_to is not None and day >= self.effective_to

    @field_validator("to")
    @classmethod
    def _targets_fit_the_method(cls, targets: list[Target], info: ValidationInfo) -> list[Target]:
        labels = [t.label() for t in targets]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ValueError(f"target {duplicates[0]} is listed twice")
        method = info.data.get("method")
        if method is Method.FIXED:
            if any(t.percent is None for t in targets):
                raise ValueError("method fixed needs a percent on every target")
            total = sum((t.percent for t in targets if t.percent is not None), Decimal(0))
            if total != 100:
                raise ValueError(f"percentages sum to {total.normalize():f}, must be 100")
        elif method is not None and any(t.percent is not None for t in targets):
            raise ValueError(f"percent is only for method fixed, not {method.value}")
        return targets


class AllocationRules(_Strict):
    """Every version of every rule, in file order (the order decides which of several matching
    rules moves a row: the first)."""

    version: Literal[1]
    rule: list[AllocationRule] = []

    def in_effect(self, day: date) -> list[AllocationRule]:
        """The version of each rule in effect on `day`, in the order the ids first appear.

        A rule whose latest version started on or before `day` has ended by then is not in effect:
        the earlier versions it replaced do not come back (a new version restarts the rule).
        """
        current: dict[str, AllocationRule] = {}
        for rule in self.rule:
            if rule.effective_from <= day and (
                rule.id not in current or rule.effective_from > current[rule.id].effective_from
            ):
                current[rule.id] = rule
        order = list(dict.fromkeys(rule.id for rule in self.rule))
        return [
            current[rule_id]
            for rule_id in order
            if rule_id in current and not current[rule_id].ended_by(day)
        ]


NO_RULES = AllocationRules(version=1)


def parse_rules(text: str, source: str = str(DEFAULT_RULES_FILE)) -> AllocationRules:
    """Validate the text of a rules file; `source` names it in errors."""
    lines = _Lines(text)
    try:
        # Decimals, never floats: `percent = 33.3` must stay 33.3 exactly.
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        # tomllib's messages name a position but not the text, which is what a reader needs.
        at = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(at.group(1)) if at else 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        text_at = lines.lines[line - 1].strip() if line <= len(lines.lines) else ""
        raise AllocationRulesError(
            f"{source}:{line}: not valid TOML: {message}{': ' + text_at if text_at else ''}"
        ) from None
    raw_rules = data.get("rule") if isinstance(data.get("rule"), list) else []
    try:
        rules = AllocationRules.model_validate(data)
    except ValidationError as error:
        problems = [_describe(source, lines, raw_rules, problem) for problem in error.errors()]
        raise AllocationRulesError("\n".join(problems)) from None
    _no_duplicate_versions(source, lines, rules.rule)
    return rules


def load_rules(path: Path) -> AllocationRules:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AllocationRulesError(f"{path}: cannot read: {error.strerror}") from None
    return parse_rules(text, str(path))


def resolve_rules(path: Path | None) -> AllocationRules:
    """The rules of `path`, or of ./polo-allocation.toml when no path is given and that file
    exists; no rules otherwise (today's attribution, unchanged)."""
    if path is not None:
        return load_rules(path)
    return load_rules(DEFAULT_RULES_FILE) if DEFAULT_RULES_FILE.is_file() else NO_RULES


class _Lines:
    """Where the `[[rule]]` tables and their keys are in the file's text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.rule_starts = [
            number
            for number, line in enumerate(self.lines, start=1)
            if re.match(r"\s*\[\[\s*rule\s*\]\]", line)
        ]

    def of_rule(self, index: int) -> int:
        return self.rule_starts[index] if index < len(self.rule_starts) else 1

    def of_key(self, key: str, rule_index: int | None = None) -> int:
        first, last = 1, len(self.lines)
        if rule_index is not None:
            first = self.of_rule(rule_index)
            later = [start for start in self.rule_starts if start > first]
            last = later[0] - 1 if later else last
        pattern = re.compile(rf"\s*(match\.)?{re.escape(key)}\s*=|\s*\[\s*rule\.{re.escape(key)}")
        for number in range(first, last + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return first


def _describe(source: str, lines: _Lines, raw_rules: Sequence[Any], problem: Any) -> str:
    loc: tuple[Any, ...] = tuple(problem["loc"])
    message = _message(problem)
    if len(loc) >= 2 and loc[0] == "rule" and isinstance(loc[1], int):
        index = loc[1]
        raw = raw_rules[index] if index < len(raw_rules) else {}
        name = (
            f'rule "{raw["id"]}"' if isinstance(raw, dict) and "id" in raw else f"rule {index + 1}"
        )
        field = [str(part) for part in loc[2:] if not isinstance(part, int)]
        key = field[0] if field else None
        line = lines.of_key(key, index) if key else lines.of_rule(index)
        where = ".".join(field)
        return f"{source}:{line}: {name}: {where + ': ' if where else ''}{message}"
    key = str(loc[0]) if loc else ""
    return f"{source}:{lines.of_key(key) if key else 1}: {key + ': ' if key else ''}{message}"


def _message(problem: Any) -> str:
    kind = problem["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "enum":
        return f"unknown method {problem['input']!r}, expected even, proportional or fixed"
    if kind == "literal_error" and problem["loc"] == ("version",):
        return f"unsupported file version {problem['input']!r}, expected 1"
    message = str(problem["msg"])
    return message.removeprefix("Value error, ")


def _no_duplicate_versions(source: str, lines: _Lines, rules: Sequence[AllocationRule]) -> None:
    seen: set[tuple[str, date]] = set()
    for index, rule in enumerate(rules):
        key = (rule.id, rule.effective_from)
        if key in seen:
            raise AllocationRulesError(
                f'{source}:{lines.of_rule(index)}: rule "{rule.id}": a version effective from '
                f"{rule.effective_from.isoformat()} is already defined "
                "(one version per id and date)"
            )
        seen.add(key)
