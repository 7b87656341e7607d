"""headless_job builds the ask Job from the agent's StatefulSet: same identity, one-shot headless run."""
import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.headless_job import headless_job

LABELS = {"app.kubernetes.io/name": "claude-in-a-box", "app.kubernetes.io/instance": "claude-agent"}


def sts(mode="remote-control", interactive=False):
    container = {"name": "claude", "image": "ciab/claude-in-a-box:0.1.0-abc",
                 "env": [{"name": "CLAUDE_MODE", "value": mode},
                         {"name": "CLAUDE_PERMISSION_MODE", "value": "default"},
                         {"name": "ANTHROPIC_API_KEY",
                          "valueFrom": {"secretKeyRef": {"name": "claude-agent-credentials", "key": "ANTHROPIC_API_KEY"}}}],
                 "livenessProbe": {"exec": {}}, "readinessProbe": {"exec": {}},
                 "volumeMounts": [{"name": "data", "mountPath": "/home/claude/.claude"}],
                 "securityContext": {"runAsNonRoot": True}}
    if interactive:
        container.update(stdin=True, tty=True)
    return {"metadata": {"name": "claude-agent", "namespace": "claude", "labels": LABELS},
            "spec": {"template": {"metadata": {"labels": LABELS, "annotations": {"ciab.io/config-checksum": "x"}},
                                  "spec": {"serviceAccountName": "claude-agent", "containers": [container],
                                           "volumes": [{"name": "config", "configMap": {"name": "claude-agent"}}]}},
                     "volumeClaimTemplates": [{"metadata": {"name": "data"}}]}}


@pytest.mark.parametrize("interactive", [False, True])
def test_the_run_keeps_the_agents_identity(interactive):
    job = headless_job(sts(interactive=interactive), "claude-agent-ask-1", "why?")
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["serviceAccountName"] == "claude-agent"
    assert container["image"] == "ciab/claude-in-a-box:0.1.0-abc"
    assert container["securityContext"] == {"runAsNonRoot": True}
    assert {"name": "config", "configMap": {"name": "claude-agent"}} in pod["volumes"]
    # the NetworkPolicy selects the agent by these labels
    assert LABELS.items() <= job["spec"]["template"]["metadata"]["labels"].items()
    # credentials come from the Secret named, never from the agent's template (which has them in interactive only)
    assert [e for e in container["env"] if "valueFrom" in e] == []


@pytest.mark.parametrize("keys, expected", [
    (["CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY"], ["CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY"]),
    (["ANTHROPIC_API_KEY", "OTHER"], ["ANTHROPIC_API_KEY"]),
    ([], []),
])
def test_the_run_gets_the_credentials_the_secret_holds(keys, expected):
    job = headless_job(sts(), "j", "q", credentials_secret="creds", credential_keys=keys)
    refs = [e for e in job["spec"]["template"]["spec"]["containers"][0]["env"] if "valueFrom" in e]
    assert [r["name"] for r in refs] == expected
    assert all(r["valueFrom"]["secretKeyRef"] == {"name": "creds", "key": r["name"]} for r in refs)


def test_only_what_a_one_shot_run_needs_changes():
    job = headless_job(sts(interactive=True), "j", "why?\n--help", model="scripted", extra_env={"HTTPS_PROXY": "http://p:3128"},
                       timeout=120, ttl=30)
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["CLAUDE_MODE"] == "headless" and env["CLAUDE_PROMPT"] == "why?\n--help"
    assert env["ANTHROPIC_MODEL"] == "scripted" and env["HTTPS_PROXY"] == "http://p:3128"
    assert [e["name"] for e in container["env"]].count("CLAUDE_MODE") == 1
    assert not {"livenessProbe", "readinessProbe", "stdin", "tty"} & container.keys()
    assert pod["restartPolicy"] == "Never"
    assert {"name": "data", "emptyDir": {}} in pod["volumes"]
    assert job["spec"] == dict(job["spec"], backoffLimit=0, activeDeadlineSeconds=120, ttlSecondsAfterFinished=30)
    assert "annotations" not in job["spec"]["template"]["metadata"]


def test_extra_env_replaces_the_agents_value():
    agent = sts()
    agent["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "HTTPS_PROXY", "value": "http://a:1"})
    job = headless_job(agent, "j", "q", extra_env={"HTTPS_PROXY": "http://b:2"})
    env = job["spec"]["template"]["spec"]["containers"][0]["env"]
    assert [e["value"] for e in env if e["name"] == "HTTPS_PROXY"] == ["http://b:2"]


def test_the_statefulset_is_not_changed():
    original = sts()
    headless_job(original, "j", "q")
    assert original == sts()


def test_the_token_end_travels_with_the_token():
    keys = ["CLAUDE_CODE_OAUTH_TOKEN", "CIAB_OAUTH_TOKEN_EXPIRES_AT"]
    job = headless_job(sts(), "j", "q", credentials_secret="creds", credential_keys=keys)
    refs = [e for e in job["spec"]["template"]["spec"]["containers"][0]["env"] if "valueFrom" in e]
    assert [r["name"] for r in refs] == keys


def test_a_runners_secret_port_and_limits_stay_with_the_runner():
    agent = sts(mode="self-hosted-runner")
    container = agent["spec"]["template"]["spec"]["containers"][0]
    container["env"] += [{"name": "CLAUDE_RUNNER_SECRET_FILE", "value": "/run/secrets/ciab-runner/environment-secret"},
                         {"name": "CLAUDE_RUNNER_HEALTH_PORT", "value": "8080"}]
    container["ports"] = [{"name": "runner-health", "containerPort": 8080}]
    container["volumeMounts"].append({"name": "runner-secret", "mountPath": "/run/secrets/ciab-runner"})
    agent["spec"]["template"]["spec"]["volumes"].append({"name": "runner-secret", "secret": {"secretName": "r"}})
    pod = headless_job(agent, "j", "q")["spec"]["template"]["spec"]
    run = pod["containers"][0]
    assert [e["name"] for e in run["env"] if e["name"].startswith("CLAUDE_RUNNER_")] == []
    assert "ports" not in run
    assert [m["name"] for m in run["volumeMounts"]] == ["data"]
    assert "runner-secret" not in [v["name"] for v in pod["volumes"]]
    assert {"name": "CLAUDE_MODE", "value": "headless"} in run["env"]
