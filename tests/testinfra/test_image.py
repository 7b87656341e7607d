"""The running agent container, checked from the inside with pytest-testinfra (the Molecule image scenario runs
it against its agent: `pytest --hosts=docker://ciab-image-agent tests/testinfra`). Files, users, packages,
capabilities, processes and sockets; what is about behaviour (modes, refusals, the agent loop) stays in the
scenario's Ansible verify."""
import json
import pathlib

import pytest

# what the image role bakes: one skill per file of its skills directory
SKILLS = sorted(p.stem for p in (pathlib.Path(__file__).resolve().parents[2] / "roles" / "image" / "files" / "skills").glob("*.md"))


def test_the_agent_runs_as_claude_not_root(host):
    claude = host.user("claude")
    assert (claude.uid, claude.gid, claude.home) == (1000, 1000, "/home/claude")
    assert host.user().name == "claude"
    assert host.file("/proc/1").uid == 1000


def test_tini_is_pid_1_and_the_entrypoint_its_child(host):
    assert host.file("/proc/1/comm").content_string.strip() == "tini"
    # waiting for a login: the entrypoint (bash) sleeps under tini, no claude yet
    children = host.process.filter(ppid=1, comm="bash")
    assert [c.args for c in children] == ["bash /usr/local/bin/entrypoint.sh"]


def test_no_capabilities_and_no_new_privileges(host):
    status = host.file("/proc/1/status").content_string
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(fields[cap], 16) == 0, (cap, fields[cap])
    assert fields["NoNewPrivs"].strip() == "1"


def test_no_nodejs_runtime_left_from_the_build(host):
    for binary in ("node", "npm", "npx"):
        assert not host.exists(binary), binary


@pytest.mark.parametrize("path, mode", [
    ("/etc/claude-code/managed-settings.json", 0o644),
    ("/usr/local/bin/ciab-audit-hook", 0o755),
    ("/usr/local/bin/entrypoint.sh", 0o755),
    ("/usr/local/bin/healthcheck.sh", 0o755),
    ("/usr/local/bin/ciab-credential-broker", 0o755),
] + [(f"/etc/claude-code/.claude/skills/{name}/SKILL.md", 0o644) for name in SKILLS])
def test_the_guardrails_are_roots_and_read_only_to_the_agent(host, path, mode):
    f = host.file(path)
    assert f.is_file and (f.user, f.group, f.mode) == ("root", "root", mode)
    # the root filesystem is read-only too: not even a new file beside them
    assert host.run("test -w %s", path).rc != 0
    assert host.run("touch %s.new", path).rc != 0


def test_the_credential_broker_runs_on_the_images_python3_minimal(host):
    """The broker's imports all load on the image's own Python (python3-minimal has no json or http module), and
    with nothing listening it says so and fails, as the probe must."""
    assert host.package("python3-minimal").is_installed
    probe = host.run("ciab-credential-broker check")
    assert probe.rc == 1 and "no broker answers on 127.0.0.1:18081" in probe.stderr, probe.stderr
    bad = host.run("CIAB_BROKER_UPSTREAM=ftp://x ciab-credential-broker check")
    assert bad.rc == 78 and "CIAB_BROKER_UPSTREAM 'ftp://x' is not an http(s) URL" in bad.stderr


def test_the_managed_settings_are_the_reader_tier(host):
    settings = json.loads(host.file("/etc/claude-code/managed-settings.json").content_string)
    assert settings["permissions"]["disableBypassPermissionsMode"] == "disable"
    assert settings["allowManagedHooksOnly"] is True
    assert any("ciab-audit-hook" in json.dumps(h) for h in settings["hooks"].values())


def test_the_skill_directory_holds_the_roles_skills_only(host):
    listed = host.check_output("ls /etc/claude-code/.claude/skills").split()
    assert SKILLS and listed == SKILLS


def test_every_distro_tool_of_the_manifest_comes_from_its_installed_package(host):
    tools = json.loads(host.file("/usr/share/ciab/tools.json").content_string)
    packages = sorted({t["package"] for t in tools if t.get("source") == "distro"})
    assert packages, "the image's manifest lists no distro tool"
    assert [p for p in packages if not host.package(p).is_installed] == []
    assert host.package("ca-certificates").is_installed


def test_nothing_listens_while_it_waits_for_a_login(host):
    # ss is in the image; a listener here would be reachable by whatever shares the network
    assert host.socket.get_listening_sockets() == []


def test_the_login_volume_is_the_claude_users_alone(host):
    config = host.file("/home/claude/.claude")
    assert config.is_directory and config.user == "claude"
    assert host.file("/home/claude/.claude/.claude.json").mode == 0o600
