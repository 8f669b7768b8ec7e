"""Engine behaviour seen through the endpoint: parallel handles, sessions, inline inserts."""

from __future__ import annotations

import threading

import httpx

from chlocal.process import Endpoint


def test_a_slow_query_does_not_block_others(endpoint: Endpoint) -> None:
    slow_done = threading.Event()

    def slow() -> None:
        httpx.get(
            endpoint.url,
            params={"query": "SELECT sleepEachRow(0.5) FROM numbers(4)"},
            timeout=30,
        )
        slow_done.set()

    worker = threading.Thread(target=slow)
    worker.start()
    try:
        for _ in range(5):
            assert httpx.get(endpoint.url, params={"query": "SELECT 1"}).text == "1\n"
        assert not slow_done.is_set()
    finally:
        worker.join()
    assert slow_done.is_set()


def _running(endpoint: Endpoint, fragment: str) -> bool:
    probe = httpx.get(
        endpoint.url,
        params={
            "query": "SELECT count() FROM system.processes WHERE query LIKE {q:String}",
            "param_q": f"%{fragment}%",
        },
    )
    return probe.text.strip() != "1"  # the probe itself matches the pattern once


def test_one_session_runs_one_query_at_a_time(endpoint: Endpoint) -> None:
    session = {"session_id": "engine-test-locked"}
    outcome: list[int] = []
    worker = threading.Thread(
        target=lambda: outcome.append(
            httpx.get(
                endpoint.url,
                params={**session, "query": "SELECT sleepEachRow(0.5) FROM numbers(3) -- locker"},
                timeout=30,
            ).status_code
        )
    )
    worker.start()
    try:
        while not _running(endpoint, "-- locker"):
            assert worker.is_alive(), f"the slow query ended early: {outcome}"
        busy = httpx.get(endpoint.url, params={**session, "query": "SELECT 1"})
        assert busy.headers["X-ClickHouse-Exception-Code"] == "373"
        assert "(SESSION_IS_LOCKED)" in busy.text
    finally:
        worker.join()
    assert outcome == [200]
    assert httpx.get(endpoint.url, params={**session, "query": "SELECT 1"}).text == "1\n"


def test_session_state_is_replayed_and_session_check_works(endpoint: Endpoint) -> None:
    missing = httpx.get(
        endpoint.url,
        params={"session_id": "never-created", "session_check": "1", "query": "SELECT 1"},
    )
    assert missing.headers["X-ClickHouse-Exception-Code"] == "372"
    session = {"session_id": "engine-test-state"}
    assert (
        httpx.post(endpoint.url, params=session, content="SET max_threads = 1").status_code == 200
    )
    kept = httpx.post(endpoint.url, params=session, content="SELECT getSetting('max_threads')")
    assert kept.text == "1\n"
    per_query = httpx.post(
        endpoint.url,
        params={**session, "max_threads": "3"},
        content="SELECT getSetting('max_threads')",
    )
    assert per_query.text == "3\n"
    after = httpx.post(endpoint.url, params=session, content="SELECT getSetting('max_threads')")
    assert after.text == "1\n"


def test_readonly_url_setting_is_enforced_and_does_not_leak(endpoint: Endpoint) -> None:
    refused = httpx.post(
        endpoint.url, params={"readonly": "1"}, content="CREATE DATABASE readonly_probe"
    )
    assert refused.headers["X-ClickHouse-Exception-Code"] == "164"
    allowed = httpx.post(endpoint.url, content="CREATE DATABASE IF NOT EXISTS readonly_probe")
    assert allowed.status_code == 200
    httpx.post(endpoint.url, content="DROP DATABASE readonly_probe")


def test_empty_query_is_a_syntax_error(endpoint: Endpoint) -> None:
    response = httpx.post(endpoint.url, content=" -- nothing\n")
    assert response.status_code == 400
    assert "Empty query" in response.text


def test_insert_into_a_missing_table_reports_it(endpoint: Endpoint) -> None:
    response = httpx.post(endpoint.url, content="INSERT INTO default.absent FORMAT CSV\n1\n")
    assert response.status_code == 404
    assert response.headers["X-ClickHouse-Exception-Code"] == "60"
