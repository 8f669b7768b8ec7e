"""Amazon Resource Names: parse, format and build the ARNs of every resource type Polo collects.

ARNs are partition-aware (`aws`, `aws-cn`, `aws-us-gov`): the partition follows from the region,
so a collector never hard-codes `arn:aws:`. The list of known regions lives here too because a
region is only meaningful together with its partition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PARTITIONS: tuple[str, ...] = ("aws", "aws-cn", "aws-us-gov")

# Every region of the three public partitions as of 2025. A region missing here is rejected by
# the models on purpose (a typo must not create a phantom region); `arn_test.py` checks this
# list against botocore's endpoint data so a botocore upgrade that adds regions fails loudly.
COMMERCIAL_REGIONS: frozenset[str] = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)
CHINA_REGIONS: frozenset[str] = frozenset({"cn-north-1", "cn-northwest-1"})
GOVCLOUD_REGIONS: frozenset[str] = frozenset({"us-gov-east-1", "us-gov-west-1"})
KNOWN_REGIONS: frozenset[str] = COMMERCIAL_REGIONS | CHINA_REGIONS | GOVCLOUD_REGIONS
_PARTITION_OF: dict[str, str] = {
    **dict.fromkeys(COMMERCIAL_REGIONS, "aws"),
    **dict.fromkeys(CHINA_REGIONS, "aws-cn"),
    **dict.fromkeys(GOVCLOUD_REGIONS, "aws-us-gov"),
}


class ArnError(ValueError):
    """An ARN (or a part used to build one) is malformed; the message says which part and why."""


def partition_for_region(region: str) -> str:
    """The partition a known region belongs to (`aws`, `aws-cn` or `aws-us-gov`)."""
    try:
        return _PARTITION_OF[region]
    except KeyError:
        raise ArnError(f"unknown AWS region {region!r}") from None


@dataclass(frozen=True, slots=True)
class Arn:
    """A parsed ARN. `resource_type` is empty for ARNs whose resource part has no type prefix."""

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource_id: str
    # What separates type and id in the resource part: `/` (`instance/i-1`) or `:`
    # (`function:name`).
    separator: str = "/"

    @property
    def resource(self) -> str:
        """The resource part as AWS writes it (`instance/i-1`, `function:my-fn`)."""
        if not self.resource_type:
            return self.resource_id
        return f"{self.resource_type}{self.separator}{self.resource_id}"

    @property
    def polo_resource_type(self) -> str:
        """Polo's `resource_type` column value: `<service>:<type>` (e.g. `ec2:instance`)."""
        return f"{self.service}:{self.resource_type}" if self.resource_type else self.service

    def __str__(self) -> str:
        return format_arn(
            self.partition,
            self.service,
            self.region,
            self.account,
            self.resource_type,
            self.resource_id,
            self.separator,
        )


_SERVICE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_RESOURCE_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_RESOURCE_SPLIT_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]*)([/:])(.*)", re.DOTALL)


def parse_arn(value: str) -> Arn:
    """Parse `arn:<partition>:<service>:<region>:<account>:<resource>`.

    The resource part may be `type/id`, `type:id` or a bare id. Region and account may be empty
    (global services, public snapshots), but when present they must be a known region and a
    12-digit account. Raises `ArnError` naming the offending part.
    """
    return Arn(*_arn_parts(value))


def check_arn(value: str) -> str:
    """`value` when it is an ARN `parse_arn` accepts, else `ArnError`; builds no `Arn` (the
    model check of every collected event)."""
    if value.__class__ is str:
        parts = value.split(":", 5)
        # A known-good prefix (`arn:aws:ec2:us-east-1:123456789012:`) and a resource part that
        # does not end in a separator, so its id is not empty: all that `_arn_parts` checks.
        if (
            len(parts) == 6
            and (resource := parts[5])
            and resource[-1] not in "/:"
            and _good_prefix(value[: len(value) - len(resource)])
        ):
            return value
    _arn_parts(value)  # raises with the reason
    return value


@lru_cache(maxsize=4096)  # few per run: one per service, region and account
def _good_prefix(prefix: str) -> bool:
    """Is `arn:<partition>:<service>:<region>:<account>:` a prefix `_arn_parts` accepts?"""
    parts = prefix.split(":")
    return len(parts) == 6 and parts[0] == "arn" and _prefix_problem(*parts[1:5]) is None


def _arn_parts(value: str) -> tuple[str, str, str, str, str, str, str]:
    if not isinstance(value, str):
        raise ArnError(f"ARN must be a string, got {type(value).__name__}")
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ArnError(
            f"malformed ARN {value!r}: expected "
            "arn:<partition>:<service>:<region>:<account>:<resource>"
        )
    _, partition, service, region, account, resource = parts
    problem = _prefix_problem(partition, service, region, account)
    if problem:
        raise ArnError(f"ARN {value!r}: {problem}")
    if not resource:
        raise ArnError(f"ARN {value!r}: empty resource part")
    resource_type, separator, resource_id = _split_resource(resource)
    if not resource_id:
        raise ArnError(f"ARN {value!r}: empty resource id")
    return partition, service, region, account, resource_type, resource_id, separator


@lru_cache(maxsize=4096)  # few distinct (partition, service, region, account) combinations
def _prefix_problem(partition: str, service: str, region: str, account: str) -> str | None:
    """What is wrong with the part of an ARN before the resource, or None."""
    if partition not in PARTITIONS:
        return f"unknown partition {partition!r} (known: {PARTITIONS})"
    if not _SERVICE_RE.match(service):
        return f"invalid service {service!r}"
    if region:
        region_partition = _PARTITION_OF.get(region)
        if region_partition is None:
            return f"unknown region {region!r}"
        if region_partition != partition:
            return f"region {region!r} belongs to partition {region_partition!r}, not {partition!r}"
    if account and not _ACCOUNT_RE.match(account):
        return f"account {account!r} is not 12 digits"
    return None


def _split_resource(resource: str) -> tuple[str, str, str]:
    # The first separator decides: `loadbalancer/app/name/id` keeps `app/name/id` as the id.
    # A prefix that is not a plausible type name (`my bucket/x`) makes the whole part an id.
    match = _RESOURCE_SPLIT_RE.match(resource)
    if match is None:
        return "", "/", resource
    resource_type, separator, resource_id = match.groups()
    return resource_type, separator, resource_id


def format_arn(
    partition: str,
    service: str,
    region: str,
    account: str,
    resource_type: str,
    resource_id: str,
    separator: str = "/",
) -> str:
    """Build an ARN string from its parts, validating them as `parse_arn` does."""
    if separator not in ("/", ":"):
        raise ArnError(f"resource separator must be '/' or ':', got {separator!r}")
    resource = f"{resource_type}{separator}{resource_id}" if resource_type else resource_id
    arn = f"arn:{partition}:{service}:{region}:{account}:{resource}"
    problem = _prefix_problem(partition, service, region, account)
    if problem:
        raise ArnError(f"ARN {arn!r}: {problem}")
    if resource_type and not _RESOURCE_TYPE_RE.match(resource_type):
        raise ArnError(f"ARN {arn!r}: invalid resource type {resource_type!r}")
    if not resource_id:
        raise ArnError(f"ARN {arn!r}: empty resource id")
    return arn


# --- builders for the resource types Polo collects -------------------------------------------

EC2_RESOURCE_TYPES: frozenset[str] = frozenset(
    {
        "instance",
        "volume",
        "snapshot",
        "natgateway",
        "elastic-ip",
        "network-interface",
        "vpc",
        "subnet",
    }
)


def ec2_arn(region: str, account: str, resource_type: str, resource_id: str) -> str:
    """ARN of an EC2-family resource, e.g. `arn:aws:ec2:us-east-1:123456789012:volume/vol-1`.

    Snapshots carry the owning account too (the form the Resource Groups Tagging API returns),
    so one snapshot id never maps to two ARNs inside Polo.
    """
    if resource_type not in EC2_RESOURCE_TYPES:
        raise ArnError(
            f"unsupported EC2 resource type {resource_type!r} (known: {sorted(EC2_RESOURCE_TYPES)})"
        )
    if not resource_id:
        raise ArnError(f"empty {resource_type} id")
    prefix = _ec2_prefix(region, account)
    if prefix is None:  # format_arn raises, naming what is wrong
        return format_arn(
            partition_for_region(region), "ec2", region, account, resource_type, resource_id
        )
    return f"{prefix}{resource_type}/{resource_id}"


@lru_cache(maxsize=4096)  # one per account and region: every EC2 resource of a run shares it
def _ec2_prefix(region: str, account: str) -> str | None:
    """`arn:<partition>:ec2:<region>:<account>:` when region and account are valid, else None."""
    partition = _PARTITION_OF.get(region)
    if partition is None or _prefix_problem(partition, "ec2", region, account):
        return None
    return f"arn:{partition}:ec2:{region}:{account}:"


def load_balancer_arn(region: str, account: str, name: str, kind: str = "", lb_id: str = "") -> str:
    """ARN of a load balancer.

    Classic ELB: `loadbalancer/<name>`; v2 (application `app`, network `net`, gateway `gwy`):
    `loadbalancer/<kind>/<name>/<id>`.
    """
    if not name:
        raise ArnError("empty load balancer name")
    if kind or lb_id:
        if kind not in {"app", "net", "gwy"} or not lb_id:
            raise ArnError(
                f"load balancer v2 needs kind app|net|gwy and an id, got {kind!r}/{lb_id!r}"
            )
        resource_id = f"{kind}/{name}/{lb_id}"
    else:
        resource_id = name
    return format_arn(
        partition_for_region(region),
        "elasticloadbalancing",
        region,
        account,
        "loadbalancer",
        resource_id,
    )


def iam_role_arn(partition: str, account: str, role_name: str) -> str:
    """`arn:<partition>:iam::<account>:role/<name>`: the read role Polo assumes in each account."""
    if not role_name:
        raise ArnError("empty IAM role name")
    return format_arn(partition, "iam", "", account, "role", role_name)


def resource_id_from_arn(arn: str | Arn) -> str:
    """Polo's `resource_id` for a resource known only by its ARN (Resource Groups Tagging API).

    EC2-family resources use the short id AWS prints everywhere (`i-…`, `vol-…`), matching the
    ids Cost Explorer reports; every other type (load balancers, buckets, functions …) uses the
    full ARN, the only id that is unique across accounts and regions.
    """
    parsed = arn if isinstance(arn, Arn) else parse_arn(arn)
    if parsed.service == "ec2" and parsed.resource_type in EC2_RESOURCE_TYPES:
        return parsed.resource_id
    return str(parsed)
