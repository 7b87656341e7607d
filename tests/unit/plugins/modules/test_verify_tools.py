"""verify_tools with run_command faked: what it runs, what it returns, when it fails."""

from ansible_collections.ciab.claude_in_a_box.plugins.modules import verify_tools
from module_harness import run_module

TOOLS = [
    {"name": "kubectl", "version": "1.34.4", "verify": ["kubectl", "version", "--client"],
     "expect": "Client Version: v{version}"},
    {"name": "jq", "verify": ["jq", "--version"], "expect": "^jq-\\d"},
]


def run(monkeypatch, args, outputs, check_mode=False):
    """Run the module with `outputs` (argv[-1 tool] -> (rc, out, err)); return (result, calls)."""
    def answer(argv):
        tool = next(a for a in argv if a in {t["name"] for t in TOOLS} | {"x"})
        return outputs.get(tool, (127, "", "executable file not found in $PATH"))
    return run_module(monkeypatch, verify_tools.main, args, answer, check_mode)


GOOD = {"kubectl": (0, "Client Version: v1.34.4\n", ""), "jq": (0, "jq-1.6\n", "")}


def test_all_good_in_container(monkeypatch):
    result, calls = run(monkeypatch, {"tools": TOOLS, "container": "agent", "user": "1000"}, GOOD)
    assert not result.get("failed") and result["changed"] is False
    assert result["failed_tools"] == []
    assert calls[0] == ["/usr/bin/docker", "exec", "--user", "1000", "agent", "kubectl", "version", "--client"]
    assert [r["ok"] for r in result["results"]] == [True, True]


def test_failure_names_each_tool(monkeypatch):
    outputs = {"kubectl": (0, "Client Version: v1.30.0\n", "")}
    result, dummy = run(monkeypatch, {"tools": TOOLS, "container": "agent"}, outputs)
    assert result["failed"] is True
    assert result["failed_tools"] == ["kubectl", "jq"]
    assert result["msg"].startswith("2 of 2 tools failed verification: kubectl (output does not match")
    assert "jq (not found" in result["msg"]


def test_fail_on_error_false_returns_results(monkeypatch):
    result, dummy = run(monkeypatch, {"tools": TOOLS, "container": "agent", "fail_on_error": False}, {})
    assert not result.get("failed")
    assert result["failed_tools"] == ["kubectl", "jq"]


def test_check_mode_still_verifies(monkeypatch):
    result, calls = run(monkeypatch, {"tools": TOOLS}, GOOD, check_mode=True)
    assert len(calls) == 2 and result["changed"] is False and result["msg"] == "all 2 tools verified"


def test_incomplete_tool_entry_is_refused(monkeypatch):
    result, calls = run(monkeypatch, {"tools": [{"name": "x"}]}, {})
    assert result["failed"] is True and "incomplete: x" in result["msg"] and calls == []
