from __future__ import annotations

from datetime import date

import pytest

from prodsync.sync import SyncError, is_local_url, open_destination, same_server, window


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("chdb:///tmp/x", True),
        ("http://127.0.0.1:8123", True),
        ("http://localhost:8123/polo", True),
        ("http://[::1]:8123", True),
        ("https://user:pw@clickhouse.prod.example.com:8443/polo", False),
        ("http://10.1.2.3:8123", False),
    ],
)
def test_local_destinations(url: str, local: bool) -> None:
    assert is_local_url(url) is local


def test_a_remote_destination_is_refused_without_force() -> None:
    with pytest.raises(SyncError, match=r"not local.*--force") as caught:
        open_destination("https://u:secret@ch.example.com:8443/polo", force=False)
    assert "secret" not in str(caught.value)


def test_window_ends_after_today_and_spans_n_days() -> None:
    assert window(30, date(2026, 2, 1)) == (date(2026, 1, 2), date(2026, 2, 1))
    with pytest.raises(SyncError):
        window(0)


def test_same_server_detection() -> None:
    assert same_server("http://a:1/polo", "http://u:p@a:1/polo")
    assert same_server("http://a:1", "http://a:1/polo")  # both default to database polo
    assert not same_server("http://a:1/polo", "http://a:2/polo")
    assert not same_server("http://a:1/polo", "chdb:///tmp/x")
