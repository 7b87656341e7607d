"""verify_tools with run_command faked: what it runs, what it returns, when it fails."""
import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.ciab.claude_in_a_box.plugins.modules import verify_tools

TOOLS = [
    {"name": "kubectl", "version": "1.34.4", "verify": ["kubectl", "version", "--client"],
     "expect": "Client Version: v{version}"},
    {"name": "jq", "verify": ["jq", "--version"], "expect": "^jq-\\d"},
]


class Exit(Exception):
    pass


def run(monkeypatch, args, outputs, check_mode=False):
    """Run the module with `outputs` (argv[-1 tool] -> (rc, out, err)); return (result, calls)."""
    calls = []
    payload = dict(args, _ansible_check_mode=check_mode)
    monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": payload})))
    monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)

    def fake_run(self, argv, **kwargs):
        calls.append(argv)
        tool = next(a for a in argv if a in {t["name"] for t in TOOLS} | {"x"})
        return outputs.get(tool, (127, "", "executable file not found in $PATH"))

    def capture(self, **result):
        raise Exit(result)

    monkeypatch.setattr(basic.AnsibleModule, "run_command", fake_run)
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, name, *a, **k: "/usr/bin/" + name)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", capture)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", lambda self, **r: capture(self, failed=True, **r))
    with pytest.raises(Exit) as done:
        verify_tools.main()
    return done.value.args[0], calls


GOOD = {"kubectl": (0, "Client Version: v1.34.4\n", ""), "jq": (0, "jq-1.6\n", "")}


def test_all_good_in_container(monkeypatch):
    result, calls = run(monkeypatch, {"tools": TOOLS, "container": "agent", "user": "1000"}, GOOD)
    assert not result.get("failed") and result["changed"] is False
    assert result["failed_tools"] == []
    assert calls[0] == ["/usr/bin/docker", "exec", "--user", "1000", "agent", "kubectl", "version", "--client"]
    assert [r["ok"] for r in result["results"]] == [True, True]


def test_failure_names_each_tool(monkeypatch):
    outputs = {"kubectl": (0, "Client Version: v1.30.0\n", "")}
    result, _ = run(monkeypatch, {"tools": TOOLS, "container": "agent"}, outputs)
    assert result["failed"] is True
    assert result["failed_tools"] == ["kubectl", "jq"]
    assert result["msg"].startswith("2 of 2 tools failed verification: kubectl (output does not match")
    assert "jq (not found" in result["msg"]


def test_fail_on_error_false_returns_results(monkeypatch):
    result, _ = run(monkeypatch, {"tools": TOOLS, "container": "agent", "fail_on_error": False}, {})
    assert not result.get("failed")
    assert result["failed_tools"] == ["kubectl", "jq"]


def test_check_mode_still_verifies(monkeypatch):
    result, calls = run(monkeypatch, {"tools": TOOLS}, GOOD, check_mode=True)
    assert len(calls) == 2 and result["changed"] is False and result["msg"] == "all 2 tools verified"


def test_incomplete_tool_entry_is_refused(monkeypatch):
    result, calls = run(monkeypatch, {"tools": [{"name": "x"}]}, {})
    assert result["failed"] is True and "incomplete: x" in result["msg"] and calls == []
