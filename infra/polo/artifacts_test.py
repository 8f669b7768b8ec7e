from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from polo.artifacts import PACKAGE_COMMAND, MissingArtifact, lambda_code


def test_a_missing_zip_names_the_command_that_builds_it(tmp_path: Path) -> None:
    with pytest.raises(MissingArtifact) as error:
        lambda_code(tmp_path, "a/lambda.zip", "collectors.a.handler.handler", what="collector a")
    assert str(error.value).startswith(f"collector a: Lambda artifact {tmp_path}/a/lambda.zip")
    assert PACKAGE_COMMAND in str(error.value)


def test_a_zip_without_the_handler_module_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a" / "lambda.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("somethingelse.py", "")
    with pytest.raises(MissingArtifact, match="does not contain the handler module"):
        lambda_code(tmp_path, "a/lambda.zip", "collectors.a.handler.handler", what="collector a")


def test_an_empty_file_is_not_a_zip(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "lambda.zip").write_bytes(b"")
    with pytest.raises(MissingArtifact, match="is not a zip file"):
        lambda_code(tmp_path, "a/lambda.zip", "x.handler", what="job a")
