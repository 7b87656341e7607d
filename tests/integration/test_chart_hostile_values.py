"""Hostile values into every string input of the chart (the one source of every object the roles apply too):
newlines, quotes, YAML and JSON fragments, option-like and template-like text. Each render is either refused, or
inert: the same objects, kinds and names as a benign value gives, with the value found verbatim where it belongs."""
import json
import subprocess

import pytest
import yaml

from conftest import REPO, harness

pytestmark = pytest.mark.integration
CHART = str(REPO / "charts/claude-in-a-box")
BASE = {"image": {"repository": "ciab/claude-in-a-box", "tag": "0.1.0-hostile"},
        "egress": {"proxy": {"image": {"repository": "ciab/egress-proxy", "tag": "0.1.0-hostile"}}},
        "credentials": {"existingSecret": "creds"}, "networkPolicy": {"apiServer": {"addresses": ["10.0.0.1"], "ports": [6443]}}}
HOSTILE = [
    "x\nkind: Secret",
    "x\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: planted}",
    'a"b\'c',
    "--help",
    "{{ .Release.Name }}",
    "x: y",
    '{"json": "fragment"}',
    "- item",
    "${HOME}",
]
# where each input goes: a path into the values
STRING_INPUTS = [
    ("remoteControl", "name"),
    ("image", "repository"),
    ("image", "tag"),
    ("credentials", "existingSecret"),
    ("persistence", "storageClass"),
    ("serviceAccount", "name"),
    ("extraEnv", "CIAB_HOSTILE"),
    ("settings", "model"),
    ("audit", "clusterName"),
    # the credential broker's upstream (in the broker's environment and in the StatefulSet's annotation, as JSON)
    ("credentials", "broker", "upstream"),
]
# a benign value where the schema wants a shape of its own
BENIGN = {("credentials", "broker", "upstream"): "https://benign-value.test"}


@pytest.fixture(scope="module")
def helm():
    return harness("gobuild.py", "helm").splitlines()[-1] + "/helm"


def render(helm, values, namespace="claude"):
    proc = subprocess.run([helm, "template", "claude-agent", CHART, "-n", namespace, "-f", "-"],
                          input=json.dumps(values), capture_output=True, text=True, check=False)
    objects = [d for d in yaml.safe_load_all(proc.stdout) if d] if proc.returncode == 0 else None
    return proc.returncode, objects, proc.stderr


def with_value(path, value):
    values = json.loads(json.dumps(BASE))
    node = values
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return values


def leaves(obj):
    """Every string in the objects, JSON documents in ConfigMap data opened up."""
    if isinstance(obj, dict):
        for value in obj.values():
            yield from leaves(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from leaves(value)
    elif isinstance(obj, str):
        yield obj
        if obj.lstrip().startswith("{"):
            try:
                yield from leaves(json.loads(obj))
            except ValueError:
                pass


def identity(objects):
    return sorted((o["kind"], o["metadata"]["name"], o["metadata"].get("namespace", "")) for o in objects)


@pytest.mark.parametrize("path", STRING_INPUTS, ids=".".join)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_string_is_refused_or_inert(helm, path, hostile):
    rc, benign, err = render(helm, with_value(path, BENIGN.get(path, "benign-value")))
    assert rc == 0, err
    rc, objects, err = render(helm, with_value(path, hostile))
    if rc != 0:
        assert "Error" in err  # refused, naming why (schema or the chart's own checks)
        return
    # inert: nothing added, removed or renamed, and the value is where it belongs, whole
    assert identity(objects) == identity(benign)
    assert hostile in set(leaves(objects)), f"{'.'.join(path)}={hostile!r} was not rendered verbatim"
    assert not any(o["kind"] == "Secret" for o in objects)


@pytest.mark.parametrize("field, hostile", [
    ("name", "claude-agent\nkind: Secret"),
    ("persistence", {"size": "1Gi\nkind: Secret"}),
    ("extraEnv", {"A\nkind: Secret": "1"}),
    ("extraEnv", {"--help": "1"}),
    ("managedBy", "ansible\nx: y"),
    ("mode", "headless"),
    ("permissionMode", "bypassPermissions\n"),
])
def test_names_and_choices_refuse_anything_else(helm, field, hostile):
    rc, dummy, err = render(helm, dict(BASE, **{field: hostile}))
    assert rc != 0 and (f"at '/{field}" in err or "invalid propertyName" in err), err


@pytest.mark.parametrize("values", [
    {"rbac": {"tier": "operator", "operatorNamespaces": ["shop\nkind: Secret"]}},
    {"rbac": {"namespaced": True, "namespaces": ["--help"]}},
    {"rbac": {"tier": "operator", "operatorNamespaces": ["x\") || true || (\""]}},
    {"rbac": {"tier": "operator", "operatorNamespaces": ["shop"], "operatorExpiresAt": "2026-11-27T18:00:00Z\"; true; \""}},
    {"rbac": {"tier": "operator", "operatorNamespaces": ["shop"], "operatorExpiresAt": "tomorrow"}},
])
def test_namespaces_reaching_rbac_and_the_policy_must_be_names(helm, values):
    rc, dummy, err = render(helm, dict(BASE, **values))
    assert rc != 0 and "/rbac/" in err, err


def test_the_policy_quotes_what_it_puts_into_cel(helm):
    """The agent's namespace and ServiceAccount become CEL string literals: both must be DNS names (a hostile
    ServiceAccount name is refused), and they go in JSON-quoted."""
    rc, dummy, err = render(helm, dict(BASE, serviceAccount={"name": "sa' || true || '"}))
    assert rc != 0 and "at '/serviceAccount/name'" in err, err
    rc, objects, err = render(helm, dict(BASE, serviceAccount={"name": "agent.sa"}), namespace="ops-1")
    assert rc == 0, err
    policy = next(o for o in objects if o["kind"] == "ValidatingAdmissionPolicy")
    expression = policy["spec"]["matchConditions"][0]["expression"]
    assert expression == "request.userInfo.username == " + json.dumps("system:serviceaccount:ops-1:agent.sa")


@pytest.mark.parametrize("hosts", [
    ["api.anthropic.com\nhttp_access allow all"],
    ["api.anthropic.com all"],
    ["-n"],
    ['"quoted.example"'],
    ["*.example.com"],
])
def test_the_allowlist_takes_host_names_only(helm, hosts):
    """Host names go into squid.conf: anything but a name (a line break, a second word, an option) is refused."""
    values = json.loads(json.dumps(BASE))
    values["egress"]["extraHosts"] = hosts
    rc, dummy, err = render(helm, values)
    assert rc != 0 and "at '/egress/extraHosts/0'" in err, err


def test_the_allowlist_renders_one_acl_line(helm):
    values = json.loads(json.dumps(BASE))
    values["egress"]["extraHosts"] = [".example.org", "model.test"]
    rc, objects, err = render(helm, values)
    assert rc == 0, err
    squid = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].endswith("-egress"))
    acl = [line for line in squid["data"]["squid.conf"].splitlines() if "dstdomain" in line]
    assert acl == ["acl allowed_hosts dstdomain -n api.anthropic.com claude.ai platform.claude.com console.anthropic.com "
                   "statsig.anthropic.com .example.org model.test"]


@pytest.mark.parametrize("endpoint", [
    "https://otel.example.com:4318\nhttp_access allow all",
    "https://otel.example.com all",
    "otel.example.com:4318",
    "https://-n:4318",
    "https://otel.example.com:4318/v1\"x",
])
def test_telemetry_endpoints_must_be_plain_urls(helm, endpoint):
    """The endpoint's host goes into squid's allowlist and the agent's environment: only a plain URL is accepted."""
    rc, dummy, err = render(helm, dict(BASE, telemetry={"enabled": True, "endpoint": endpoint}))
    assert rc != 0 and "/telemetry/endpoint" in err, err


@pytest.mark.parametrize("endpoint, host, port, in_cluster", [
    ("https://otel.example.com:4318", "otel.example.com", 4318, False),
    ("https://otel.example.com", "otel.example.com", 443, False),
    ("http://collector.observability.svc:4317", "collector.observability.svc", 4317, True),
    ("http://collector.observability.svc.cluster.local:4318/", "collector.observability.svc.cluster.local", 4318, True),
])
def test_telemetry_reaches_its_endpoint_and_nothing_else(helm, endpoint, host, port, in_cluster):
    peers = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}]
    rc, objects, err = render(helm, dict(BASE, telemetry={"enabled": True, "endpoint": endpoint, "networkPolicyPeers": peers}))
    assert rc == 0, err
    squid = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].endswith("-egress"))["data"]["squid.conf"]
    hosts = next(line for line in squid.splitlines() if line.startswith("acl allowed_hosts")).split()[4:]
    ports = next(line for line in squid.splitlines() if line.startswith("acl allowed_ports")).split()[3:]
    policy = next(o for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "claude-agent")
    direct = [rule for rule in policy["spec"]["egress"] if rule.get("to") == peers]
    env = {e["name"]: e.get("value") for e in next(o for o in objects if o["kind"] == "StatefulSet")
           ["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == endpoint and env["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1"
    if in_cluster:
        assert host not in hosts and str(port) not in ports
        assert direct == [{"to": peers, "ports": [{"protocol": "TCP", "port": port}]}]
    else:
        assert host in hosts and str(port) in ports and direct == []
    rc, objects, err = render(helm, dict(BASE, telemetry={"enabled": False, "endpoint": endpoint}))
    env = {e["name"] for e in next(o for o in objects if o["kind"] == "StatefulSet")["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert rc == 0 and not {n for n in env if n.startswith("OTEL_")} and "CLAUDE_CODE_ENABLE_TELEMETRY" not in env


def test_time_boxed_operator_access_renders_a_revoker_that_may_only_delete_those_bindings(helm):
    values = dict(BASE, rbac={"tier": "operator", "operatorNamespaces": ["shop", "web"],
                              "operatorExpiresAt": "2026-11-27T18:00:00Z"})
    rc, objects, err = render(helm, values)
    assert rc == 0, err
    bindings = [o for o in objects if o["kind"] == "RoleBinding" and o["metadata"]["name"].endswith("-operator")]
    assert sorted(b["metadata"]["namespace"] for b in bindings) == ["shop", "web"]
    assert {b["metadata"]["annotations"]["ciab.io/expires-at"] for b in bindings} == {"2026-11-27T18:00:00Z"}
    revoker_rules = [o["rules"] for o in objects if o["kind"] == "Role" and o["metadata"]["name"].endswith("-revoker")]
    assert revoker_rules == [[{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"],
                               "resourceNames": ["claude-agent-claude-operator"], "verbs": ["get", "delete"]}]] * 2
    job = next(o for o in objects if o["kind"] == "CronJob")
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    env = {e["name"]: e["value"] for e in pod["containers"][0]["env"]}
    assert pod["serviceAccountName"] == "claude-agent-revoker"
    assert env == {"EXPIRES_AT": "2026-11-27T18:00:00Z", "BINDING": "claude-agent-claude-operator",
                   "NAMESPACES": "shop web", "HOME": "/tmp"}
    # without an end, or for a reader, nothing of it is rendered
    for other in ({"tier": "operator", "operatorNamespaces": ["shop"]}, {"tier": "reader", "operatorExpiresAt": "2026-11-27T18:00:00Z"}):
        rc, objects, err = render(helm, dict(BASE, rbac=other))
        assert rc == 0 and not [o for o in objects if o["kind"] == "CronJob" or "revoker" in o["metadata"]["name"]], err
