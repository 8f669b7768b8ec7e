from __future__ import annotations

from testing.moto_fleet import account_session, build_fleet, moto_aws


def test_fleet_is_built_per_account_and_region_in_isolation() -> None:
    with moto_aws():
        fleet = build_fleet(accounts=("111111111111", "222222222222"), regions=("us-east-1",))
        first, second = fleet[("111111111111", "us-east-1")], fleet[("222222222222", "us-east-1")]
        assert len(first.instance_ids) == 5
        assert set(first.instance_ids).isdisjoint(second.instance_ids)
        ec2 = account_session("222222222222", "us-east-1").client("ec2")
        seen = {
            i["InstanceId"]
            for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]
        }
        assert seen == set(second.instance_ids)
        volumes = {v["VolumeId"]: v for v in ec2.describe_volumes()["Volumes"]}
        assert set(volumes) == set(second.volume_ids)
        assert volumes[second.detached_untagged_volume_id]["State"] == "available"
        states = {
            i["InstanceId"]: i["State"]["Name"]
            for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]
        }
        assert states[second.instances["initech_stopped"]] == "stopped"
        elb = account_session("222222222222", "us-east-1").client("elb")
        (classic,) = elb.describe_load_balancers()["LoadBalancerDescriptions"]
        assert classic["Instances"] == [{"InstanceId": second.instances["globex_worker"]}]
