from __future__ import annotations

import pytest

from collectors.common.config import ConfigError, load_config

VALID = {
    "POLO_TARGET_ACCOUNTS": "111111111111, 222222222222 111111111111",
    "POLO_REGIONS": "us-east-1,eu-west-1",
}


def test_minimal_configuration_and_defaults() -> None:
    config = load_config(VALID)
    assert config.target_accounts == ("111111111111", "222222222222")  # de-duplicated, in order
    assert config.regions == ("us-east-1", "eu-west-1")
    assert config.read_role_name == "PoloReadRole"
    assert config.external_id is None
    assert config.clickhouse_url is None
    assert (config.retry_mode, config.max_attempts) == ("standard", 5)
    assert config.observation_bucket_seconds == 3600
    assert config.tag_resolver().resolve({"Customer": "A"}).marqo_customer == "a"


def test_every_setting_from_the_environment() -> None:
    config = load_config(
        {
            **VALID,
            "POLO_READ_ROLE_NAME": "CostReader",
            "POLO_EXTERNAL_ID": "polo-ext-42",
            "POLO_CLICKHOUSE_URL": "https://polo:secret@ch.example.com:8443/polo",
            "POLO_CLICKHOUSE_DATABASE": "polo_prod",
            "POLO_TAG_ALIASES": '{"customer": ["tenant"], "marqo_role": ["component"]}',
            "POLO_AWS_RETRY_MODE": "adaptive",
            "POLO_AWS_MAX_ATTEMPTS": "10",
            "POLO_OBSERVATION_BUCKET_SECONDS": "900",
            "POLO_COLLECTOR_CONCURRENCY": "8",
        }
    )
    assert config.read_role_name == "CostReader"
    assert config.external_id == "polo-ext-42"
    assert config.clickhouse_database == "polo_prod"
    assert config.tag_aliases == {"customer": ("tenant",), "role": ("component",)}
    assert (config.retry_mode, config.max_attempts) == ("adaptive", 10)
    assert config.observation_bucket_seconds == 900
    assert config.concurrency == 8
    assert config.tag_resolver().resolve({"tenant": "acme"}).rule == "tag:tenant"


def test_region_falls_back_to_the_lambda_region() -> None:
    config = load_config({"POLO_TARGET_ACCOUNTS": "111111111111", "AWS_REGION": "eu-west-1"})
    assert config.regions == ("eu-west-1",)


def test_one_error_lists_every_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(
            {
                "POLO_TARGET_ACCOUNTS": "111111111111,12345",
                "POLO_REGIONS": "us-east-1,moon-1",
                "POLO_READ_ROLE_NAME": "bad role!",
                "POLO_EXTERNAL_ID": "x",
                "POLO_CLICKHOUSE_URL": "ftp://nope",
                "POLO_TAG_ALIASES": '{"team": ["Team"], "customer": "Customer"}',
                "POLO_AWS_RETRY_MODE": "yolo",
                "POLO_AWS_MAX_ATTEMPTS": "many",
                "POLO_OBSERVATION_BUCKET_SECONDS": "0",
            }
        )
    problems = caught.value.problems
    text = str(caught.value)
    assert len(problems) == 10, problems
    for fragment in [
        "not 12 digits: ['12345']",
        "unknown regions: ['moon-1']",
        "POLO_READ_ROLE_NAME='bad role!'",
        "POLO_EXTERNAL_ID",
        "POLO_CLICKHOUSE_URL='ftp://nope'",
        "unknown owner field 'team'",
        "'customer' must map to a non-empty list",
        "POLO_AWS_RETRY_MODE='yolo'",
        "POLO_AWS_MAX_ATTEMPTS='many' is not an integer",
        "POLO_OBSERVATION_BUCKET_SECONDS=0 must be between 1 and 86400",
    ]:
        assert fragment in text


def test_missing_required_values_are_named() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({})
    assert [p.split(" ")[0] for p in caught.value.problems] == [
        "POLO_TARGET_ACCOUNTS",
        "POLO_REGIONS",
    ]


@pytest.mark.parametrize("raw", ["not json", "[1, 2]"])
def test_tag_aliases_must_be_a_json_object(raw: str) -> None:
    with pytest.raises(ConfigError, match="POLO_TAG_ALIASES"):
        load_config({**VALID, "POLO_TAG_ALIASES": raw})
