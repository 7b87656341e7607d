import json

import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.agent_status import agent_status

NOW = 1795737600.0  # 2026-11-27T00:00:00Z


def sts(mode="remote-control", tier="reader", proxy=True):
    env = [{"name": "CLAUDE_MODE", "value": mode}, {"name": "CIAB_TIER", "value": tier}]
    if proxy:
        env.append({"name": "HTTPS_PROXY", "value": "http://claude-agent-egress.claude.svc.cluster.local:3128"})
    return {"spec": {"template": {"spec": {"containers": [{"image": "ciab/claude-in-a-box:0.1.0-abc", "env": env}]}}}}


def pod(ready=True, waiting="", restarts=0):
    state = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    return {"status": {"phase": "Running", "containerStatuses": [{"ready": ready, "restartCount": restarts, "state": state}]}}


SQUID = {"data": {"squid.conf": "http_port 3128\nacl allowed_hosts dstdomain -n api.anthropic.com .claude.ai\nacl x\n"}}
LAST = json.dumps({"ts": "2026-11-26T23:58:00Z", "event": "PostToolUse", "tool": "Bash"})


def test_a_running_agent():
    got = agent_status(sts(), pod(), egress_config=SQUID, probe="running\nlogin\n" + LAST, now=NOW)
    assert (got["mode"], got["tier"], got["login"], got["pod"]["state"]) == ("remote-control", "reader", "present", "running")
    assert got["egress"] == {"mode": "proxy", "hosts": ["api.anthropic.com", ".claude.ai"]}
    assert got["last_activity"]["tool"] == "Bash"
    assert got["warnings"] == []
    assert "last activity: 2026-11-26T23:58:00Z PostToolUse Bash" in got["lines"]
    assert "egress:        proxy: api.anthropic.com, .claude.ai" in got["lines"]


def test_waiting_for_a_login_is_said():
    got = agent_status(sts(), pod(ready=False), probe="waiting-for-login\nno-login\n", now=NOW)
    assert got["pod"] == {"phase": "Running", "ready": False, "restarts": 0, "waiting": "", "state": "waiting-for-login"}
    assert any("waits for a login" in w for w in got["warnings"])
    assert got["last_activity"] is None and "last activity: none recorded" in got["lines"]


@pytest.mark.parametrize("end, state, warned", [("2027-06-01", "ok", False), ("2026-12-10", "expiring", True),
                                                ("2026-11-01", "expired", True), ("", "unknown", False)])
def test_the_setup_tokens_end(end, state, warned):
    annotations = {"ciab.io/oauth-token-expires-at": end} if end else {}
    got = agent_status(sts(mode="interactive"), pod(), secret_annotations=annotations, probe="running\nlogin\n", now=NOW)
    assert got["token"]["state"] == state
    assert any("setup-token" in w for w in got["warnings"]) == warned


@pytest.mark.parametrize("expires, says, warned", [
    ("2026-11-27T02:00:00Z", "until 2026-11-27T02:00:00Z (120 min left)", False),
    ("2026-11-26T23:00:00Z", "until 2026-11-26T23:00:00Z (ended)", True),
])
def test_a_time_boxed_operator(expires, says, warned):
    job = {"metadata": {"annotations": {"ciab.io/expires-at": expires}}}
    got = agent_status(sts(tier="operator"), pod(), expiry_job=job, probe="running\nlogin\n", now=NOW)
    assert "tier:          operator " + says in got["lines"]
    assert any("operator access ended" in w for w in got["warnings"]) == warned


def test_nothing_deployed_and_garbage_from_the_pod():
    got = agent_status({}, {}, probe="\n\n{not json", now=NOW)
    assert got["deployed"] is False and got["pod"]["phase"] == "absent"
    assert got["last_activity"] is None and got["login"] == "unknown"
    assert got["warnings"] == ["no agent deployed here"]
    assert got["egress"]["mode"] == "no proxy (cidr or open)"


def test_a_crash_loop_shows_its_reason():
    got = agent_status(sts(), pod(ready=False, waiting="CrashLoopBackOff", restarts=4), probe="", now=NOW)
    assert "pod:           Running, not ready (CrashLoopBackOff), entrypoint unknown, 4 restarts" in got["lines"]


def test_a_readers_status_ignores_an_old_operator_cronjob():
    job = {"metadata": {"annotations": {"ciab.io/expires-at": "2026-11-26T23:00:00Z"}}}
    got = agent_status(sts(tier="reader"), pod(), expiry_job=job, probe="running\nlogin\n", now=NOW)
    assert got["tier_expires_at"] == "" and "tier:          reader" in got["lines"] and got["warnings"] == []
