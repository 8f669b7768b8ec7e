from __future__ import annotations

import pytest

from attribution.seed import main


def test_the_cli_rejects_bad_sizes_before_connecting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--days", "3", "--url", "http://127.0.0.1:9/never"]) == 2
    assert "days" in capsys.readouterr().err
