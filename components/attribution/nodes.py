"""Node ids of the two hierarchies (docs/data-model.md, docs/attribution.md).

Logical: `customer:<c>` → `cluster:<c>/<k>` → `role:<c>/<k>/<r>` → resource. A level whose owner
field is empty is skipped (a resource tagged with a customer but no cluster hangs directly under
the customer), so every level that appears names something real.

Physical: `account:<id>` → `region:<id>/<region>` → VPC → subnet → resource → attached
resources, the VPC / subnet / resource ids exactly as AWS gives them.

Cost that AWS reports without a resource id becomes one pseudo-resource per account, region and
service (`unresourced:<account>/<region>/<service>`): it is never dropped, and the delta can still
say which service's unresourced spend moved.

The SQL named queries build the same ids with the same rules; `nodes_test.py` and the property
tests hold them to it.
"""

from __future__ import annotations

UNATTRIBUTED = "unattributed"
ROOT = ""

# Node types of the levels that are not resources (`ancestor_type` / `descendant_type`).
CUSTOMER = "customer"
CLUSTER = "cluster"
ROLE = "role"
ACCOUNT = "account"
REGION = "region"
UNRESOURCED = "unresourced"
STRUCTURAL_TYPES = frozenset({CUSTOMER, CLUSTER, ROLE, ACCOUNT, REGION})


def customer_node(customer: str) -> str:
    return f"customer:{customer}"


def cluster_node(customer: str, cluster: str) -> str:
    return f"cluster:{customer}/{cluster}"


def role_node(customer: str, cluster: str, role: str) -> str:
    return f"role:{customer}/{cluster}/{role}"


def account_node(account_id: str) -> str:
    return f"account:{account_id}"


def region_node(account_id: str, region: str) -> str:
    return f"region:{account_id}/{region}"


def resource_key(resource_id: str, account_id: str, region: str, service_name: str) -> str:
    """The resource a cost line belongs to: its id, or the unresourced pseudo-resource."""
    if resource_id:
        return resource_id
    return f"{UNRESOURCED}:{account_id}/{region}/{service_name}"


def logical_path(customer: str, cluster: str, role: str, key: str) -> tuple[str, ...]:
    """Node ids from the customer down to the resource itself, empty levels skipped.

    An empty customer is the explicit unattributed owner: cost is never left without a node.
    """
    customer = customer or UNATTRIBUTED
    path = [customer_node(customer)]
    if cluster:
        path.append(cluster_node(customer, cluster))
    if role:
        path.append(role_node(customer, cluster, role))
    path.append(key)
    return tuple(path)


def logical_types(customer: str, cluster: str, role: str, resource_type: str) -> tuple[str, ...]:
    """The node type of each element of `logical_path` with the same arguments."""
    types = [CUSTOMER]
    if cluster:
        types.append(CLUSTER)
    if role:
        types.append(ROLE)
    types.append(resource_type)
    return tuple(types)
