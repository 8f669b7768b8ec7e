"""Polo's scheduled jobs (Lambda entry points deployed by infra/polo): the daily attribution
rebuild and the collector freshness metric."""
