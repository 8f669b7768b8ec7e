"""Cost Explorer collector: daily cost per account, service, usage type and resource.

Writes the `cost_daily` table (docs/data-model.md); docs/cost-and-lifecycle.md explains it.
"""
