"""The compose role with a real Docker engine and Compose v2 (compiled from its Go module): up and healthy,
a restart keeps the volume's data, down keeps the volume, a second run changes nothing."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import REPO, harness, playbook, recap

pytestmark = pytest.mark.integration
PROJECT = "ciab-compose-test"
CONTAINER = f"{PROJECT}-claude-1"
BROKER = f"{PROJECT}-credential-broker-1"
TOKEN = "sk-ant-oat01-compose-test-not-real"
VOLUME = f"{PROJECT}_claude-config"


@pytest.fixture(scope="module")
def compose_plugin():
    built = pathlib.Path(harness("gobuild.py", "compose").splitlines()[-1]) / "docker-compose"
    plugins = pathlib.Path.home() / ".docker" / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    target = plugins / "docker-compose"
    if not target.exists() or target.read_bytes() != built.read_bytes():
        shutil.copy2(built, target)
    assert subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode == 0


def compose(state, tmp, *extra):
    return playbook("playbooks/compose.yml", "-e", f"@{REPO}/tests/harness/group_vars/all.yml",
                    "-e", json.dumps({"compose_project_name": PROJECT, "compose_project_dir": str(tmp),
                                      "compose_mode": "interactive", "compose_state": state,
                                      "compose_oauth_token": TOKEN,
                                      # a model of its own that the allowlist refuses: nothing leaves for a public host
                                      "compose_model_upstream": "https://model.ciab-test.invalid",
                                      # quotes and ${} must reach the container literally (claude.env is read raw)
                                      "compose_extra_env": {"CIAB_LITERAL": "'${HOME}' \"x\"",
                                                            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}}), *extra)


def docker(*args):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def project(compose_plugin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compose")
    rc, out = compose("present", tmp)
    assert rc == 0, out[-3000:]
    yield tmp
    compose("absent", tmp, "-e", "compose_remove_volumes=true")


def test_up_and_healthy(project):
    state = json.loads(docker("inspect", CONTAINER).stdout)[0]["State"]
    assert state["Running"] and state["Health"]["Status"] == "healthy", state


def test_hardening_as_written(project):
    host = json.loads(docker("inspect", CONTAINER).stdout)[0]["HostConfig"]
    assert host["ReadonlyRootfs"] and host["CapDrop"] == ["ALL"]
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert not any("docker.sock" in b for b in host.get("Binds") or [])


def test_credentials_stay_in_the_brokers_private_env_file(project):
    env_file = project / "credentials.env"
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert TOKEN in env_file.read_text()
    for name in ("claude.env", "docker-compose.yml", ".env"):
        assert "sk-ant" not in (project / name).read_text(), name


def hunt(container):
    """Every file a process of the container's user can read where a credential could sit (each process's
    environment and command line, the home, /etc, /run, /tmp) searched for the token, which reaches grep on its
    stdin only (so grep's own command line cannot match)."""
    return subprocess.run(
        ["docker", "exec", "-i", container, "sh", "-c",
         "grep -rlsF -f - /proc/[0-9]*/environ /proc/[0-9]*/cmdline /home /etc /run /tmp; true"],
        input=TOKEN + "\n", capture_output=True, text=True, check=False).stdout.split()


def test_no_process_of_the_agents_container_holds_the_token(project):
    # the agent's container: nowhere, though claude runs and uses the broker
    assert hunt(CONTAINER) == []
    env = docker("exec", CONTAINER, "sh", "-c", "tr '\\0' '\\n' < /proc/$(pgrep -x claude)/environ").stdout.split()
    assert "CLAUDE_CODE_OAUTH_TOKEN=ciab-credential-broker" in env and "ANTHROPIC_BASE_URL=http://127.0.0.1:18081" in env
    kind = docker("exec", CONTAINER, "curl", "-sS", "--noproxy", "*", "http://127.0.0.1:18081/.ciab/kind").stdout
    assert kind == "oauth\n"
    # claude's requests take the broker's way out: to the egress proxy, which refuses the unlisted test host
    code = docker("exec", CONTAINER, "curl", "-sS", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code}",
                  "-H", "content-type: application/json", "-d", "{}", "http://127.0.0.1:18081/v1/messages").stdout
    assert code == "502"
    proxy_log = docker("logs", f"{PROJECT}-egress-proxy-1").stdout
    assert "TCP_DENIED/403" in proxy_log and "CONNECT model.ciab-test.invalid:443" in proxy_log, proxy_log[-1500:]
    # the same hunt finds it in the broker's container (so it finds what is there): in the environment of its
    # processes (tini, the broker, and this exec's own), from credentials.env
    found = hunt(BROKER)
    assert "/proc/1/environ" in found and all(f.endswith("/environ") for f in found), found


def test_second_run_changes_nothing(project):
    rc, out = compose("present", project)
    assert rc == 0 and recap(out)["localhost"] == 0, out[-2000:]


def test_restart_keeps_the_volume_data(project):
    assert docker("exec", CONTAINER, "sh", "-c", "echo kept > /home/claude/.claude/marker").returncode == 0
    rc, out = compose("restarted", project)
    assert rc == 0, out[-2000:]
    assert docker("exec", CONTAINER, "cat", "/home/claude/.claude/marker").stdout.strip() == "kept"


def test_down_keeps_the_volume_and_up_finds_it(project):
    rc, out = compose("absent", project)
    assert rc == 0, out[-2000:]
    assert docker("inspect", CONTAINER).returncode != 0
    assert docker("volume", "inspect", VOLUME).returncode == 0
    rc, out = compose("present", project)
    assert rc == 0, out[-2000:]
    assert docker("exec", CONTAINER, "cat", "/home/claude/.claude/marker").stdout.strip() == "kept"


# what the image role would set (these runs skip it), so the checks after the images' are reached
PROXY = {"compose_proxy_image": "ciab/egress-proxy:0.1.0-hostile"}


@pytest.mark.parametrize("hostile, message", [
    ({"compose_oauth_token": "sk-ant-oat01-x\nANTHROPIC_BASE_URL=http://attacker.invalid"},
     "may not hold a line break or NUL (it would start a line of its own in an env file): compose_oauth_token"),
    ({"compose_extra_env": {"HTTPS_PROXY": "http://p:3128\rCLAUDE_MODE=headless"}},
     "compose_extra_env.HTTPS_PROXY"),
    ({"compose_extra_env": {"X=1\nCLAUDE_MODE": "headless"}}, "must be shell variable names"),
    ({"compose_extra_env": {"--help": "1"}}, "must be shell variable names"),
    ({"compose_image": "ciab/claude-in-a-box:1\nservices: {}"}, "is not an image reference"),
    ({"compose_model_upstream": "https://api.anthropic.com\nCIAB_IMAGE=evil", **PROXY}, "compose_model_upstream"),
    ({"compose_model_upstream": "https://localhost:8443", **PROXY}, "is the pod's loopback"),
    ({"compose_model_upstream": "http://gateway.test", **PROXY}, "is plain http"),
    ({"compose_extra_env": {"ANTHROPIC_API_KEY": "sk-ant-oat01-x"}}, "compose_extra_env may not set ANTHROPIC_API_KEY"),
])
def test_hostile_values_are_refused_before_anything_is_written(tmp_path, hostile, message):
    values = {"compose_project_name": PROJECT + "-hostile", "compose_project_dir": str(tmp_path / "p"),
              "compose_image": "ciab/claude-in-a-box:0.1.0-hostile", **hostile}
    rc, out = playbook("playbooks/compose.yml", "--skip-tags", "image", "-e", json.dumps(values))
    assert rc != 0 and message in out, out[-2000:]
    # nothing was written, and no credential was printed
    assert not (tmp_path / "p").exists()
    assert "sk-ant-oat01-x" not in out


def test_env_file_values_are_literal(project):
    """claude.env is read raw: quotes and ${...} in a value reach the container as written."""
    env = docker("inspect", CONTAINER, "--format", "{{json .Config.Env}}")
    assert env.returncode == 0, env.stderr
    assert "CIAB_LITERAL='${HOME}' \"x\"" in json.loads(env.stdout)
    # the token: in the broker's environment (credentials.env, read raw too), not in claude's
    assert not [e for e in json.loads(env.stdout) if e.startswith("CLAUDE_CODE_OAUTH_TOKEN=")]
    broker_env = json.loads(docker("inspect", BROKER, "--format", "{{json .Config.Env}}").stdout)
    assert f"CLAUDE_CODE_OAUTH_TOKEN={TOKEN}" in broker_env


def test_the_runner_overlay_mounts_its_secret_as_a_file(compose_plugin, tmp_path):
    """Mode self-hosted-runner: Compose itself reads the overlay; the secret is a file at the path the entrypoint
    reads, never an environment variable, and the stop grace fits the runner's drain."""
    for name in ("docker-compose.yml", "docker-compose.self-hosted-runner.yml"):
        shutil.copy2(REPO / name, tmp_path / name)
    (tmp_path / "runner-secret").write_text("compose-runner-fake")
    config = subprocess.run(["docker", "compose", "-f", "docker-compose.yml", "-f", "docker-compose.self-hosted-runner.yml",
                             "config", "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "CIAB_IMAGE": "ciab/claude-in-a-box:0.1.0-t",
                                 "CIAB_PROXY_IMAGE": "ciab/egress-proxy:0.1.0-t"}, check=False)
    assert config.returncode == 0, config.stderr
    claude = json.loads(config.stdout)["services"]["claude"]
    assert claude["environment"]["CLAUDE_MODE"] == "self-hosted-runner"
    assert claude["secrets"] == [{"source": "runner-secret", "target": "/run/secrets/ciab-runner/environment-secret"}]
    assert "compose-runner-fake" not in json.dumps(claude["environment"])
    assert claude["stop_grace_period"] == "1m30s"
