"""headless_job builds the ask Job from the agent's StatefulSet: same identity, one-shot headless run."""
import copy

import pytest
from ansible.errors import AnsibleFilterError

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
    # no credential is taken from the agent's template
    assert [e for e in container["env"] if "valueFrom" in e] == []


BROKER = {
    "container": {"name": "credential-broker", "image": "ciab/claude-in-a-box:0.1.0-abc", "restartPolicy": "Always",
                  "command": ["/usr/local/bin/ciab-credential-broker", "serve"],
                  "env": [{"name": "CIAB_BROKER_UPSTREAM", "value": "https://api.anthropic.com"}],
                  "securityContext": {"runAsUser": 1001, "allowPrivilegeEscalation": False},
                  "volumeMounts": [{"name": "credentials", "mountPath": "/run/secrets/ciab-credentials",
                                    "readOnly": True}]},
    "volume": {"name": "credentials", "secret": {"secretName": "claude-agent-credentials", "defaultMode": 288}},
    "env": [{"name": "CIAB_CREDENTIAL_BROKER", "value": "http://127.0.0.1:18081"},
            {"name": "CIAB_OAUTH_TOKEN_EXPIRES_AT",
             "valueFrom": {"secretKeyRef": {"name": "claude-agent-credentials", "key": "CIAB_OAUTH_TOKEN_EXPIRES_AT",
                                            "optional": True}}}],
}
SECRET = "claude-agent-credentials"


def brokered_sts():
    """An interactive agent as the chart renders it: the broker already in its pod."""
    agent = sts(mode="interactive", interactive=True)
    pod = agent["spec"]["template"]["spec"]
    pod["initContainers"] = [dict(BROKER["container"])]
    pod["volumes"].append(dict(BROKER["volume"]))
    pod["containers"][0]["env"] += BROKER["env"]
    return agent


@pytest.mark.parametrize("agent", [sts, brokered_sts], ids=["remote-control", "interactive"])
def test_the_credential_reaches_only_the_broker(agent):
    pod = headless_job(agent(), "j", "q", broker=BROKER, credentials_secret=SECRET)["spec"]["template"]["spec"]
    claude = pod["containers"][0]
    # one broker, a native sidecar, the only container that mounts the Secret
    assert pod["initContainers"] == [BROKER["container"]]
    assert [v for v in pod["volumes"] if "secret" in v] == [BROKER["volume"]]
    assert "credentials" not in [m["name"] for m in claude["volumeMounts"]]
    # claude: the broker's address and the token's end, no credential (the agent's hand-made API key is dropped)
    assert [e for e in claude["env"] if e["name"].startswith("CIAB_")] == BROKER["env"]
    assert not {"ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"} & {e["name"] for e in claude["env"]}


def test_no_broker_no_credential():
    pod = headless_job(brokered_sts(), "j", "q")["spec"]["template"]["spec"]
    assert "initContainers" not in pod
    assert [v for v in pod["volumes"] if "secret" in v] == []
    assert [e for e in pod["containers"][0]["env"] if "valueFrom" in e or e["name"] == "CIAB_CREDENTIAL_BROKER"] == []


def test_extra_env_wins_over_the_annotation_and_is_never_duplicated():
    """The ask role refuses these names in ask_extra_env (its reserved list, below); the filter alone lets them win."""
    job = headless_job(sts(), "j", "q", broker=BROKER, credentials_secret=SECRET,
                       extra_env={"CIAB_CREDENTIAL_BROKER": "http://127.0.0.1:1"})
    env = job["spec"]["template"]["spec"]["containers"][0]["env"]
    assert [e["value"] for e in env if e["name"] == "CIAB_CREDENTIAL_BROKER"] == ["http://127.0.0.1:1"]


def test_the_ask_role_reserves_the_brokers_and_the_credentials_names():
    import pathlib
    import yaml
    reserved = yaml.safe_load((pathlib.Path(__file__).resolve().parents[4] / "roles/ask/vars/main.yml").read_text())[
        "__ask_reserved_env"]
    assert {"CIAB_CREDENTIAL_BROKER", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN",
            "ANTHROPIC_AUTH_TOKEN", "CIAB_OAUTH_TOKEN_EXPIRES_AT"} <= set(reserved)


def tampered(path, value):
    broker = copy.deepcopy(BROKER)
    node = broker
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return broker


@pytest.mark.parametrize("broker, said", [
    (tampered(("volume", "secret", "secretName"), "payments-db"), "not the Secret 'claude-agent-credentials'"),
    (tampered(("container", "image"), "attacker/image:1"), "not claude's"),
    (tampered(("container", "command"), ["sh", "-c", "cat /run/secrets/*/*"]), "running"),
    (tampered(("container", "securityContext"), {"runAsUser": 1000, "allowPrivilegeEscalation": False}),
     "securityContext"),
    (tampered(("container", "env"), [{"name": "LD_PRELOAD", "value": "/tmp/x.so"}]), "container env"),
    (tampered(("container", "volumeMounts"), [{"name": "credentials", "mountPath": "/home/claude/workspace"}]),
     "mounts"),
    (tampered(("container", "envFrom"), [{"secretRef": {"name": "payments-db"}}]), "container fields"),
    (tampered(("env",), [{"name": "CIAB_CREDENTIAL_BROKER", "value": "http://evil.test:80"}]), "claude env"),
    (tampered(("env",), BROKER["env"] + [{"name": "ANTHROPIC_API_KEY", "valueFrom": {"secretKeyRef": {}}}]),
     "claude env"),
])
def test_an_annotation_the_chart_did_not_write_is_refused(broker, said):
    with pytest.raises(AnsibleFilterError, match="deploy the agent again") as refused:
        headless_job(sts(), "j", "q", broker=broker, credentials_secret=SECRET)
    assert said in str(refused.value)


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
