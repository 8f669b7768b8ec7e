from __future__ import annotations

from attribution.idle import IdleInput, idle_reasons


def r(rid: str, rtype: str, state: str, vpc: str = "vpc-1") -> IdleInput:
    return IdleInput(resource_id=rid, resource_type=rtype, state=state, vpc_id=vpc)


def test_each_idle_rule_and_its_busy_counterpart() -> None:
    resources = [
        r("vol-free", "ec2:volume", "available"),
        r("vol-used", "ec2:volume", "in-use"),
        r("eip-free", "ec2:elastic-ip", "unassociated"),
        r("eip-used", "ec2:elastic-ip", "associated"),
        r("nat-idle", "ec2:natgateway", "available", vpc="vpc-empty"),
        r("nat-busy", "ec2:natgateway", "available", vpc="vpc-1"),
        r("i-1", "ec2:instance", "running", vpc="vpc-1"),
        r("i-stopped", "ec2:instance", "stopped", vpc="vpc-empty"),
        r("lb-empty", "elasticloadbalancing:loadbalancer", "active"),
        r("lb-serving", "elasticloadbalancing:loadbalancer", "active"),
    ]
    edges = [
        ("attached_to", "vol-used", "i-1"),
        ("associated_with", "eip-used", "i-1"),
        ("behind_load_balancer", "i-1", "lb-serving"),
    ]
    assert idle_reasons(resources, edges) == {
        "vol-free": "unattached_volume",
        "eip-free": "unassociated_eip",
        "nat-idle": "idle_nat_gateway",
        "lb-empty": "load_balancer_without_targets",
    }


def test_an_edge_during_the_day_keeps_a_detached_volume_from_being_idle() -> None:
    # The volume was detached later that day (state available) but the edge held for part of it.
    resources = [r("vol-1", "ec2:volume", "available")]
    assert idle_reasons(resources, [("attached_to", "vol-1", "i-9")]) == {}


def test_ip_and_lambda_targets_keep_their_load_balancers_busy() -> None:
    resources = [
        r("lb-ecs", "elasticloadbalancing:loadbalancer", "active"),
        r("lb-onprem", "elasticloadbalancing:loadbalancer", "active"),
        r("lb-lambda", "elasticloadbalancing:loadbalancer", "active"),
    ]
    edges = [
        ("behind_load_balancer", "eni-task", "lb-ecs"),
        ("behind_load_balancer", "192.168.50.7", "lb-onprem"),
        ("behind_load_balancer", "arn:aws:lambda:eu-west-1:111111111111:function:f", "lb-lambda"),
    ]
    assert idle_reasons(resources, edges) == {}
