from __future__ import annotations

from pathlib import Path

import pytest

from polo.cli import InfraError, cdk_deploy_argv, deploy, main, synth


def test_synth_writes_the_three_templates(fake_dist: Path, tmp_path: Path) -> None:
    written = synth("staging", tmp_path / "cdk.out", fake_dist)
    assert sorted(name for name, _, _ in written) == [
        "Polo-Staging-ClickHouse",
        "Polo-Staging-Collectors",
        "Polo-Staging-Destination",
    ]
    for _, path, size in written:
        assert path.is_file() and size == path.stat().st_size > 1000


def test_synth_without_artifacts_fails_in_one_line(tmp_path: Path, capsys) -> None:
    code = main(["synth", "--out", str(tmp_path / "o"), "--dist", str(tmp_path / "nothing")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("synth-infra: error: collector config_ec2: Lambda artifact")
    assert "./pants package components/collectors:: components/jobs::" in err


def test_deploy_without_credentials_stops_before_anything_else(tmp_path: Path) -> None:
    def no_credentials() -> str:
        raise InfraError("no usable AWS credentials (NoCredentialsError): configure a profile")

    ran = []
    with pytest.raises(InfraError, match="no usable AWS credentials"):
        deploy(
            "staging",
            out=tmp_path,
            dist=tmp_path,
            destination=False,
            parameters=[],
            run=ran.append,
            account=no_credentials,
        )
    assert ran == []


def test_deploy_main_reports_missing_credentials_in_one_line(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert main(["deploy", "--env", "staging", "--dist", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("deploy-infra: error: no usable AWS credentials")


def test_deploy_runs_cdk_deploy_on_the_synthesised_assembly(fake_dist: Path, tmp_path: Path):
    ran: list[list[str]] = []
    code = deploy(
        "staging",
        out=tmp_path,
        dist=fake_dist,
        destination=True,
        parameters=["ExternalId=abcdefghijklmnop", "PoloAccountId=111122223333"],
        run=lambda argv: ran.append(argv) or 0,
        which=lambda tool: "/usr/bin/cdk",
        account=lambda: "111122223333",
    )
    assert code == 0
    assert ran == [
        cdk_deploy_argv(
            tmp_path / "staging" / "destination",
            ["Polo-Staging-Destination"],
            ["ExternalId=abcdefghijklmnop", "PoloAccountId=111122223333"],
            "/usr/bin/cdk",
        )
    ]
    assert ran[0][:4] == [
        "/usr/bin/cdk",
        "deploy",
        "--app",
        str(tmp_path / "staging" / "destination"),
    ]


def test_deploy_without_the_cdk_cli_says_how_to_install_it(tmp_path: Path):
    with pytest.raises(InfraError, match="npm install -g aws-cdk@2"):
        deploy(
            "staging",
            out=tmp_path,
            dist=tmp_path,
            destination=False,
            parameters=[],
            which=lambda tool: None,
            account=lambda: "111122223333",
        )
