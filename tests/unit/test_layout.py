"""The collection's layout rules that a reader relies on: a role reads only its own files (shared facts come
through the `shared` lookup), and no role sets its own connection (each play does, once)."""
import pathlib
import re

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
ROLE_FILES = sorted(p for p in (REPO / "roles").glob("*/*/**/*") if p.is_file() and p.suffix in (".yml", ".j2")
                    and "/files/" not in str(p.relative_to(REPO)))


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_role_reads_only_its_own_files(path):
    outside = re.findall(r"role_path[^\n]{0,12}/\.\./", path.read_text())
    assert not outside, f"{path.relative_to(REPO)} reaches out of its role ({outside}): use lookup('ciab.claude_in_a_box.shared', ...)"


# k8s_access is the play's check, which asks with the same settings the play gives every module
@pytest.mark.parametrize("path", [p for p in ROLE_FILES if "/tasks/" in str(p) and "/k8s_access/" not in str(p)], ids=lambda p: str(p.relative_to(REPO)))
def test_no_role_sets_its_own_connection(path):
    text = path.read_text()
    assert "module_defaults" not in text and not re.search(r"^\s+(kubeconfig|context):", text, re.M), (
        f"{path.relative_to(REPO)} sets a connection: the play gives it (module_defaults for group/ciab.claude_in_a_box.k8s)")


def test_every_play_that_talks_to_a_cluster_sets_the_connection_once():
    for name in ("deploy", "status", "ask", "audit", "teardown", "rollout"):
        text = (REPO / "playbooks" / f"{name}.yml").read_text()
        assert text.count("group/ciab.claude_in_a_box.k8s:") == 1, name


@pytest.mark.parametrize("target, variable, command", [
    ("up", "kind_node_image_components_command", "tests/harness/node_components.py"),
    ("up", "image_download_mirror_command", "tests/harness/mirror.py serve"),
    ("doctor", "image_download_mirror_command", "tests/harness/mirror.py serve"),
    ("load", "kind_node_image_components_command", "tests/harness/node_components.py"),
    ("up", "kind_cluster_registry_build_command", "tests/harness/gobuild.py registry"),
    ("load", "kind_cluster_registry_build_command", "tests/harness/gobuild.py registry"),
    ("up", "kind_cluster_download_command", "tests/harness/gobuild.py kind"),
    ("up", "manifests_download_command", "tests/harness/gobuild.py helm"),
    ("deploy", "manifests_download_command", "tests/harness/gobuild.py helm"),
    ("doctor", "kind_cluster_download_command", "tests/harness/gobuild.py kind"),
])
def test_a_command_the_makefile_passes_reaches_ansible_whole(target, variable, command):
    """What `make` would run, parsed as the shell and then ansible-playbook's -e would: a command passed as
    key=value would be cut at its first space."""
    import json  # pylint: disable=import-outside-toplevel
    import shlex  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    from ansible.parsing.splitter import parse_kv  # pylint: disable=import-outside-toplevel

    dry = subprocess.run(["make", "-n", "-C", str(REPO), target], capture_output=True, text=True, check=True).stdout
    line = next(line for line in dry.replace("\\\n", " ").splitlines() if "ansible-playbook" in line)
    words = shlex.split(line)
    given = {}
    for flag, value in zip(words, words[1:]):
        if flag == "-e":
            given.update(json.loads(value) if value.startswith("{") else parse_kv(value))
    assert given[variable].endswith(command), given
