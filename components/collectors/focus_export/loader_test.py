from __future__ import annotations

from collectors.focus_export.loader import S3Reader


def test_aws_urls_are_virtual_hosted_and_an_endpoint_is_path_style() -> None:
    aws = S3Reader(region="eu-west-1", access_key_id="k", secret_access_key="s")
    local = S3Reader(endpoint="http://127.0.0.1:5000/", access_key_id="k", secret_access_key="s")
    assert aws.url("b", "x/y.parquet") == "https://b.s3.eu-west-1.amazonaws.com/x/y.parquet"
    assert local.url("b", "x/y.parquet") == "http://127.0.0.1:5000/b/x/y.parquet"


def test_credentials_are_bound_parameters_never_sql_text() -> None:
    reader = S3Reader(access_key_id="AKIA1", secret_access_key="wJal/+xyz", session_token="tok")
    assert "wJal" not in reader.table_function() and "AKIA1" not in reader.table_function()
    assert reader.table_function() == (
        "s3({s3_url:String}, {s3_key:String}, {s3_secret:String}, {s3_token:String}, 'Parquet')"
    )
    assert reader.parameters("b", "k") == {
        "s3_url": "https://b.s3.us-east-1.amazonaws.com/k",
        "s3_key": "AKIA1",
        "s3_secret": "wJal/+xyz",
        "s3_token": "tok",
    }


def test_without_a_session_token_the_token_argument_is_left_out() -> None:
    reader = S3Reader(access_key_id="k", secret_access_key="s")
    assert "s3_token" not in reader.table_function()
    assert "s3_token" not in reader.parameters("b", "k")
