"""A deterministic synthetic organisation, pushed through the real ingestion path.

`python -m attribution.seed [--customers N --clusters N --resources N --days N
--random-seed N --end-date YYYY-MM-DD --url URL --replace]`

What is generated (docs/attribution.md, "The seeded story"): accounts and regions with a VPC
and subnets each; per customer, clusters with roles (`api`, `worker`, `db`) of instances behind
a load balancer, each instance with an attached volume (untagged: it inherits its instance's
owner), ENIs and Elastic IPs; snapshots; a NAT gateway per VPC. Resources start and stop over
the period. The story of the last two weeks, base window A = the 7 days before the last 7,
compare window B = the last 7 days:

- the price of `r6i.large` rises 20% on the first day of B (a rate effect);
- a new cluster of the first customer starts on the first day of B (created);
- one instance (and, by inheritance, its volume) moves from one customer to another on the
  first day of B (transferred out / in);
- a few instances are terminated at the end of A (removed), some are stopped for a while;
- untagged instances and snapshots, cost AWS reports without a resource (support, tax, a
  credit) and cost of resources the inventory does not know are `unattributed` (coverage
  < 100 %);
- the first account's NAT gateway is shared: the split rule `shared-nat` of
  demo_allocation.toml (applied to every day) moves its cost to two customers' shared part;
- a Savings Plan covering the first account's m5 instances expires inside B: their effective
  cost is below billed before that day and equal from it;
- tax on every account's bill every day, and a one-off credit in B (negative cost);
- idle resources: unattached volumes, unassociated Elastic IPs, a NAT gateway in a VPC with no
  instances, a load balancer without targets.

Every inventory observation is a raw boto3-shaped dict run through
`collectors.common.normaliser` (and so the tag resolver); every CloudTrail event is a raw
record run through `collectors.lifecycle.mapping`. Then `attribution.pipeline` builds
snapshots, the closure table and the attributed cost for every day. The same `--random-seed`
and `--end-date` give the same rows, checked by the table checksums printed at the end.
"""

import argparse
import random
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import BaseModel

from attribution import pipeline
from attribution.completeness import DeltaWindows
from attribution.demo_costs import SAVINGS_PLAN_ACCOUNT, cost_rows
from attribution.demo_inventory import collector_runs, relationships, resource_events
from attribution.demo_organisation import SeedConfig, plan
from attribution.demo_story import DEMO_RULES_FILE, Story, demo_rules, lifecycle_events, story
from attribution.queries import window_completeness
from attribution.seed_checksums import checksums
from attribution.seed_writer import Progress, SeedError, SeedWriter, prepare_tables
from clickhouse.client import ClickHouseError, PoloClickHouse, connect
from collectors.common.tag_resolver import TagResolver
from schema.migrate import MigrationError, apply_migrations


class SeedResult(BaseModel):
    story: Story
    story_windows: DeltaWindows
    """How complete the story's windows are in the database just written (always complete)."""
    rows: dict[str, int]
    checksums: dict[str, str]
    seconds: float


def seed(
    db: PoloClickHouse,
    config: SeedConfig,
    *,
    replace: bool = False,
    progress: Progress | None = None,
) -> SeedResult:
    """Generate the organisation and write it through the ingestion path and the builders."""
    began = time.perf_counter()
    prepare_tables(db, replace=replace)
    rng = random.Random(config.random_seed + 1)
    org = plan(config)
    report = progress or (lambda _phase, _rows, _seconds: None)
    writer = SeedWriter(db, report)
    # One generator feeds the CloudTrail records, then the costs: this order is part of the data.
    writer.write("resource_events", resource_events(org, TagResolver()))
    writer.write("resource_relationships", relationships(org))
    writer.write("lifecycle_events", lifecycle_events(org, rng))
    writer.write("cost_daily", cost_rows(org, rng))
    writer.write("collector_runs", collector_runs(org))
    rows = writer.rows
    built_rows = 0

    def day_built(counts: pipeline.DayCounts, done: int, total: int, elapsed: float) -> None:
        nonlocal built_rows
        built_rows += counts.rows
        if done % 7 == 0 or done == total:
            report(
                f"snapshots + ancestry + attributed cost, day {done}/{total}", built_rows, elapsed
            )

    def deltas_refreshed(days: int, seconds: float) -> None:
        blocks = db.query("seed.count_blocks", "SELECT count() FROM cost_delta_blocks")
        report(f"delta blocks and pairs of {days} days", int(blocks.result_rows[0][0]), seconds)

    pipeline.rebuild(
        db,
        org.day(0),
        config.end_date,
        day_built,
        version=1,
        rules=demo_rules(),
        deltas_refreshed=deltas_refreshed,
    )
    rows["attribution"] = built_rows
    told = story(org)
    # The story is what everyone compares first: both windows must hold cost on every day and
    # end with the last cost day, or the demo would show missing days as a drop (issue 15).
    windows = window_completeness(db, told.model_dump())
    if not windows.complete or windows.last_cost_day != told.compare_end - timedelta(days=1):
        raise SeedError(f"the story's windows are not complete cost data: {windows}")
    return SeedResult(
        story=told,
        story_windows=windows,
        rows=rows,
        checksums=checksums(db),
        seconds=time.perf_counter() - began,
    )


def _print_progress(phase: str, count: int, seconds: float) -> None:
    rate = count / seconds if seconds > 0 else float(count)
    print(f"seed: {phase}: {count} rows in {seconds:.1f} s ({rate:,.0f} rows/s)", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    defaults = SeedConfig()
    parser = argparse.ArgumentParser(
        prog="python -m attribution.seed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--customers", type=int, default=defaults.customers)
    parser.add_argument("--clusters", type=int, default=defaults.clusters, help="per customer")
    parser.add_argument("--resources", type=int, default=defaults.resources)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--random-seed", type=int, default=defaults.random_seed)
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=defaults.end_date,
        help="first day after the period (default: today, UTC)",
    )
    parser.add_argument("--url", help="ClickHouse URL (default: resolved like every Polo tool)")
    parser.add_argument("--replace", action="store_true", help="wipe existing Polo data first")
    args = parser.parse_args(argv)
    try:
        config = SeedConfig(
            customers=args.customers,
            clusters=args.clusters,
            resources=args.resources,
            days=args.days,
            random_seed=args.random_seed,
            end_date=args.end_date,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        with connect(args.url, create_database=True) as db:
            # Seeding a brand-new database is the common case (polo-up, a fresh clone).
            applied = apply_migrations(db)
            if applied:
                print(f"seed: applied {len(applied)} pending migration(s)")
            result = seed(db, config, replace=args.replace, progress=_print_progress)
    except (SeedError, MigrationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 4
    except ClickHouseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    total = sum(v for k, v in result.rows.items())
    print(
        f"seed: done: {total} rows in {result.seconds:.1f} s "
        f"({total / max(result.seconds, 1e-9):,.0f} rows/s)"
    )
    s, w = result.story, result.story_windows
    print(
        f"seed: story: base [{s.base_start}, {s.base_end}) vs compare "
        f"[{s.compare_start}, {s.compare_end}); new cluster {s.new_cluster_node}; "
        f"{s.moved_resource} moves {s.moved_from} -> {s.moved_to}"
    )
    print(
        f"seed: story: shared NAT gateway {', '.join(s.shared_resources)} split by rule "
        f"{s.shared_rule} ({DEMO_RULES_FILE.name}) to {', '.join(s.shared_to)}: "
        "Costs > Customers, Shared column"
    )
    print(
        f"seed: story: Savings Plan {s.savings_plan_id} expires {s.savings_plan_expires}: "
        f"{len(s.savings_plan_resources)} m5 instances of account {SAVINGS_PLAN_ACCOUNT} cost more "
        f"in the compare window (effective = billed from that day), e.g. "
        f"{', '.join(s.savings_plan_resources[:2])} in the delta's resources"
    )
    print(
        f"seed: story: credit {s.credit_amount} on {s.credit_day} ({s.credit_line}) and tax "
        f"lines ({', '.join(s.tax_lines)}): delta of customer:unattributed"
    )
    print(
        f"seed: story windows: cost on {w.base.days_with_cost} of {w.base.days} and "
        f"{w.compare.days_with_cost} of {w.compare.days} days ({w.compare.provisional_days} "
        f"provisional), last cost day {w.last_cost_day}; the API's default windows end there"
    )
    for table, digest in result.checksums.items():
        print(f"seed: checksum {table} {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
