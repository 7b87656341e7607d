"""The Helm chart on the test bed: install with kubernetes.core.helm, upgrade, rollback. The chart is the one source
of the objects (the roles render it too); what can still differ is how the roles map their variables to the chart's
values, so the roles' objects and a plain helm install's are compared field by field, labels aside."""
import json
import os
import subprocess
import time

import pytest
import yaml

from conftest import REPO, harness, playbook

pytestmark = pytest.mark.integration
IMAGE = {"repository": "ciab/claude-in-a-box", "tag": "0.1.0-parity"}
PROXY = {"proxy": {"image": {"repository": "ciab/egress-proxy", "tag": "0.1.0-parity"}}}
NAMESPACED = [("v1", "ServiceAccount"), ("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "StatefulSet"),
              ("networking.k8s.io/v1", "NetworkPolicy")]
# the egress proxy, named <name>-egress
PROXY_OBJECTS = [("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "Deployment"), ("networking.k8s.io/v1", "NetworkPolicy")]


@pytest.fixture(scope="module")
def clusters():
    roles_kc, chart_kc = harness("testbed.py", "up", "parity-roles", "parity-chart").splitlines()
    yield {"roles": roles_kc, "chart": chart_kc}
    harness("testbed.py", "down", "parity-roles", "parity-chart")


@pytest.fixture(scope="module")
def tools():
    return {"kubectl": harness("testbed.py", "bin", "kubectl"),
            "helm": harness("gobuild.py", "helm").splitlines()[-1] + "/helm"}


def kubectl(tools, kubeconfig, *args):
    proc = subprocess.run([tools["kubectl"], "--kubeconfig", kubeconfig, *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def get(tools, kubeconfig, kind, name, namespace=None):
    args = ["get", kind, name, "-o", "json"] + (["-n", namespace] if namespace else [])
    return json.loads(kubectl(tools, kubeconfig, *args))


def helm_release(tools, kubeconfig, values):
    return playbook(str(REPO / "tests/integration/playbooks/helm_release.yml"), "-e",
                    json.dumps({"helm_binary": tools["helm"], "kubeconfig": kubeconfig, "chart_values": values}))


def normalise(obj, api_endpoint):
    """Drop what the API server, Helm or Ansible set on their own, and labels (compared elsewhere)."""
    obj = json.loads(json.dumps(obj))
    meta = obj["metadata"]
    obj["metadata"] = {k: meta[k] for k in ("name", "namespace") if k in meta}
    obj.pop("status", None)
    spec = obj.get("spec", {})
    spec.pop("selector", None)
    spec.pop("clusterIP", None)  # allocated by each cluster
    spec.pop("clusterIPs", None)
    spec.pop("podSelector", None)
    if "template" in spec:
        spec["template"]["metadata"] = {}
    for claim in spec.get("volumeClaimTemplates", []):
        claim["metadata"] = {"name": claim["metadata"]["name"]}
        claim.pop("status", None)
    if obj["kind"] == "ConfigMap":
        obj["data"] = {k: json.loads(v) if k.endswith(".json") else v for k, v in obj["data"].items()}
    if obj["kind"] == "NetworkPolicy" and api_endpoint is not None:
        # each test-bed cluster has its own API server port: check it, then compare the rest
        rule = spec["egress"][2]
        assert rule == api_endpoint, (rule, api_endpoint)
        spec["egress"][2] = "api-server"
    return obj


def api_endpoint(tools, kubeconfig):
    slices = json.loads(kubectl(tools, kubeconfig, "get", "endpointslices", "-n", "default", "-l",
                                "kubernetes.io/service-name=kubernetes", "-o", "json"))["items"]
    address = slices[0]["endpoints"][0]["addresses"][0]
    port = next(p["port"] for p in slices[0]["ports"] if p["name"] == "https")
    return {"to": [{"ipBlock": {"cidr": f"{address}/32"}}], "ports": [{"protocol": "TCP", "port": port}]}


@pytest.fixture(scope="module")
def deployed(clusters, tools):
    rc, out = playbook("playbooks/deploy.yml", "-e", f"ciab_kubeconfig={clusters['roles']}",
                       "-e", f"workload_image={IMAGE['repository']}:{IMAGE['tag']}",
                       "-e", f"network_policy_proxy_image=ciab/egress-proxy:{IMAGE['tag']}",
                       "-e", "network_policy_probe=false")
    assert rc == 0, out[-3000:]
    # a fresh release: kubernetes.core.helm skips an upgrade whose chart version and values are unchanged, which
    # would compare a stale release against the chart as it is now
    subprocess.run([tools["helm"], "--kubeconfig", clusters["chart"], "uninstall", "claude-agent", "-n", "claude",
                    "--wait", "--ignore-not-found"], capture_output=True, text=True, check=True)
    rc, out = helm_release(tools, clusters["chart"], {"image": IMAGE, "egress": PROXY})
    assert rc == 0, out[-3000:]
    return clusters


def test_chart_and_roles_make_the_same_objects(deployed, tools):
    for api, kind in NAMESPACED:
        objs = {side: normalise(get(tools, deployed[side], kind, "claude-agent", "claude"),
                                api_endpoint(tools, deployed[side])) for side in ("roles", "chart")}
        assert objs["roles"] == objs["chart"], f"{kind} differs:\n{yaml.safe_dump(objs)}"
    for api, kind in PROXY_OBJECTS:
        objs = {side: normalise(get(tools, deployed[side], kind, "claude-agent-egress", "claude"), None)
                for side in ("roles", "chart")}
        assert objs["roles"] == objs["chart"], f"{kind} differs:\n{yaml.safe_dump(objs)}"
    for kind, name in (("clusterrole", "claude-agent-claude-reader"), ("clusterrolebinding", "claude-agent-claude-reader"),
                       ("validatingadmissionpolicy", "claude-agent-claude-guard"),
                       ("validatingadmissionpolicybinding", "claude-agent-claude-guard")):
        objs = {side: normalise(get(tools, deployed[side], kind, name), None) for side in ("roles", "chart")}
        assert objs["roles"] == objs["chart"], f"{kind} differs:\n{yaml.safe_dump(objs)}"


def roles_deploy(clusters, *extra):
    return playbook("playbooks/deploy.yml", "-e", f"ciab_kubeconfig={clusters['roles']}",
                    "-e", f"workload_image={IMAGE['repository']}:{IMAGE['tag']}",
                    "-e", f"network_policy_proxy_image=ciab/egress-proxy:{IMAGE['tag']}",
                    "-e", "network_policy_probe=false", *extra)


def test_operator_tier_makes_the_same_objects_on_both(deployed, tools):
    """The operator tier (reads cluster-wide, writes in one namespace, the admission policy) from the roles' variables
    and from the chart's values: every RBAC and policy object and the agent's ConfigMap agree; then back to reader."""
    rc, out = roles_deploy(deployed, "-e", "ciab_tier=operator", "-e", '{"ciab_operator_namespaces": ["default"]}',
                           "-e", "workload_wait=false")
    assert rc == 0, out[-3000:]
    rc, out = helm_release(tools, deployed["chart"], {"image": IMAGE, "egress": PROXY,
                                                      "rbac": {"tier": "operator", "operatorNamespaces": ["default"]}})
    assert rc == 0, out[-3000:]
    try:
        for kind, name, namespace in (("clusterrole", "claude-agent-claude-reader", None),
                                      ("clusterrolebinding", "claude-agent-claude-reader", None),
                                      ("role", "claude-agent-claude-operator", "default"),
                                      ("rolebinding", "claude-agent-claude-operator", "default"),
                                      ("validatingadmissionpolicy", "claude-agent-claude-guard", None),
                                      ("configmap", "claude-agent", "claude")):
            objs = {side: normalise(get(tools, deployed[side], kind, name, namespace), None) for side in ("roles", "chart")}
            assert objs["roles"] == objs["chart"], f"{kind} differs:\n{yaml.safe_dump(objs)}"
    finally:
        rc, out = roles_deploy(deployed, "-e", "workload_wait=false")
        assert rc == 0, out[-3000:]
        rc, out = helm_release(tools, deployed["chart"], {"image": IMAGE, "egress": PROXY})
        assert rc == 0, out[-3000:]


def test_shared_labels_on_both(deployed, tools):
    facts = yaml.safe_load((REPO / "files" / "kubernetes.yml").read_text())["labels"]
    for side, manager in (("roles", "ansible"), ("chart", "Helm")):
        labels = get(tools, deployed[side], "statefulset", "claude-agent", "claude")["metadata"]["labels"]
        assert facts.items() <= labels.items()
        # the one label that says who applied the object; the roles' cleanup selects on it
        assert labels["app.kubernetes.io/managed-by"] == manager, labels


def test_an_upgrade_with_the_same_values_changes_no_object(deployed, tools, tmp_path):
    """Helm idempotence: the chart renders the same objects from the same values (no timestamps, random names or
    lookups that move), so `helm upgrade` patches nothing and no pod rolls."""
    kc = deployed["chart"]

    def versions():
        listed = json.loads(kubectl(tools, kc, "get", "all,configmaps,serviceaccounts,networkpolicies,roles,rolebindings",
                                    "-n", "claude", "-l", "app.kubernetes.io/managed-by=Helm", "-o", "json"))["items"]
        return {(o["kind"], o["metadata"]["name"]): o["metadata"]["resourceVersion"] for o in listed
                if o["kind"] not in ("Pod", "ReplicaSet", "Endpoints", "EndpointSlice")}

    values = tmp_path / "values.json"
    values.write_text(json.dumps({"image": IMAGE, "egress": PROXY}))
    before = versions()
    revision = json.loads(subprocess.run([tools["helm"], "--kubeconfig", kc, "status", "claude-agent", "-n", "claude",
                                          "-o", "json"], capture_output=True, text=True, check=True).stdout)["version"]
    proc = subprocess.run([tools["helm"], "--kubeconfig", kc, "upgrade", "claude-agent", str(REPO / "charts/claude-in-a-box"),
                           "-n", "claude", "-f", str(values)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    after = versions()
    assert len(before) >= 6 and after == before
    proc = subprocess.run([tools["helm"], "--kubeconfig", kc, "rollback", "claude-agent", str(revision), "-n", "claude"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_upgrade_switches_tier_and_rollback_restores_it(deployed, tools):
    kc = deployed["chart"]
    rc, out = helm_release(tools, kc, {"image": IMAGE, "egress": PROXY, "rbac": {"tier": "operator", "operatorNamespaces": ["default"]}})
    assert rc == 0, out[-3000:]
    # reads stay cluster-wide; the operator's writes are bound in the namespace it was given only
    bindings = kubectl(tools, kc, "get", "clusterrolebindings", "-l", "app.kubernetes.io/managed-by=Helm", "-o", "name")
    assert bindings.split() == ["clusterrolebinding.rbac.authorization.k8s.io/claude-agent-claude-reader"]
    bindings = kubectl(tools, kc, "get", "rolebindings", "-A", "-l", "app.kubernetes.io/managed-by=Helm",
                       "-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}")
    assert bindings.split() == ["default/claude-agent-claude-operator"]
    cm = get(tools, kc, "configmap", "claude-agent", "claude")
    assert "--read-only" not in cm["data"]["mcp.json"]
    proc = subprocess.run([tools["helm"], "--kubeconfig", kc, "rollback", "claude-agent", "1", "-n", "claude", "--wait"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    bindings = kubectl(tools, kc, "get", "clusterrolebindings,rolebindings", "-A", "-l", "app.kubernetes.io/managed-by=Helm",
                       "-o", "name")
    assert bindings.split() == ["clusterrolebinding.rbac.authorization.k8s.io/claude-agent-claude-reader"]
    assert "--read-only" in get(tools, kc, "configmap", "claude-agent", "claude")["data"]["mcp.json"]


@pytest.mark.parametrize("values,message", [
    ({"image": {"tag": "latest"}}, "/image/tag"),
    ({"image": IMAGE, "egress": PROXY, "rbac": {"tier": "admin"}}, "value must be one of 'reader', 'operator'"),
    ({"image": IMAGE, "egress": PROXY, "mode": "headless"}, "/mode"),
    ({"image": IMAGE, "egress": PROXY, "credentials": {"broker": {"upstream": "https://x.test/\nenv: []"}}},
     "/credentials/broker/upstream"),
    ({"image": IMAGE, "egress": PROXY, "credentials": {"broker": {"upstream": "https://user@x.test"}}},
     "/credentials/broker/upstream"),
    ({"image": IMAGE, "egress": PROXY, "credentials": {"apiKey": "sk-x", "broker": {"upstream": "https://localhost:8443"}}},
     "is the pod's loopback"),
    ({"image": IMAGE, "egress": PROXY, "credentials": {"apiKey": "sk-x", "broker": {"upstream": "http://127.0.0.1:9"}}},
     "is the pod's loopback"),
    ({"image": IMAGE, "egress": PROXY, "credentials": {"apiKey": "sk-x", "broker": {"upstream": "http://gw.test"}}},
     "is plain http"),
    ({"image": IMAGE, "egress": PROXY, "extraEnv": {"ANTHROPIC_API_KEY": "sk-x"}}, "extraEnv may not set ANTHROPIC_API_KEY"),
    ({"image": IMAGE, "egress": PROXY, "extraEnv": {"CIAB_CREDENTIAL_BROKER": "http://127.0.0.1:1"}},
     "extraEnv may not set CIAB_CREDENTIAL_BROKER"),
    ({"image": IMAGE, "egress": PROXY, "permissionMode": "bypassPermissions"}, "set allowBypassPermissions=true to allow it"),
    ({"image": IMAGE, "egress": PROXY, "rbac": {"tier": "operator"}}, "rbac.tier operator needs rbac.operatorNamespaces"),
    ({"image": IMAGE, "egress": PROXY, "rbac": {"tier": "operator", "operatorNamespaces": ["shop", "kube-system"]}},
     "the agent never changes namespace kube-system"),
    ({"image": IMAGE, "egress": PROXY, "rbac": {"tier": "operator", "operatorNamespaces": ["t-ns"]}}, "the agent never changes namespace t-ns"),
    ({"image": IMAGE, "egress": PROXY, "rbac": {"tier": "operator", "operatorClusterWide": True, "admissionPolicy": False}},
     "rbac.operatorClusterWide needs rbac.admissionPolicy"),
    ({"image": IMAGE, "egress": PROXY, "mode": "self-hosted-runner", "selfHostedRunner": {"capacity": 0}},
     "/selfHostedRunner/capacity"),
    ({"image": IMAGE, "egress": PROXY, "selfHostedRunner": {"environmentSecret": "x\nkind: Pod"}},
     "/selfHostedRunner/environmentSecret"),
    ({"image": IMAGE, "egress": PROXY, "selfHostedRunner": {"apiUrl": "--debug-token-dir=/tmp"}},
     "/selfHostedRunner/apiUrl"),
    ({"image": IMAGE, "egress": PROXY, "credentials": {"oauthTokenIssuedAt": "last spring"}},
     "/credentials/oauthTokenIssuedAt"),
])
def test_schema_refuses_bad_values(tools, tmp_path, values, message):
    (tmp_path / "values.json").write_text(json.dumps(values))
    proc = subprocess.run([tools["helm"], "template", "t", str(REPO / "charts/claude-in-a-box"), "-n", "t-ns", "-f",
                           str(tmp_path / "values.json")], capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr


def test_lint_and_template_are_clean(tools):
    chart = str(REPO / "charts/claude-in-a-box")
    lint = subprocess.run([tools["helm"], "lint", "--strict", chart, "--set", "image.tag=0.1.0-lint",
                           "--set", "egress.proxy.image.tag=0.1.0-lint"],
                          capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    rendered = subprocess.run([tools["helm"], "template", "t", chart, "--set", "image.tag=0.1.0-lint",
                               "--set", "egress.proxy.image.tag=0.1.0-lint"],
                              capture_output=True, text=True, check=True).stdout
    order = [d["kind"] for d in yaml.safe_load_all(rendered) if d]
    # Helm creates a release's objects in the order `helm template` prints them (its install order): the
    # NetworkPolicy must exist before the StatefulSet can start a pod.
    assert order.index("NetworkPolicy") < order.index("StatefulSet"), order
    kinds = sorted(order)
    assert kinds == sorted(["ClusterRole", "ClusterRoleBinding", "ConfigMap", "NetworkPolicy", "Service",
                            "ServiceAccount", "StatefulSet", "ValidatingAdmissionPolicy",
                            "ValidatingAdmissionPolicyBinding",
                            # the egress proxy
                            "ConfigMap", "Deployment", "NetworkPolicy", "Service"])
    # the proxy is up before the agent's pod asks for it
    assert order.index("Deployment") < order.index("StatefulSet"), order


@pytest.mark.parametrize("tier, extra", [("reader", {}), ("operator", {"operatorNamespaces": ["shop"]})])
def test_the_image_bakes_the_same_guardrails_the_chart_mounts(tools, tier, extra):
    """The one thing the chart does not render: the reader tier's managed settings the image role bakes into the
    image (managed_settings filter). Both come from files/kubernetes.yml; this checks they agree, tier by tier."""
    import sys
    sys.path.insert(0, str(REPO / ".collections"))
    from ansible_collections.ciab.claude_in_a_box.plugins.filter.managed_settings import managed_settings

    rendered = subprocess.run([tools["helm"], "template", "t", str(REPO / "charts/claude-in-a-box"), "-f", "-",
                               "--show-only", "templates/configmap.yaml"],
                              input=json.dumps({"image": IMAGE, "egress": PROXY, "rbac": {"tier": tier, **extra}}),
                              capture_output=True, text=True, check=True).stdout
    chart = json.loads(yaml.safe_load(rendered)["data"]["managed-settings.json"])
    facts = yaml.safe_load((REPO / "files" / "kubernetes.yml").read_text())
    assert chart == managed_settings(facts, tier=tier)


def test_no_credential_or_kubeconfig_key_is_printed_even_with_vvv(deployed, tools):
    """A deploy with a credential, at -vvv: the credential reaches the Secret and nowhere in the output, nor does the
    kubeconfig's client key."""
    import base64
    canary = "sk-ant-api03-canary-" + "q" * 24
    rc, out = roles_deploy(deployed, "-vvv", "-e", f"workload_api_key={canary}", "-e", "workload_wait=false")
    assert rc == 0, out[-3000:]
    assert canary not in out
    kubeconfig = yaml.safe_load(open(deployed["roles"]).read())
    for user in kubeconfig["users"]:
        for key in ("client-key-data", "token"):
            if user["user"].get(key):
                assert user["user"][key] not in out, key
    secret = get(tools, deployed["roles"], "secret", "claude-agent-credentials", "claude")
    assert base64.b64decode(secret["data"]["ANTHROPIC_API_KEY"]).decode() == canary


def test_cilium_fqdn_policy_is_valid_for_ciliums_own_schema(deployed, tools):
    """The opt-in CiliumNetworkPolicy, from the same allowlist, is checked by a real API server against Cilium's own
    CRD (from its Go module): the rendered policy is accepted, and a name Cilium's schema forbids is refused."""
    kc = deployed["chart"]
    crd = harness("crds.py", "cilium-networkpolicy")
    kubectl(tools, kc, "apply", "--server-side", "-f", crd)
    established = False
    for dummy in range(60):  # `kubectl wait` fails on a CRD whose status has no conditions yet
        conditions = get(tools, kc, "crd", "ciliumnetworkpolicies.cilium.io")["status"].get("conditions") or []
        established = any(c["type"] == "Established" and c["status"] == "True" for c in conditions)
        if established:
            break
        time.sleep(1)
    assert established, "the Cilium CRD never became established"
    rendered = subprocess.run([tools["helm"], "template", "claude-agent", str(REPO / "charts/claude-in-a-box"), "-n", "claude",
                               "-f", "-", "--show-only", "templates/cilium-fqdn.yaml"],
                              input=json.dumps({"image": IMAGE,
                                                "egress": dict(PROXY, fqdnPolicy="cilium", extraHosts=[".example.org"])}),
                              capture_output=True, text=True, check=True).stdout
    policy = yaml.safe_load(rendered)
    names = [f.get("matchName") or f.get("matchPattern") for f in policy["spec"]["egress"][1]["toFQDNs"]]
    assert names[0] == "api.anthropic.com" and names[-1] == "*.example.org", names
    # the resolver answers only cluster names and the allowlist: no other name can carry data out through DNS
    dns = policy["spec"]["egress"][0]["toPorts"][0]["rules"]["dns"]
    assert {"matchPattern": "*"} not in dns and dns[0] == {"matchPattern": "*.cluster.local"}, dns

    def dry_run(obj):
        return subprocess.run([tools["kubectl"], "--kubeconfig", kc, "apply", "--dry-run=server", "-f", "-"],
                              input=json.dumps(obj), capture_output=True, text=True, check=False)

    accepted = dry_run(policy)
    assert accepted.returncode == 0, accepted.stderr
    broken = json.loads(json.dumps(policy))
    broken["spec"]["egress"][1]["toFQDNs"][0] = {"matchName": "not a name!"}
    refused = dry_run(broken)
    assert refused.returncode != 0 and "matchName" in refused.stderr, refused.stderr


def template(tools, values, *show, tz="UTC"):
    rendered = subprocess.run([tools["helm"], "template", "claude-agent", str(REPO / "charts/claude-in-a-box"), "-n", "claude",
                               "-f", "-", *[a for name in show for a in ("--show-only", name)]],
                              input=json.dumps({"image": IMAGE, "egress": PROXY, **values}),
                              env={**os.environ, "TZ": tz}, capture_output=True, text=True, check=True).stdout
    return [d for d in yaml.safe_load_all(rendered) if d]


def test_self_hosted_runner_gets_its_secret_as_a_file_and_its_probe_asks_the_runner(tools):
    objects = template(tools, {"mode": "self-hosted-runner", "credentials": {"oauthToken": "sk-ant-oat01-chart-fake"},
                               "selfHostedRunner": {"environmentSecret": "runner-fake-secret", "drainWaitSec": 30,
                                                    "killSessionAfterMin": 120}},
                       "templates/statefulset.yaml", "templates/secret.yaml")
    secret = next(o for o in objects if o["kind"] == "Secret" and o["metadata"]["name"] == "claude-agent-runner")
    assert secret["stringData"] == {"environment-secret": "runner-fake-secret"}
    pod = next(o for o in objects if o["kind"] == "StatefulSet")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    # the secret is a file in a Secret volume, never in the environment; neither is the setup-token
    assert "runner-fake-secret" not in json.dumps(container["env"])
    assert not {"SELF_HOSTED_RUNNER_ENVIRONMENT_SECRET", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY"} & env.keys()
    volume = next(v for v in pod["volumes"] if v["name"] == "runner-secret")
    assert volume["secret"] == {"secretName": "claude-agent-runner", "defaultMode": 0o440, "optional": True,
                                "items": [{"key": "environment-secret", "path": "environment-secret"}]}
    assert {"name": "runner-secret", "mountPath": "/run/secrets/ciab-runner", "readOnly": True} in container["volumeMounts"]
    assert env["CLAUDE_RUNNER_SECRET_FILE"] == "/run/secrets/ciab-runner/environment-secret"
    assert (env["CLAUDE_RUNNER_HEALTH_PORT"], env["CLAUDE_RUNNER_KILL_SESSION_AFTER_MIN"]) == ("8080", "120")
    assert "CLAUDE_RUNNER_EXIT_IF_UNUSED_MIN" not in env  # unset: the runner's own default
    assert container["ports"] == [{"name": "runner-health", "containerPort": 8080, "protocol": "TCP"}]
    # the readiness probe asks the runner's /healthz on that port (healthcheck.sh reads CLAUDE_RUNNER_HEALTH_PORT)
    assert container["readinessProbe"]["exec"]["command"] == ["/usr/local/bin/healthcheck.sh", "ready"]
    # SIGTERM: what the runner says it needs (80 s) plus the drain wait
    assert pod["terminationGracePeriodSeconds"] == 110


def test_other_modes_carry_nothing_of_the_runner(tools):
    objects = template(tools, {"selfHostedRunner": {"environmentSecret": "runner-fake-secret"}},
                       "templates/statefulset.yaml")
    assert "runner" not in json.dumps(objects).replace("claude-agent", "")


@pytest.mark.parametrize("mode", ["interactive", "remote-control", "self-hosted-runner"])
@pytest.mark.parametrize("credentials", [{"oauthToken": "sk-ant-oat01-chart-broker-fake"},
                                         {"apiKey": "sk-ant-api03-chart-broker-fake"},
                                         {"existingSecret": "team-credentials"}])
def test_only_the_broker_mounts_the_credentials(tools, mode, credentials):
    """No credential reaches claude's container in any mode: the broker (interactive: a native sidecar of the pod;
    every mode: the parts the ask role's Jobs take from the annotation) alone mounts the Secret."""
    [sts] = template(tools, {"mode": mode, "credentials": credentials}, "templates/statefulset.yaml")
    secret = credentials.get("existingSecret", "claude-agent-credentials")
    assert "chart-broker-fake" not in json.dumps(sts)
    parts = json.loads(sts["metadata"]["annotations"]["ciab.io/credential-broker"])
    assert parts["volume"] == {"name": "credentials", "secret": {"secretName": secret, "defaultMode": 0o440}}
    assert parts["container"]["securityContext"]["runAsUser"] == 1001 and parts["container"]["restartPolicy"] == "Always"
    assert parts["container"]["volumeMounts"] == [{"name": "credentials", "mountPath": "/run/secrets/ciab-credentials",
                                                   "readOnly": True}]
    pod = sts["spec"]["template"]["spec"]
    claude = pod["containers"][0]
    refs = [e["valueFrom"]["secretKeyRef"]["key"] for e in claude["env"] if "secretKeyRef" in e.get("valueFrom", {})]
    assert "credentials" not in [m["name"] for m in claude["volumeMounts"]]
    if mode == "interactive":
        assert pod["initContainers"] == [parts["container"]] and parts["volume"] in pod["volumes"]
        assert refs == ["CIAB_OAUTH_TOKEN_EXPIRES_AT"]
        assert {"name": "CIAB_CREDENTIAL_BROKER", "value": "http://127.0.0.1:18081"} in claude["env"]
    else:
        assert "initContainers" not in pod and "credentials" not in [v["name"] for v in pod["volumes"]]
        assert refs == [] and "CIAB_CREDENTIAL_BROKER" not in [e["name"] for e in claude["env"]]


def test_the_broker_goes_through_the_egress_proxy_to_its_upstream(tools):
    values = {"mode": "interactive",
              "credentials": {"apiKey": "sk-x", "broker": {"upstream": "https://llm-gateway.example.test/anthropic"}}}
    [sts] = template(tools, values, "templates/statefulset.yaml")
    env = {e["name"]: e["value"] for e in sts["spec"]["template"]["spec"]["initContainers"][0]["env"]}
    assert env["CIAB_BROKER_UPSTREAM"] == "https://llm-gateway.example.test/anthropic"
    assert env["HTTPS_PROXY"] == env["HTTP_PROXY"] == "http://claude-agent-egress.claude.svc.cluster.local:3128"
    assert env["NO_PROXY"] == "127.0.0.1,localhost"


# the end is the same day wherever helm runs (a year across both daylight-saving changes), and the roles' token_end
@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Pacific/Auckland"])
@pytest.mark.parametrize("issued", ["2026-01-05", "2026-03-01"])
def test_the_credentials_secret_carries_the_setup_tokens_end(tools, tz, issued):
    import sys
    sys.path.insert(0, str(REPO / ".collections"))
    from ansible_collections.ciab.claude_in_a_box.plugins.filter.token_expiry import token_end

    objects = template(tools, {"credentials": {"oauthToken": "sk-ant-oat01-chart-fake", "oauthTokenIssuedAt": issued}},
                       "templates/secret.yaml", tz=tz)
    secret = objects[0]
    end = token_end(issued, 365)
    assert secret["metadata"]["annotations"] == {"ciab.io/oauth-token-issued-at": issued,
                                                 "ciab.io/oauth-token-expires-at": end}
    assert secret["stringData"]["CIAB_OAUTH_TOKEN_EXPIRES_AT"] == end


def test_an_impossible_issue_day_is_refused(tools, tmp_path):
    values = {"image": IMAGE, "egress": PROXY, "credentials": {"oauthToken": "t", "oauthTokenIssuedAt": "2026-02-30"}}
    proc = subprocess.run([tools["helm"], "template", "t", str(REPO / "charts/claude-in-a-box"), "-f", "-"],
                          input=json.dumps(values), capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "2026-02-30" in proc.stderr, proc.stderr
