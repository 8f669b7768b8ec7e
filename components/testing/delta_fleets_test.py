from __future__ import annotations

from hypothesis import given, settings

from attribution.delta import CostLine
from testing.delta_fleets import BASE, COMPARE, FleetLine, all_nodes, fleets


@settings(max_examples=50, deadline=None)
@given(fleets())
def test_fleet_lines_fall_in_the_two_windows_and_end_at_their_resource(
    lines: list[CostLine],
) -> None:
    assert lines
    for line in lines:
        assert line.day in BASE or line.day in COMPARE
        assert line.path[-1] == line.resource_key
    assert "" in all_nodes(lines)
    assert {line.path[0] for line in lines} <= all_nodes(lines)


def test_fleets_produce_the_cases_the_properties_need() -> None:
    # Each case must be reachable, or the property tests would silently never exercise it.
    from hypothesis import find

    def moved(lines: list[CostLine]) -> bool:
        return any(
            len({ln.path for ln in lines if ln.resource_key == k}) > 1
            for k in {ln.resource_key for ln in lines}
        )

    assert find(fleets(), moved)
    assert find(fleets(), lambda lines: any(line.quantity == 0 for line in lines))
    assert find(fleets(), lambda lines: any(line.cost < 0 for line in lines))
    assert find(
        fleets(), lambda lines: any(line.path[0] == "customer:unattributed" for line in lines)
    )

    def missing_then_present(lines: list[FleetLine]) -> bool:
        keys = {ln.resource_key for ln in lines if not ln.in_inventory}
        return any(ln.in_inventory and ln.resource_key in keys for ln in lines)

    assert find(fleets(hierarchy="physical"), missing_then_present)
    assert find(fleets(hierarchy="logical"), missing_then_present)

    def moved_inside_a_window(lines: list[CostLine]) -> bool:
        return any(
            len({ln.path for ln in lines if ln.resource_key == k and ln.day in window}) > 1
            for k in {ln.resource_key for ln in lines}
            for window in (BASE, COMPARE)
        )

    assert find(fleets(), moved_inside_a_window)


@settings(max_examples=50, deadline=None)
@given(fleets(hierarchy="physical"))
def test_a_resource_without_a_snapshot_hangs_under_its_region(lines: list[FleetLine]) -> None:
    for line in lines:
        if not line.in_inventory:
            assert len(line.path) == 3
            assert line.path[1].startswith("region:")
