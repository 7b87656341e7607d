"""ciab-audit-hook (roles/image/files/audit-hook.sh), run as Claude Code runs it: an event on stdin, nothing on
stdout, exit 0 always. The image test and the KIND scenario run it inside the image under the real claude."""
import json
import os
import pathlib
import subprocess

import pytest

HOOK = pathlib.Path(__file__).resolve().parents[2] / "roles" / "image" / "files" / "audit-hook.sh"

# Values shaped like credentials, planted in tool input and output: none may reach either copy of the record.
PLANTED = {
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.PLANTEDsig-part_xyz",
    "anthropic": "sk-ant-api03-PLANTEDplantedPLANTEDplanted0123456789",
    "other_api": "sk-proj-PLANTEDplanted0123456789abcd",
    "github": "ghp_PLANTEDplantedPLANTEDplanted01234",
    "aws": "AKIAPLANTEDKEY012345",
    "slack": "xoxb-123456789012-PLANTEDplanted",
    "password": "hunter2-planted-pw",
    "bearer": "PLANTEDbearerValue123456",
    "base64": "cGxhbnRlZC1zZWNyZXQtZGF0YS10aGF0LWlzLWxvbmctZW5vdWdoLXRvLXJlZGFjdA==",
    "private_key": "MIIEowIBAAKCAQEAplantedPRIVATEkeyMaterial",
}
PLANTED_TEXT = (
    "jwt {jwt}\nclaude {anthropic}\nother {other_api}\nremote https://{github}@git.example\naws {aws}\nslack {slack}\n"
    "password={password}\nAuthorization: Bearer {bearer}\ndata:\n  key: {base64}\n"
    "-----BEGIN RSA PRIVATE KEY-----\n{private_key}\n-----END RSA PRIVATE KEY-----\n"
    "image sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
).format(**PLANTED)


def hook(tmp_path, event, **env):
    run_env = dict(os.environ, CIAB_AUDIT_FILE=str(tmp_path / "audit" / "audit.jsonl"),
                   CIAB_AUDIT_STDOUT=str(tmp_path / "container.log"), CIAB_CLUSTER="kind-test", CIAB_NAMESPACE="claude",
                   CIAB_POD_NAME="claude-agent-0", CIAB_POD_IP="10.244.1.7", CIAB_TIER="reader", CIAB_SERVICE_ACCOUNT="claude-agent")
    run_env.update(env)
    (tmp_path / "container.log").touch()
    data = event if isinstance(event, str) else json.dumps(event)
    done = subprocess.run(["bash", str(HOOK)], input=data, capture_output=True, text=True, env=run_env, timeout=30, check=False)
    assert done.returncode == 0 and done.stdout == "", (done.returncode, done.stdout, done.stderr)
    return done


def lines(tmp_path, name="container.log"):
    path = tmp_path / name if name == "container.log" else tmp_path / "audit" / name
    return [json.loads(line) for line in path.read_text().splitlines()]


def base(event, **fields):
    data = {"session_id": "0b08e5b5-4033-4ed0-b6ee-869bb94bf7e6", "transcript_path": "/x", "cwd": "/w",
            "permission_mode": "default", "hook_event_name": event}
    data.update(fields)
    return data


def test_a_tool_call_is_recorded_twice_with_its_context(tmp_path):
    hook(tmp_path, base("PreToolUse", tool_name="Bash", tool_use_id="toolu_1",
                        tool_input={"command": "kubectl get pods -A", "description": "list"}))
    hook(tmp_path, base("PostToolUse", tool_name="Bash", tool_use_id="toolu_1", duration_ms=42,
                        tool_input={"command": "kubectl get pods -A"},
                        tool_response={"stdout": "NAME READY", "stderr": "warn", "interrupted": False}))
    log = lines(tmp_path)
    assert log == lines(tmp_path, "audit.jsonl")
    pre, post = log
    assert pre["event"] == "PreToolUse" and pre["tool"] == "Bash" and pre["input"]["command"] == "kubectl get pods -A"
    for field, value in [("cluster", "kind-test"), ("namespace", "claude"), ("pod", "claude-agent-0"), ("pod_ip", "10.244.1.7"), ("tier", "reader"),
                         ("service_account", "claude-agent"), ("tool_use_id", "toolu_1")]:
        assert pre[field] == value and post[field] == value
    assert post["status"] == "ok" and post["exit_code"] == 0 and post["duration_ms"] == 42
    assert post["output"] == "NAME READY\n[stderr] warn"
    assert pre["ts"] < post["ts"] and pre["ts"].endswith("Z")


@pytest.mark.parametrize("where", ["input", "output", "refusal"])
def test_planted_credentials_never_reach_the_record(tmp_path, where):
    if where == "input":
        event = base("PreToolUse", tool_name="Bash", tool_use_id="t", tool_input={"command": PLANTED_TEXT})
    elif where == "output":
        event = base("PostToolUse", tool_name="mcp__kubernetes__resources_get", tool_use_id="t", duration_ms=1,
                     tool_input={"kind": "ConfigMap"}, tool_response=[{"type": "text", "text": PLANTED_TEXT}])
    else:
        event = base("PostToolBatch", tool_calls=[{"tool_name": "Bash", "tool_use_id": "t",
                                                   "tool_input": {"command": PLANTED_TEXT},
                                                   "tool_response": "denied: " + PLANTED_TEXT}])
    hook(tmp_path, event, CIAB_AUDIT_OUTPUT_CHARS="100000")
    for copy in ((tmp_path / "container.log").read_text(), (tmp_path / "audit" / "audit.jsonl").read_text()):
        leaked = [name for name, value in PLANTED.items() if value in copy or value[:16] in copy]
        assert leaked == [], copy
        labels = {"jwt", "anthropic-key", "api-key", "github-token", "slack-token", "aws-key", "base64", "private-key"}
        assert {label for label in labels if "[redacted:%s]" % label in copy} == labels, copy
        # what is not a secret stays readable: digests, key names, ordinary words
        assert "sha256:0123456789abcdef" in copy and "password=" in copy and "Bearer " in copy


def test_refused_calls_come_from_the_batch_and_calls_that_ran_do_not_repeat(tmp_path):
    hook(tmp_path, base("PostToolUse", tool_name="Bash", tool_use_id="ran", duration_ms=1, tool_response={"stdout": "x"}))
    hook(tmp_path, base("PostToolUseFailure", tool_name="Bash", tool_use_id="failed", duration_ms=1,
                        error="Exit code 3", is_interrupt=False))
    hook(tmp_path, base("PostToolBatch", tool_calls=[
        {"tool_name": "Bash", "tool_use_id": "ran", "tool_input": {}, "tool_response": "x"},
        {"tool_name": "Bash", "tool_use_id": "failed", "tool_input": {}, "tool_response": "Exit code 3"},
        {"tool_name": "Read", "tool_use_id": "denied", "tool_input": {"file_path": "/var/run/secrets/x"},
         "tool_response": "denied by your permission settings"}]))
    log = lines(tmp_path)
    assert [(entry["event"], entry.get("tool_use_id"), entry.get("status")) for entry in log] == [
        ("PostToolUse", "ran", "ok"), ("PostToolUseFailure", "failed", "error"), ("ToolRefused", "denied", "refused")]
    assert log[1]["exit_code"] == 3
    hook(tmp_path, base("SessionEnd", reason="other"))
    assert not list((tmp_path / "audit" / "sessions").iterdir())


def test_the_file_rotates_and_keeps_what_it_is_told(tmp_path):
    for i in range(8):
        hook(tmp_path, base("PreToolUse", tool_name="Bash", tool_use_id="t%d" % i, tool_input={"command": "x" * 300}),
             CIAB_AUDIT_MAX_BYTES="600", CIAB_AUDIT_KEEP="2")
    files = sorted(p.name for p in (tmp_path / "audit").glob("audit.jsonl*"))
    assert files == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]
    assert len(lines(tmp_path)) == 8  # the container's log is not the hook's to rotate


def test_what_it_cannot_read_is_recorded_as_such_and_never_fails_the_call(tmp_path):
    hook(tmp_path, "this is not json")
    assert lines(tmp_path)[0]["status"] == "unrecorded"
    hook(tmp_path, base("PreToolUse"), CIAB_AUDIT_FILE="/proc/nowhere/audit.jsonl")  # unwritable: still exit 0


def test_long_output_is_cut(tmp_path):
    hook(tmp_path, base("PostToolUse", tool_name="Bash", tool_use_id="t", duration_ms=1,
                        tool_response={"stdout": "line\n" * 5000}), CIAB_AUDIT_OUTPUT_CHARS="50")
    output = lines(tmp_path)[0]["output"]
    assert output.startswith("line\nline") and output.endswith("[24950 more characters]")


def test_the_container_copy_does_not_depend_on_the_volume(tmp_path):
    """The agent owns its volume: whatever it did there (a file where the directory goes, a directory where the
    lock goes), the container's log still gets the line."""
    (tmp_path / "audit").write_text("not a directory")
    hook(tmp_path, base("PreToolUse", tool_name="Bash", tool_use_id="t1", tool_input={"command": "id"}))
    assert [line["tool_use_id"] for line in lines(tmp_path)] == ["t1"]
    other = tmp_path / "other"
    (other / "audit" / ".lock").mkdir(parents=True)
    (other / "container.log").touch()
    hook(other, base("PreToolUse", tool_name="Bash", tool_use_id="t2", tool_input={"command": "id"}))
    assert [line["tool_use_id"] for line in lines(other)] == ["t2"]


def test_keys_nested_values_and_json_inside_json_are_redacted(tmp_path):
    secret = "hunter2-nested-planted"
    event = base("PostToolUse", tool_name="Read", tool_use_id="t", duration_ms=1,
                 tool_input={"data": {"password": secret, PLANTED["github"]: 1, "note": "ok"}},
                 tool_response={"type": "text", "file": {"content": json.dumps(
                     {"password": secret, "db": "postgres://app:" + secret + "@db/x"})}})
    hook(tmp_path, event)
    copy = (tmp_path / "container.log").read_text()
    assert secret not in copy and PLANTED["github"] not in copy, copy
    assert '"note":"ok"' in copy and "[redacted" in copy


def test_option_and_url_credentials_are_redacted(tmp_path):
    command = "mysql --password=planted-pw-1 -h db; psql postgres://app:planted-pw-2@db:5432/x; tool --token planted-pw-3"
    hook(tmp_path, base("PreToolUse", tool_name="Bash", tool_use_id="t", tool_input={"command": command}))
    copy = (tmp_path / "container.log").read_text()
    assert not [n for n in ("planted-pw-1", "planted-pw-2", "planted-pw-3") if n in copy], copy
    assert "postgres://app:[redacted]@db:5432/x" in copy


def test_a_huge_output_still_gives_its_line(tmp_path):
    hook(tmp_path, base("PostToolUse", tool_name="Bash", tool_use_id="t", duration_ms=1,
                        tool_response={"stdout": "0123456789abcdef" * 65536}))
    line = lines(tmp_path)[0]
    assert line["status"] == "ok" and line["output"].endswith("[1046576 more characters]")
