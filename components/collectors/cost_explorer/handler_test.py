from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from collectors.cost_explorer.conftest import PAYER_ACCOUNT
from collectors.cost_explorer.handler import handler, payer_session
from collectors.cost_explorer.settings import CostExplorerSettings, SettingsError


@pytest.fixture
def base() -> Iterator[boto3.Session]:
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


def test_without_a_payer_account_the_lambda_credentials_are_used(base) -> None:
    session, account = payer_session(CostExplorerSettings(), {}, base)
    assert session is base
    assert account == PAYER_ACCOUNT


def test_a_payer_account_is_reached_through_the_read_role(base) -> None:
    settings = CostExplorerSettings(payer_account="999999999999")
    session, account = payer_session(settings, {"POLO_READ_ROLE_NAME": "PoloReadRole"}, base)
    assert account == "999999999999"
    arn = session.client("sts").get_caller_identity()["Arn"]
    assert arn.startswith("arn:aws:sts::999999999999:assumed-role/PoloReadRole/")


def test_a_bad_setting_fails_before_anything_is_contacted(monkeypatch) -> None:
    monkeypatch.setenv("POLO_CE_PAYER_ACCOUNT", "not-an-account")
    monkeypatch.setenv("POLO_CLICKHOUSE_URL", "http://127.0.0.1:9/unreachable")
    with pytest.raises(SettingsError, match="payer_account"):
        handler({}, None)
