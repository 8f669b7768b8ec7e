"""The split rules file as the deployed attribution rebuild gets it: validated at synthesis,
shipped alone in a layer, named by POLO_ALLOCATION_RULES on the rebuild function only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from polo.allocation import InvalidAllocationRules, read_rules_file
from polo.cli import main
from polo.conftest import resources

RULES = """\
version = 1

[[rule]]
id = "shared-nat"
effective_from = 2026-01-01
match = { usage_type = ["NatGateway-Hours", "NatGateway-Bytes"] }
method = "proportional"
to = [{ customer = "acme" }, { customer = "globex" }]
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    # Something else beside the rules must never reach the layer.
    (folder / "notes.txt").write_text("not for the function\n")
    path = folder / "polo-allocation.toml"
    path.write_text(RULES)
    return path


def _functions(template: Template) -> dict[str, dict]:
    return {
        r["Properties"]["FunctionName"]: r["Properties"]
        for r in resources(template, "AWS::Lambda::Function").values()
    }


def test_a_valid_file_is_read_with_its_path_on_the_function(rules_file: Path) -> None:
    rules = read_rules_file(rules_file)
    assert rules.rule_versions == 1
    assert rules.text == RULES
    assert rules.function_path == "/opt/polo-allocation.toml"


def test_an_invalid_file_stops_the_synthesis_naming_the_line(tmp_path: Path, fake_dist: Path):
    bad = tmp_path / "polo-allocation.toml"
    bad.write_text(RULES.replace('method = "proportional"', 'method = "weighted"'))
    with pytest.raises(InvalidAllocationRules, match="nothing was synthesised") as error:
        read_rules_file(bad)
    assert f"{bad}:7: rule \"shared-nat\": method: unknown method 'weighted'" in str(error.value)

    out = str(tmp_path / "o")
    code = main(["synth", "--out", out, "--dist", str(fake_dist), "--allocation-rules", str(bad)])
    assert code == 2
    assert not (tmp_path / "o").exists()


def test_the_rebuild_ships_the_file_as_a_layer_and_names_it(
    rules_file: Path, fake_dist: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "cdk.out"
    rules = str(rules_file)
    code = main(["synth", "--out", str(out), "--dist", str(fake_dist), "--allocation-rules", rules])
    assert code == 0
    assert (
        f"allocation rules: {rules_file} ships with the attribution rebuild as "
        "POLO_ALLOCATION_RULES=/opt/polo-allocation.toml"
    ) in capsys.readouterr().out
    assembly = out / "staging" / "polo"
    template = Template.from_json(
        json.loads((assembly / "Polo-Staging-Collectors.template.json").read_text())
    )
    (layer_id, layer), *others = resources(template, "AWS::Lambda::LayerVersion").items()
    assert others == []
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.11"]
    functions = _functions(template)
    rebuild = functions.pop("polo-staging-attribution_rebuild")
    assert rebuild["Layers"] == [{"Ref": layer_id}]
    assert rebuild["Environment"]["Variables"]["POLO_ALLOCATION_RULES"] == (
        "/opt/polo-allocation.toml"
    )
    for name, function in functions.items():
        assert "Layers" not in function, name
        assert "POLO_ALLOCATION_RULES" not in function["Environment"]["Variables"], name
    # The layer's content is exactly the validated file, under its own name.
    asset_hash = layer["Properties"]["Content"]["S3Key"].removesuffix(".zip")
    asset = assembly / f"asset.{asset_hash}"
    assert sorted(p.name for p in asset.iterdir()) == ["polo-allocation.toml"]
    assert (asset / "polo-allocation.toml").read_text() == RULES


def test_without_a_file_the_rebuild_splits_nothing(templates) -> None:
    functions = _functions(templates["Collectors"])
    rebuild = functions["polo-staging-attribution_rebuild"]
    assert "Layers" not in rebuild
    assert "POLO_ALLOCATION_RULES" not in rebuild["Environment"]["Variables"]
    assert resources(templates["Collectors"], "AWS::Lambda::LayerVersion") == {}
