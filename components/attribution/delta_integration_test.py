"""The SQL named queries decompose exactly like the Decimal reference, on random fleets.

Each example loads a fleet into `cost_attributed_daily` (and the closure rows its paths imply into
`resource_ancestry`, for the days each resource was in the inventory), then compares
`delta_nodes` and `delta_resources` at every node with `attribution.delta`, and checks that the
API's `node_exists` lookup knows every node that has cost (resources without a snapshot
included). Examples are few because each one runs
every node's queries; the Decimal-only property tests (delta_test.py) explore many more fleets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.charge_category import category_of
from attribution.delta import (
    Basis,
    Components,
    CostLine,
    Normalise,
    Window,
    delta_nodes,
    delta_resources,
    node_components,
)
from attribution.delta_blocks import TABLE, refresh_days
from attribution.delta_months import TABLE as MONTHS_TABLE
from attribution.delta_mtd import TABLE as MTD_TABLE
from attribution.delta_pair_tables import TABLES as PAIR_TABLES
from attribution.delta_weeks import TABLE as WEEKS
from attribution.delta_weeks import WEEK_DAYS
from attribution.hierarchy_builder import closure_rows
from attribution.nodes import STRUCTURAL_TYPES, UNRESOURCED
from attribution.queries import (
    DEFAULTS,
    QueryParameterError,
    load_query,
    query_file,
    run_lookup,
    run_query,
)
from clickhouse.client import ClickHouseQueryError, PoloClickHouse
from testing.delta_fleets import (
    ACCOUNT_A,
    BASE,
    COMPARE,
    UNRESOURCED_SERVICE,
    FleetLine,
    Hierarchy,
    all_nodes,
    fleets,
    window_pairs,
)

# The totals, then the components that sum to their difference.
COMPONENTS = tuple(Components.model_fields)
EXAMPLES = settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _owner(path: tuple[str, ...]) -> tuple[str, str, str]:
    customer = path[0].removeprefix("customer:")
    cluster = role = ""
    for node in path[1:-1]:
        if node.startswith("cluster:"):
            cluster = node.split("/", 1)[1]
        elif node.startswith("role:"):
            role = node.split("/")[2]
    return customer, cluster, role


def _node_type(node_id: str) -> str:
    prefix = node_id.split(":", 1)[0]
    if prefix in STRUCTURAL_TYPES:
        return prefix
    return {"vpc-": "ec2:vpc", "subn": "ec2:subnet"}.get(node_id[:4], "ec2:instance")


def load_fleet(
    db: PoloClickHouse,
    lines: Sequence[CostLine],
    hierarchy: Hierarchy,
) -> None:
    """Write `lines` as attributed cost (effective = the line's cost, billed = its billed cost)
    with their closure rows, and refresh the delta tables."""
    tables = (
        "cost_attributed_daily",
        "cost_by_owner_daily",
        TABLE,
        WEEKS,
        MONTHS_TABLE,
        MTD_TABLE,
        *PAIR_TABLES,
        "resource_ancestry",
    )
    for table in tables:
        db.command("truncate", f"TRUNCATE TABLE {table}")
    rows: list[dict[str, Any]] = []
    for line in lines:
        unresourced = line.resource_key.startswith(UNRESOURCED)
        if hierarchy == "logical":
            account, region = ACCOUNT_A, "eu-west-1"
            customer, cluster, role = _owner(line.path)
        else:
            account = line.path[0].removeprefix("account:")
            region = line.path[1].split("/", 1)[1]
            customer, cluster, role = "acme", "k1", "api"
        rows.append(
            {
                "charge_date": line.day,
                "account_id": account,
                "region": region,
                "service_name": UNRESOURCED_SERVICE if unresourced else "EC2",
                "usage_type": line.usage_type,
                "resource_id": "" if unresourced else line.resource_key,
                "resource_type": "" if unresourced else "ec2:instance",
                "marqo_customer": customer,
                "marqo_cluster": cluster,
                "marqo_role": role,
                "marqo_environment": "",
                "owner_rule": "unattributed" if customer == "unattributed" else "tag:Customer",
                "is_idle": 0,
                "billed_cost": line.cost if line.billed is None else line.billed,
                "effective_cost": line.cost,
                "consumed_quantity": line.quantity,
                "pricing_unit": "Hrs",
            }
        )
    db.insert_rows("cost_attributed_daily", rows)
    # The closure rows first, as the pipeline builds them: the week pairs read each day's paths.
    # Only for the days a resource was in the inventory (a snapshot): the others have none.
    ancestry = []
    for day in sorted({line.day for line in lines}):
        paths = {
            (line.path, tuple(_node_type(n) for n in line.path))
            for line in lines
            if line.day == day
            and not line.resource_key.startswith(UNRESOURCED)
            and (not isinstance(line, FleetLine) or line.in_inventory)
        }
        ancestry += closure_rows(sorted(paths), day, hierarchy, 1)
    db.insert_rows("resource_ancestry", ancestry)
    refresh_days(db, {line.day for line in lines})


def params(
    node: str,
    hierarchy: str,
    base: Window = BASE,
    compare: Window = COMPARE,
    normalise: Normalise = "none",
    basis: Basis = "effective",
) -> dict:
    return {
        "base_start": base.start,
        "base_end": base.end,
        "compare_start": compare.start,
        "compare_end": compare.end,
        "hierarchy": hierarchy,
        "node_id": node,
        "normalise": normalise,
        "basis": basis,
    }


def _as_tuple(row: Any, key: str, extra: Sequence[str]) -> tuple:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return (get(key), *(Decimal(get(c)) for c in COMPONENTS), *(int(get(e)) for e in extra))


def check_against_reference(
    db: PoloClickHouse,
    lines: list[CostLine],
    hierarchy: str,
    base: Window = BASE,
    compare: Window = COMPARE,
    normalise: Normalise = "none",
    basis: Basis = "effective",
) -> None:
    last = run_lookup(db, "last_cost_day", {})[0]["last_cost_day"]
    data_end = None if last is None else last + timedelta(days=1)
    for node in sorted(all_nodes(lines)):
        # Every node some cost passed through exists for the API (no 404 for an empty window).
        exists = run_lookup(db, "node_exists", {"hierarchy": hierarchy, "node_id": node})
        assert exists == [{"node_exists": 1}], f"node_exists does not know {node!r}"
        asked = params(node, hierarchy, base, compare, normalise, basis)
        sql_nodes = run_query(db, "delta_nodes", asked)
        ref_nodes = delta_nodes(lines, base, compare, node, normalise, basis)
        extra = ("resource_count", "flagged_resources")
        assert sorted(_as_tuple(r, "node_id", extra) for r in sql_nodes) == sorted(
            _as_tuple(r, "node_id", extra) for r in ref_nodes
        ), f"delta_nodes differs at node {node!r}"
        for row in sql_nodes:
            parts = sum((row[c] for c in COMPONENTS[2:]), Decimal(0))
            if basis == "billed":
                assert row["commitment"] == 0
            assert parts == row["delta"] == row["total_b"] - row["total_a"]

        sql_resources = run_query(db, "delta_resources", asked)
        ref_resources = delta_resources(lines, base, compare, node, normalise, basis)
        assert {r["total_rows"] for r in sql_resources} == {len(ref_resources)}
        assert sorted(_as_tuple(r, "resource_id", ("flagged",)) for r in sql_resources) == sorted(
            _as_tuple(r, "resource_key", ("flagged",)) for r in ref_resources
        ), f"delta_resources differs at node {node!r}"
        # A resource's charge categories are rows of their own beside its usage row.
        assert sorted((r["resource_id"], r["component"]) for r in sql_resources) == sorted(
            (r.resource_key, r.component) for r in ref_resources
        )
        if query_file("delta_resources", asked, data_end) == "delta_resources_pair":
            # The precomputed pair answers exactly as the blocks: owners and order included.
            blocks = db.query(
                "t", load_query("delta_resources"), {**DEFAULTS["delta_resources"], **asked}
            )
            assert list(blocks.named_results()) == sql_resources, f"at node {node!r}"

        # Children add up to the node: compare with the node's own decomposition (per day,
        # each row is rounded once: to within half a micro-dollar per row).
        own = node_components(lines, base, compare, node, normalise, basis)
        children = sum((r["delta"] for r in sql_nodes), Decimal(0))
        assert abs(children - own.delta) <= (
            0 if normalise == "none" else Decimal("0.000001") * len(sql_nodes)
        )


@EXAMPLES
@given(lines=fleets(max_resources=6, hierarchy="logical"))
def test_sql_matches_the_reference_in_the_logical_hierarchy(
    db: PoloClickHouse, lines: list[CostLine]
) -> None:
    load_fleet(db, lines, "logical")
    check_against_reference(db, lines, "logical")
    check_against_reference(db, lines, "logical", basis="billed")


@EXAMPLES
@given(lines=fleets(max_resources=6, hierarchy="physical"))
def test_sql_matches_the_reference_in_the_physical_hierarchy(
    db: PoloClickHouse, lines: list[CostLine]
) -> None:
    load_fleet(db, lines, "physical")
    check_against_reference(db, lines, "physical")
    check_against_reference(db, lines, "physical", basis="billed")


@EXAMPLES
@given(lines=fleets(max_resources=6, hierarchy="logical"))
def test_transferring_a_resource_changes_no_total_in_sql(
    db: PoloClickHouse, lines: list[CostLine]
) -> None:
    def root_totals() -> tuple[Decimal, ...]:
        rows = run_query(db, "delta_nodes", params("", "logical"))
        return tuple(sum((r[c] for r in rows), Decimal(0)) for c in ("total_a", "total_b"))

    load_fleet(db, lines, "logical")
    before = root_totals()
    moved_key = lines[0].resource_key
    moved = [
        line.model_copy(update={"path": ("customer:transfer-target", moved_key)})
        if line.resource_key == moved_key and line.day in COMPARE
        else line
        for line in lines
    ]
    load_fleet(db, moved, "logical")
    assert root_totals() == before


WEEK_BASE = Window(start=BASE.start, end=BASE.start + timedelta(days=WEEK_DAYS))
WEEK_COMPARE = Window(start=WEEK_BASE.end, end=WEEK_BASE.end + timedelta(days=WEEK_DAYS))


def _over_two_weeks(lines: list[CostLine]) -> list[CostLine]:
    """The fleet's days spread over two adjacent weeks: base days stay, compare days move to the
    start of the second week."""
    moved = WEEK_COMPARE.start - COMPARE.start
    return [
        line.model_copy(update={"day": line.day + moved}) if line.day in COMPARE else line
        for line in lines
    ]


@EXAMPLES
@pytest.mark.parametrize("hierarchy", ["logical", "physical"])
@given(data=st.data())
def test_two_adjacent_weeks_match_the_reference_at_every_node(
    db: PoloClickHouse, hierarchy: Hierarchy, data: st.DataObject
) -> None:
    weeks = _over_two_weeks(data.draw(fleets(max_resources=6, hierarchy=hierarchy)))
    load_fleet(db, weeks, hierarchy)
    for node in all_nodes(weeks):
        picked = query_file("delta_nodes", params(node, hierarchy, WEEK_BASE, WEEK_COMPARE))
        assert picked == ("delta_nodes_root_week" if node == "" else "delta_nodes_week")
    check_against_reference(db, weeks, hierarchy, WEEK_BASE, WEEK_COMPARE)
    check_against_reference(db, weeks, hierarchy, WEEK_BASE, WEEK_COMPARE, "daily", "billed")


def test_the_week_over_week_files_refuse_other_windows_and_nodes(db: PoloClickHouse) -> None:
    root_file, week_file = load_query("delta_nodes_root_week"), load_query("delta_nodes_week")
    for sql, node, hierarchy in (
        (root_file, "", "logical"),
        (week_file, "customer:acme", "logical"),
        (week_file, "vpc-1", "physical"),
    ):
        with pytest.raises(ClickHouseQueryError, match="two adjacent 7-day windows only"):
            db.query("t", sql, params(node, hierarchy))
    overlapping = Window(start=WEEK_BASE.start + timedelta(days=1), end=WEEK_COMPARE.end)
    with pytest.raises(ClickHouseQueryError, match="must not overlap"):
        db.query("t", week_file, params("vpc-1", "physical", overlapping, WEEK_COMPARE))
    with pytest.raises(ClickHouseQueryError, match="answers the root"):
        db.query("t", root_file, params("customer:acme", "logical", WEEK_BASE, WEEK_COMPARE))
    with pytest.raises(ClickHouseQueryError, match="below the root only"):
        db.query("t", week_file, params("", "logical", WEEK_BASE, WEEK_COMPARE))
    # A longer base window ending where the compare week starts is not a week over a week.
    longer = Window(start=WEEK_BASE.start - timedelta(days=3), end=WEEK_BASE.end)
    for sql, node in ((root_file, ""), (week_file, "customer:acme")):
        with pytest.raises(ClickHouseQueryError, match="two adjacent 7-day windows only"):
            db.query("t", sql, params(node, "logical", longer, WEEK_COMPARE))


def test_the_pair_resources_file_refuses_other_windows_and_the_per_day_view(
    db: PoloClickHouse,
) -> None:
    pair_file = load_query("delta_resources_pair")
    for asked in (
        params("", "logical"),
        params("customer:acme", "logical", WEEK_BASE, WEEK_COMPARE, "daily"),
        params("vpc-1", "physical", FEBRUARY, MARCH, "daily"),
    ):
        with pytest.raises(ClickHouseQueryError, match="with the raw totals only"):
            db.query("t", pair_file, {**DEFAULTS["delta_resources"], **asked})


def test_overlapping_windows_and_unknown_views_are_rejected_by_the_sql(db: PoloClickHouse) -> None:
    overlapping = Window(start=BASE.end - timedelta(days=1), end=date(2026, 3, 8))
    for name in ("delta_nodes", "delta_resources"):
        for node, hierarchy in (
            ("", "logical"),
            ("customer:acme", "logical"),
            ("vpc-1", "physical"),
        ):
            with pytest.raises(ClickHouseQueryError, match="must not overlap"):
                run_query(db, name, params(node, hierarchy, compare=overlapping))
            with pytest.raises(ClickHouseQueryError, match="normalise must be none or daily"):
                run_query(db, name, {**params(node, hierarchy), "normalise": "weekly"})
            with pytest.raises(ClickHouseQueryError, match="basis must be effective or billed"):
                run_query(db, name, {**params(node, hierarchy), "basis": "list"})
    with pytest.raises(ClickHouseQueryError, match="hierarchy must be logical or physical"):
        run_query(db, "delta_nodes", params("", "spatial"))


@settings(EXAMPLES, max_examples=6)
@pytest.mark.parametrize("hierarchy", ["logical", "physical"])
@given(data=st.data())
def test_unequal_windows_match_the_reference_at_every_node_raw_and_per_day(
    db: PoloClickHouse, hierarchy: Hierarchy, data: st.DataObject
) -> None:
    base, compare = data.draw(window_pairs(max_days=62))
    lines = data.draw(fleets(max_resources=5, hierarchy=hierarchy, base=base, compare=compare))
    load_fleet(db, lines, hierarchy)
    for normalise, basis in (("none", "effective"), ("daily", "billed")):
        check_against_reference(db, lines, hierarchy, base, compare, normalise, basis)


@EXAMPLES
@given(data=st.data())
def test_delta_resources_pages_walk_every_resource_once(
    db: PoloClickHouse, data: st.DataObject
) -> None:
    lines = data.draw(fleets(max_resources=8, hierarchy="logical"))
    load_fleet(db, lines, "logical")
    expected = [r.resource_key for r in delta_resources(lines, BASE, COMPARE)]
    size = data.draw(st.integers(min_value=1, max_value=3))
    walked: list[str] = []
    for offset in range(0, len(expected) + size, size):
        page = run_query(
            db, "delta_resources", {**params("", "logical"), "limit": size, "offset": offset}
        )
        assert len(page) <= size
        assert all(r["total_rows"] == len(expected) for r in page)
        walked += [r["resource_id"] for r in page]
    assert walked == expected


@EXAMPLES
@given(data=st.data())
def test_delta_resources_pages_over_two_weeks_walk_every_resource_once(
    db: PoloClickHouse, data: st.DataObject
) -> None:
    """Over the pair files' windows too, the blocks rank the same order, totals and pages."""
    hierarchy = data.draw(st.sampled_from(["logical", "physical"]))
    weeks = _over_two_weeks(data.draw(fleets(max_resources=8, hierarchy=hierarchy)))
    load_fleet(db, weeks, hierarchy)
    expected = [r.resource_key for r in delta_resources(weeks, WEEK_BASE, WEEK_COMPARE)]
    size = data.draw(st.integers(min_value=1, max_value=3))
    asked = params("", hierarchy, WEEK_BASE, WEEK_COMPARE)
    walked: list[str] = []
    for offset in range(0, len(expected) + size, size):
        page = run_query(db, "delta_resources", {**asked, "limit": size, "offset": offset})
        assert len(page) <= size
        assert all(r["total_rows"] == len(expected) for r in page)
        walked += [r["resource_id"] for r in page]
    assert walked == expected


def test_missing_or_unknown_parameters_fail_before_reaching_clickhouse(
    db: PoloClickHouse,
) -> None:
    given_params = params("", "logical")
    del given_params["node_id"]
    with pytest.raises(QueryParameterError, match="missing node_id"):
        run_query(db, "delta_nodes", given_params)
    with pytest.raises(QueryParameterError, match="unknown colour"):
        run_query(db, "delta_nodes", {**params("", "logical"), "colour": "red"})


def _moving(hierarchy: Hierarchy, base: Window, compare: Window) -> list[CostLine]:
    """One resource that moves partway through B from one child of a parent to another, and one
    that moves at the boundary of the windows; a third stays put."""
    if hierarchy == "logical":
        first, second = ("customer:acme", "cluster:acme/k1"), ("customer:acme", "cluster:acme/k2")
    else:
        region = ("account:111111111111", "region:111111111111/eu-west-1", "vpc-1")
        first, second = (*region, "subnet-1"), (*region, "subnet-2")
    days = [base.start + timedelta(days=i) for i in range(base.days)]
    days += [compare.start + timedelta(days=i) for i in range(compare.days)]
    lines = []
    for n, day in enumerate(days):
        in_b = day in compare
        placement = {
            "i-partway": second if in_b and day > compare.start else first,
            "i-boundary": second if in_b else first,
            "i-stays": first,
        }
        for key, place in placement.items():
            cost = Decimal("2.5") + Decimal(n) / 4 + (1 if key == "i-stays" else 0)
            lines.append(
                CostLine(
                    day=day,
                    resource_key=key,
                    usage_type="BoxUsage:m5.large",
                    cost=cost,
                    quantity=Decimal(24),
                    path=(*place, key),
                )
            )
    return lines


@pytest.mark.parametrize("hierarchy", ["logical", "physical"])
@pytest.mark.parametrize("weeks", [False, True], ids=["blocks", "weeks"])
def test_moves_are_transfers_at_both_children_and_net_at_the_common_parent(
    db: PoloClickHouse, hierarchy: Hierarchy, weeks: bool
) -> None:
    base, compare = (WEEK_BASE, WEEK_COMPARE) if weeks else (BASE, COMPARE)
    lines = _moving(hierarchy, base, compare)
    load_fleet(db, lines, hierarchy)
    parent = "customer:acme" if hierarchy == "logical" else "vpc-1"
    first, second = (
        ("cluster:acme/k1", "cluster:acme/k2")
        if hierarchy == "logical"
        else ("subnet-1", "subnet-2")
    )
    check_against_reference(db, lines, hierarchy, base, compare)

    children = {
        r["node_id"]: r
        for r in run_query(db, "delta_nodes", params(parent, hierarchy, base, compare))
    }
    assert set(children) == {first, second}
    at_parent = {
        r["resource_id"]: r
        for r in run_query(db, "delta_resources", params(parent, hierarchy, base, compare))
    }
    # At the parent all three are continuing: the moves happened inside it.
    assert {r["component"] for r in at_parent.values()} == {"continuing"}
    moved_change = sum(
        (
            at_parent[k]["usage_effect"] + at_parent[k]["rate_effect"]
            for k in ("i-partway", "i-boundary")
        ),
        Decimal(0),
    )
    transfers = sum(
        (c["transferred_in"] + c["transferred_out"] for c in children.values()), Decimal(0)
    )
    assert transfers == moved_change != 0
    # The first child: i-partway is a transfer in and out (it ended in the second), i-boundary
    # a transfer out; the second: both transferred in. i-stays is continuing in the first.
    at_first = {
        r["resource_id"]: r
        for r in run_query(db, "delta_resources", params(first, hierarchy, base, compare))
    }
    at_second = {
        r["resource_id"]: r
        for r in run_query(db, "delta_resources", params(second, hierarchy, base, compare))
    }
    assert {k: r["component"] for k, r in at_first.items()} == {
        "i-partway": "transferred_out",
        "i-boundary": "transferred_out",
        "i-stays": "continuing",
    }
    assert {k: r["component"] for k, r in at_second.items()} == {
        "i-partway": "transferred_in",
        "i-boundary": "transferred_in",
    }
    partway = at_first["i-partway"]
    assert partway["transferred_in"] > 0 and partway["transferred_out"] < 0
    assert partway["usage_effect"] == partway["rate_effect"] == 0
    # Counts: each moved resource under both children, once at the parent.
    assert sorted(c["resource_count"] for c in children.values()) == [2, 3]
    assert len(at_parent) == 3


FEBRUARY = Window(start=date(2026, 2, 1), end=date(2026, 3, 1))
MARCH = Window(start=date(2026, 3, 1), end=date(2026, 4, 1))


@EXAMPLES
@pytest.mark.parametrize("hierarchy", ["logical", "physical"])
@given(data=st.data())
def test_calendar_months_match_the_reference_at_every_node_from_the_month_pairs(
    db: PoloClickHouse, hierarchy: Hierarchy, data: st.DataObject
) -> None:
    lines = data.draw(fleets(max_resources=5, hierarchy=hierarchy, base=FEBRUARY, compare=MARCH))
    load_fleet(db, lines, hierarchy)
    for node in all_nodes(lines):
        picked = query_file("delta_nodes", params(node, hierarchy, FEBRUARY, MARCH))
        assert picked == ("delta_nodes_root_month" if node == "" else "delta_nodes_month")
    for normalise, basis in (("none", "effective"), ("daily", "billed")):
        check_against_reference(db, lines, hierarchy, FEBRUARY, MARCH, normalise, basis)


def test_the_month_over_month_files_refuse_other_windows_and_nodes(db: PoloClickHouse) -> None:
    root_file, month_file = load_query("delta_nodes_root_month"), load_query("delta_nodes_month")
    not_months = (
        (Window(start=date(2026, 2, 2), end=date(2026, 3, 1)), MARCH),
        (FEBRUARY, Window(start=date(2026, 3, 1), end=date(2026, 3, 31))),
        (Window(start=date(2026, 1, 1), end=date(2026, 2, 1)), MARCH),
        (WEEK_BASE, WEEK_COMPARE),
    )
    for base, compare in not_months:
        for sql, node in ((root_file, ""), (month_file, "customer:acme"), (month_file, "vpc-1")):
            with pytest.raises(ClickHouseQueryError, match="calendar month over the month before"):
                db.query("t", sql, params(node, "logical", base, compare))
    with pytest.raises(ClickHouseQueryError, match="answers the root"):
        db.query("t", root_file, params("customer:acme", "logical", FEBRUARY, MARCH))
    with pytest.raises(ClickHouseQueryError, match="below the root only"):
        db.query("t", month_file, params("", "logical", FEBRUARY, MARCH))


def _cost_on(lines: list[FleetLine], day: date) -> list[FleetLine]:
    """`lines` and one more resource with cost on `day`, so that the data reaches that day."""
    template = next(
        line
        for line in lines
        if line.path[-1] == line.resource_key and not line.resource_key.startswith(UNRESOURCED)
    )
    extra = template.model_copy(
        update={"day": day, "resource_key": "i-lastday", "path": (*template.path[:-1], "i-lastday")}
    )
    return [*lines, extra]


@EXAMPLES
@pytest.mark.parametrize("hierarchy", ["logical", "physical"])
@given(data=st.data())
def test_month_to_date_matches_the_reference_at_every_node_from_the_mtd_pairs(
    db: PoloClickHouse, hierarchy: Hierarchy, data: st.DataObject
) -> None:
    # The first k days of March against the same days of February, cut at its 28th (k = 31
    # against all of February is month over month).
    days = data.draw(st.integers(min_value=1, max_value=30), label="days to date")
    compare = Window(start=MARCH.start, end=MARCH.start + timedelta(days=days))
    base = Window(start=FEBRUARY.start, end=FEBRUARY.start + timedelta(days=min(days, 28)))
    drawn = data.draw(fleets(max_resources=5, hierarchy=hierarchy, base=base, compare=compare))
    lines = _cost_on(drawn, compare.end - timedelta(days=1))
    load_fleet(db, lines, hierarchy)
    for node in all_nodes(lines):
        picked = query_file("delta_nodes", params(node, hierarchy, base, compare), compare.end)
        assert picked == ("delta_nodes_root_mtd" if node == "" else "delta_nodes_mtd")
    # The pair run_query reads exists (the data reaches the compare window's last day), unless
    # every line is a charge of no money (the blocks leave those out: migration 021).
    pair = db.query(
        "t",
        f"SELECT count() FROM {MTD_TABLE} "
        "WHERE compare_start = {s:Date} AND compare_days = {d:UInt8}",
        {"s": compare.start, "d": days},
    ).result_rows[0][0]
    assert pair > 0 or all(
        category_of("", line.usage_type) != "usage" and line.cost == 0 and not line.billed
        for line in lines
    )
    for normalise, basis in (("none", "effective"), ("daily", "billed")):
        check_against_reference(db, lines, hierarchy, base, compare, normalise, basis)


def test_the_month_to_date_files_refuse_other_windows_and_nodes(db: PoloClickHouse) -> None:
    root_file, mtd_file = load_query("delta_nodes_root_mtd"), load_query("delta_nodes_mtd")
    five = Window(start=MARCH.start, end=date(2026, 3, 6))
    not_to_date = (
        (Window(start=date(2026, 2, 1), end=date(2026, 2, 5)), five),
        (Window(start=date(2026, 2, 2), end=date(2026, 2, 7)), five),
        (Window(start=date(2026, 1, 1), end=date(2026, 1, 6)), five),
        (WEEK_BASE, WEEK_COMPARE),
    )
    for base, compare in not_to_date:
        for sql, node in ((root_file, ""), (mtd_file, "customer:acme"), (mtd_file, "vpc-1")):
            with pytest.raises(ClickHouseQueryError, match="same days of the month before"):
                db.query("t", sql, params(node, "logical", base, compare))
    february_to_5 = Window(start=date(2026, 2, 1), end=date(2026, 2, 6))
    with pytest.raises(ClickHouseQueryError, match="answers the root"):
        db.query("t", root_file, params("customer:acme", "logical", february_to_5, five))
    with pytest.raises(ClickHouseQueryError, match="below the root only"):
        db.query("t", mtd_file, params("", "logical", february_to_5, five))
