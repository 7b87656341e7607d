"""agent_audit with kubectl and docker faked: where it reads, what it returns, how bad input fails."""
import json

import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.modules import agent_audit
from module_harness import run_module

SA = "system:serviceaccount:claude:claude-agent"
RECORD = "\n".join(json.dumps(line) for line in [
    {"ciab_audit": 1, "ts": "2026-11-27T12:00:01Z", "event": "PreToolUse", "session_id": "s", "tool_use_id": "t1",
     "tool": "Bash", "input": {"command": "kubectl get pods"}, "namespace": "claude", "service_account": "claude-agent"},
    {"ciab_audit": 1, "ts": "2026-11-27T12:00:02Z", "event": "PostToolUse", "session_id": "s", "tool_use_id": "t1",
     "tool": "Bash", "status": "ok", "exit_code": 0, "duration_ms": 1000, "namespace": "claude",
     "service_account": "claude-agent"}]) + "\nciab: a line of the entrypoint\n"
AUDIT = json.dumps({"kind": "Event", "stage": "ResponseComplete", "verb": "list", "user": {"username": SA},
                    "userAgent": "kubectl/v1.34.4", "objectRef": {"resource": "pods", "namespace": "default"},
                    "responseStatus": {"code": 200}, "requestReceivedTimestamp": "2026-11-27T12:00:01.5Z"}) + "\n{broken\n"


def run(monkeypatch, args, outputs, check_mode=False):
    """Run the module with `outputs`: kubectl's answer, and docker's by its subcommand."""
    def answer(argv):
        return outputs[argv[1] if argv[0].endswith("docker") else "kubectl"]
    return run_module(monkeypatch, agent_audit.main, args, answer, check_mode)


def test_pod_and_control_plane(monkeypatch):
    result, calls = run(monkeypatch, {"record_pod": "claude-agent-0", "kubeconfig": "/k", "context": "kind-x",
                                      "audit_log_container": "x-control-plane"},
                        {"kubectl": (0, RECORD, ""), "exec": (0, AUDIT, "")}, check_mode=True)
    assert not result.get("failed") and result["changed"] is False
    assert calls[0] == ["/usr/bin/kubectl", "--kubeconfig", "/k", "--context", "kind-x", "logs", "-n", "claude",
                        "claude-agent-0", "-c", "claude"]
    assert calls[1] == ["/usr/bin/docker", "exec", "x-control-plane", "cat", "/var/log/kubernetes/audit/audit.log"]
    assert [r["verb"] for r in result["timeline"][0]["requests"]] == ["list"]
    assert [line.split(" - ")[0] for line in result["malformed_lines"]] == [
        "audit log /var/log/kubernetes/audit/audit.log in container x-control-plane line 2"]
    assert ["warn", "left out: " + result["malformed_lines"][0]] in calls
    assert result["table"][-1].startswith("1 tool calls")


@pytest.mark.parametrize("args, outputs, message", [
    ({"record_pod": "nope", "audit_log_container": "cp"},
     {"kubectl": (1, "", 'Error from server (NotFound): pods "nope" not found'), "exec": (0, AUDIT, "")},
     'cannot read the log of pod claude/nope: /usr/bin/kubectl logs -n exited 1: Error from server (NotFound): pods "nope" not found'),
    ({"record_pod": "p", "audit_log_container": "gone"},
     {"kubectl": (0, RECORD, ""), "exec": (1, "", "Error response from daemon: No such container: gone")},
     "No such container: gone"),
    ({"record_path": "/nonexistent/record", "audit_log_container": "cp"}, {}, "the record file /nonexistent/record does not exist"),
    ({"record_pod": "p", "audit_log_path": "/nonexistent/audit.log"}, {"kubectl": (0, RECORD, "")},
     "the audit log /nonexistent/audit.log does not exist"),
    ({"record_pod": "p", "audit_log_container": "cp", "skew": -1}, {}, "skew must be 0 or more seconds, got -1.0"),
    ({"record_pod": "p", "audit_log_container": "cp"},
     {"kubectl": (0, RECORD, ""), "exec": (0, AUDIT.replace("claude-agent", "other"), "")},
     "none by system:serviceaccount:claude:claude-agent: it is from another cluster"),
])
def test_bad_input_fails_with_the_reason(monkeypatch, args, outputs, message):
    result, dummy = run(monkeypatch, args, outputs)
    assert result.get("failed") and message in result["msg"], result["msg"]
