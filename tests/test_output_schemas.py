"""Every JSON output carries its envelope and validates against the JSON Schema that
`dangjian schema NAME` publishes (generated from the Rust row types)."""

import json
import subprocess

import jsonschema
import pytest
from conftest import AS_OF, ROOT

EXE = ROOT / "target" / "debug" / "dangjian"
OUTPUTS = {
    "report": ["report"],
    "tasks": ["tasks"],
    "duties": ["duties"],
    "coverage": ["coverage"],
    "cadres": ["cadres"],
    "catalogue": ["catalogue"],
    "enterprise_orgs": ["stats", "enterprise_orgs"],
    "org_life": ["stats", "org_life"],
}


def run(*args):
    if not EXE.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "dangjian-cli"], cwd=ROOT, check=True)
    out = subprocess.run([str(EXE), *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return out.stdout


@pytest.fixture(scope="module")
def schemas():
    return {name: json.loads(run("schema", name)) for name in OUTPUTS}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "district"
    run("generate", "--seed", "3", "--to", str(path))
    return path


def validate(doc, schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_the_example_outputs_validate_against_their_schemas(name, schemas):
    args = OUTPUTS[name] + ["--format", "json"]
    if name != "catalogue":
        args += ["--as-of", AS_OF]
    doc = json.loads(run(*args))
    validate(doc, schemas[name])
    assert doc["format"] == f"dangjian-{name}/1"
    assert doc["rows"], "the example has rows for every output"
    if name != "catalogue":
        assert (doc["as_of"], doc["from"]) == (AS_OF, "2019-01-01")
        assert doc["scope"] == {"id": "chengxi", "name": "城西新区"}
    else:
        assert doc["as_of"] is None and doc["scope"] is None


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_a_generated_ledgers_outputs_validate_too(name, schemas, generated):
    args = OUTPUTS[name] + ["--format", "json", "--data", str(generated)]
    if name in ("report", "enterprise_orgs"):
        args += ["--by", "area"]
    doc = json.loads(run(*args))
    validate(doc, schemas[name])
    assert doc["rows"]
    if name in ("report", "enterprise_orgs"):
        assert doc["by"] == "area"


def test_python_metrics_json_is_the_report_envelope(schemas, ds):
    doc = ds.metrics_json(as_of=AS_OF, by="area")
    validate(doc, schemas["report"])
    assert doc["format"] == "dangjian-report/1" and doc["by"] == "area"
    # `due` is written only where a target counts: coverage.org has one (2019-12-31).
    cov = next(r for r in doc["rows"] if r["metric"] == "coverage.org" and r["scope"] == "chengxi")
    assert cov["due"] == "2019-12-31"


def test_the_schemas_refuse_what_is_not_the_contract(schemas):
    doc = json.loads(run("tasks", "--format", "json", "--as-of", AS_OF))
    bad = json.loads(json.dumps(doc))
    bad["rows"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        validate(bad, schemas["tasks"])
    bad = json.loads(json.dumps(doc))
    del bad["rows"][0]["deadline"]
    with pytest.raises(jsonschema.ValidationError):
        validate(bad, schemas["tasks"])
    bad = json.loads(json.dumps(doc))
    bad["rows"][0]["deadline"] = None  # a key task always has a deadline
    with pytest.raises(jsonschema.ValidationError):
        validate(bad, schemas["tasks"])
    bad = json.loads(json.dumps(doc))
    bad["format"] = "dangjian-tasks/2"
    with pytest.raises(jsonschema.ValidationError):
        validate(bad, schemas["tasks"])


def test_an_unknown_schema_name_lists_the_outputs():
    out = subprocess.run([str(EXE), "schema", "budgets"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "report" in out.stderr and "org_life" in out.stderr
