"""Lifecycle collector: CloudTrail create / change / destroy events with their actor.

Writes the `lifecycle_events` table (docs/data-model.md); docs/cost-and-lifecycle.md explains it.
"""
