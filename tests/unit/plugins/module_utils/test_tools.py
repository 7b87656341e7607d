"""The manifest logic shared by the Dockerfile filter and the verify_tools module."""
import pathlib

import pytest
import yaml

from ansible_collections.ciab.claude_in_a_box.plugins.module_utils import _tools

HERE = pathlib.Path(__file__).parent
REPO = HERE.parents[3]
MANIFEST = yaml.safe_load((REPO / "files" / "tools.yml").read_text())["tools"]
CASES = yaml.safe_load((HERE / "judge_cases.yml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_judge(case):
    result = _tools.judge(case["tool"], case["rc"], case.get("stdout", ""), case.get("stderr", ""))
    assert result["name"] == case["tool"]["name"]
    assert result["ok"] is case["ok"]
    assert (result["error"] is None) is case["ok"]
    if "found" in case:
        assert result["found"] == case["found"]
    if "error_contains" in case:
        assert case["error_contains"] in result["error"]


def test_real_manifest_is_valid_and_large_enough():
    _tools.validate(MANIFEST)
    assert len(MANIFEST) >= 30


def test_every_pinned_tool_expects_its_version():
    for tool in MANIFEST:
        if "version" in tool:
            assert "{version}" in tool.get("expect", "{version}"), tool["name"]


@pytest.mark.parametrize("profile,must,must_not", [
    ("minimal", ["claude", "kubernetes-mcp-server", "kubectl", "tini", "jq"], ["helm", "trivy"]),
    ("standard", ["helm", "stern", "k9s"], ["trivy", "grype", "nerdctl"]),
    ("full", ["trivy", "grype", "nerdctl"], []),
])
def test_profiles_nest(profile, must, must_not):
    names = [t["name"] for t in _tools.select(MANIFEST, profile)]
    assert set(must) <= set(names)
    assert not set(must_not) & set(names)


def test_profiles_only_grow():
    sizes = [len(_tools.select(MANIFEST, p)) for p in _tools.PROFILES]
    assert sizes == sorted(sizes) and len(set(sizes)) == 3


def test_expand_fills_placeholders():
    claude = next(t for t in _tools.select(MANIFEST) if t["name"] == "claude")
    assert claude["package"] == "@anthropic-ai/claude-code-linux-x64"
    assert claude["integrity"].startswith("sha512-")
    kubectl = next(t for t in _tools.select(MANIFEST) if t["name"] == "kubectl")
    assert kubectl["url"] == "https://dl.k8s.io/release/v1.34.4/bin/linux/amd64/kubectl"
    for tool in _tools.select(MANIFEST):
        for field in ("url", "checksum_url", "package", "member"):
            assert "{" not in str(tool.get(field, "")), (tool["name"], field)


@pytest.mark.parametrize("kwargs,message", [
    ({"profile": "huge"}, "profile 'huge' is not one of minimal, standard, full"),
    ({"exclude": ["kubectl", "nope"]}, "cannot exclude unknown tool(s) nope; the manifest lists: claude"),
    ({"arch": "s390x"}, "architecture 's390x' is not one of amd64, arm64"),
])
def test_select_names_bad_values(kwargs, message):
    with pytest.raises(_tools.ManifestError) as err:
        _tools.select(MANIFEST, **kwargs)
    assert message in str(err.value)


def test_exclude_removes():
    names = [t["name"] for t in _tools.select(MANIFEST, exclude=["trivy", "grype"])]
    assert "trivy" not in names and "grype" not in names and "kubectl" in names


def test_arch_without_integrity_is_refused():
    with pytest.raises(_tools.ManifestError, match="kubernetes-mcp-server: no pinned npm integrity for architecture 'arm64'"):
        _tools.select(MANIFEST, arch="arm64")


@pytest.mark.parametrize("broken,message", [
    ([{"name": "x", "category": "ai", "profile": "full", "source": "npm", "verify": ["x"]}], "x: missing 'package'"),
    ([{"name": "x", "category": "ai", "profile": "max", "source": "distro", "package": "x", "verify": ["x"]}],
     "x: profile 'max' is not one of"),
    ([{"name": "x", "category": "ai", "profile": "full", "source": "pip", "verify": ["x"]}], "x: source 'pip'"),
    ([{"name": "x", "category": "ai", "profile": "full", "source": "distro", "package": "x", "verify": []}],
     "'verify' must be a non-empty argv list"),
    ([{"name": "x", "category": "a", "profile": "full", "source": "distro", "package": "x", "verify": ["x"]}] * 2,
     "x: listed twice"),
    ([{"name": "x", "category": "a", "profile": "full", "source": "distro", "package": "x", "verify": ["x"],
       "expect": "(unclosed"}], "not a valid regular expression"),
    ([], "non-empty list"),
])
def test_validate_reports(broken, message):
    with pytest.raises(_tools.ManifestError, match=None) as err:
        _tools.validate(broken)
    assert message in str(err.value)


def test_verify_argv_in_container_and_on_host():
    tool = {"name": "jq", "verify": ["jq", "--version"]}
    assert _tools.verify_argv(tool) == ["jq", "--version"]
    assert _tools.verify_argv(tool, "c1", "/usr/bin/docker", user="1000") == [
        "/usr/bin/docker", "exec", "--user", "1000", "c1", "jq", "--version"]


def test_summary_names_every_failure():
    results = [
        {"name": "a", "ok": True, "error": None},
        {"name": "b", "ok": False, "error": "not found: b"},
        {"name": "c", "ok": False, "error": "exit code 3: boom"},
    ]
    assert _tools.summary(results) == "2 of 3 tools failed verification: b (not found: b); c (exit code 3: boom)"
    assert _tools.summary(results[:1]) is None
