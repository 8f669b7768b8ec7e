"""Property: any string bound through `encode_param` arrives unchanged and matches no more rows
than its literal value, through the real query paths: PoloClickHouse over the ClickHouse HTTP
interface (`param_` URL values, the chlocal endpoint) and over embedded chDB.

The reference for "its literal value" is the same string sent as hex and decoded by ClickHouse
(`unhex`), which no escaping can alter.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from clickhouse_connect.driver.client import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chlocal.process import running_endpoint
from clickhouse.client import PoloClickHouse, connect

# Rows a widened filter would match: the empty string (what `\N` became), NULL's spelling,
# backslashes and separators.
FIXED_ROWS = ["", "\\N", "\\", "x\\", "a", "a\tb", "a\nb", "a\r\nb", "N", "\\\\N", "\0"]

# Every Unicode scalar value (all code points but the surrogates, which UTF-8 cannot carry),
# control characters included; the sampled alphabet makes the dangerous characters frequent.
UNICODE = st.characters(codec="utf-8")
TRICKY = st.sampled_from(
    ["\\", "N", "\t", "\n", "\r", "\0", "'", "`", "%", "+", "&", "=", "é", "🙂"]
)
STRINGS = st.text(alphabet=st.one_of(TRICKY, UNICODE), max_size=40) | st.text(UNICODE, max_size=40)


@pytest.fixture(scope="module")
def http_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PoloClickHouse]:
    data_dir = tmp_path_factory.mktemp("params") / "clickhouse"
    with running_endpoint(data_dir) as server, connect(server.url, create_database=True) as db:
        _create_table(db)
        yield db


@pytest.fixture
def chdb_db(ch_client: Client) -> PoloClickHouse:
    db = PoloClickHouse(ch_client)
    _create_table(db)
    return db


def _create_table(db: PoloClickHouse) -> None:
    db.command("t", "DROP TABLE IF EXISTS roundtrip")
    db.command("t", "CREATE TABLE roundtrip (v String) ENGINE = Memory")
    db.client.insert("roundtrip", [[v] for v in FIXED_ROWS], column_names=["v"])


def _check(db: PoloClickHouse, value: str) -> None:
    echoed = db.query("echo", "SELECT {p:String} AS v", {"p": value}).result_rows
    assert echoed == [(value,)]
    hexed = value.encode().hex()
    # The shape of Polo's filters: '' means "any", otherwise an exact match.
    bound = db.query(
        "bound",
        "SELECT count() FROM roundtrip WHERE ({p:String} = '' OR v = {p:String})",
        {"p": value},
    ).result_rows[0][0]
    literal = db.query(
        "literal",
        "SELECT count() FROM roundtrip WHERE (unhex({h:String}) = '' OR v = unhex({h:String}))",
        {"h": hexed},
    ).result_rows[0][0]
    assert bound == literal
    expected = len(FIXED_ROWS) if value == "" else FIXED_ROWS.count(value)
    assert bound == expected


_EXAMPLES = ["\\N", "x\\", "a\r\nb", "\\", "\t", "\0", "\\\\N", "", "a%0D%0Ab", "\x85", "\u2028"]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=STRINGS)
@example(value="\\N")
@example(value="x\\")
@example(value="a\r\nb")
@example(value="\0")
def test_any_string_round_trips_over_http(http_db: PoloClickHouse, value: str) -> None:
    _check(http_db, value)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=STRINGS)
@example(value="\\N")
@example(value="x\\")
def test_any_string_round_trips_over_embedded_chdb(chdb_db: PoloClickHouse, value: str) -> None:
    _check(chdb_db, value)


@pytest.mark.parametrize("value", _EXAMPLES)
def test_attack_values_over_http(http_db: PoloClickHouse, value: str) -> None:
    _check(http_db, value)
