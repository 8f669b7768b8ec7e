"""Throughput of the endpoint for a small SELECT, with 1 and with 8 concurrent clients.

Target (docs/local-stack.md): at least 200 requests/s on a 2-core machine for either case,
so the Worker, the UI and the CLI can share one endpoint without queuing behind each other.
Figures are printed, not asserted: they depend on the machine.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from chlocal.process import Endpoint

SMALL_SELECT = "SELECT number, toString(number) FROM numbers(10)"
REQUESTS = 200


def _hammer(url: str, clients: int) -> None:
    per_client = REQUESTS // clients

    def work() -> None:
        with httpx.Client() as http:
            for _ in range(per_client):
                response = http.get(url, params={"query": SMALL_SELECT})
                assert response.status_code == 200

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.parametrize("clients", [1, 8])
def test_small_select_throughput(benchmark, endpoint: Endpoint, clients: int) -> None:  # type: ignore[no-untyped-def]
    benchmark.pedantic(_hammer, args=(endpoint.url, clients), rounds=3, iterations=1)
    per_second = REQUESTS / benchmark.stats.stats.mean
    print(
        f"\nchlocal small SELECT, {clients} client(s): {per_second:.0f} requests/s (target >= 200)"
    )
