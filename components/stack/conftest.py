"""Fixtures for the stack's integration tests: the endpoint fixtures of chlocal's tests.

chDB opens one data directory per process, and the test process may already host the shared
embedded engine (components/conftest.py), so the endpoint is a subprocess (chlocal/conftest.py).
"""

from __future__ import annotations

# Imported so that pytest registers them here too: the stack starts the same endpoint.
from chlocal.conftest import endpoint, fresh_database  # noqa: F401
