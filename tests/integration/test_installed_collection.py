"""The installed collection is the product: build the tarball, install it into an empty collections path, and run
the main playbooks by their FQCN from a directory outside the repository, with no ansible.cfg of ours."""
import os
import pathlib
import socket
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.integration
BIN = pathlib.Path(sys.executable).parent
PLAYBOOKS = ["site", "doctor", "teardown", "build", "kind", "deploy", "ask", "audit", "status", "rollout", "compose"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("installed")
    build = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", str(REPO), "--output-path", str(work)],
                           capture_output=True, text=True, cwd=work, check=False)
    assert build.returncode == 0, build.stderr
    tarball = next(work.glob("ciab-claude_in_a_box-*.tar.gz"))
    collections = work / "collections"
    # ours only from the tarball; the dependencies (kubernetes.core, community.docker) from the `ansible` package
    # `make venv` installs, as a user's pip install gives them
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    # --force: another copy (a checkout's link, Molecule's) may already be on a configured path
    install = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "--force", "-p",
                              str(collections), str(tarball)], capture_output=True, text=True, cwd=work, env=env, check=False)
    assert install.returncode == 0, install.stderr
    assert (collections / "ansible_collections" / "ciab" / "claude_in_a_box" / "playbooks" / "site.yml").is_file()
    outside = work / "elsewhere"
    outside.mkdir()
    return {"env": env, "cwd": outside, "root": collections / "ansible_collections" / "ciab" / "claude_in_a_box",
            "tarball": tarball}


def run(installed, *args):
    proc = subprocess.run([str(BIN / "ansible-playbook"), *args], cwd=installed["cwd"], env=installed["env"],
                          capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_the_tarball_holds_the_product_and_no_test_or_checkout_leftovers(installed):
    names = subprocess.run(["tar", "-tzf", str(installed["tarball"])], capture_output=True, text=True, check=False).stdout.split()
    for wanted in ["playbooks/site.yml", "playbooks/audit.yml", "playbooks/status.yml", "roles/image/files/audit-hook.sh",
                   "roles/image/files/skills/k8s-dns.md", "docker-compose.self-hosted-runner.yml", "files/kubernetes.yml",
                   "charts/claude-in-a-box/Chart.yaml", "plugins/modules/agent_audit.py", "MANIFEST.json"]:
        assert wanted in names, wanted
    assert not [n for n in names if n.startswith((".venv/", ".collections/", "tests/output/", ".ci/"))]


@pytest.mark.parametrize("name", PLAYBOOKS)
def test_each_playbook_is_found_by_its_fqcn_and_parses(installed, name):
    rc, out = run(installed, f"ciab.claude_in_a_box.{name}", "--syntax-check")
    assert rc == 0, out


def test_the_main_job_lists_its_stages_from_the_tarball(installed):
    rc, out = run(installed, "ciab.claude_in_a_box.site", "--list-tasks")
    assert rc == 0, out
    for stage in ["Build the image", "Create or reuse the KIND cluster", "Deploy claude-in-a-box to Kubernetes"]:
        assert stage in out, out


def test_the_audit_playbook_runs_from_the_tarball_and_names_bad_input(installed, tmp_path):
    record = tmp_path / "record.jsonl"
    record.write_text("ciab: not a record\n")
    dest = tmp_path / "timeline.json"
    rc, out = run(installed, "ciab.claude_in_a_box.audit", "-e", f"audit_record_path={record}",
                  "-e", f"audit_log_path={tmp_path / 'missing.log'}", "-e", f"audit_dest={dest}")
    assert rc != 0 and f"the audit log {tmp_path / 'missing.log'} does not exist" in out, out
    assert not dest.exists()  # nothing half-written


def test_the_ask_playbook_refuses_a_missing_prompt_before_touching_a_cluster(installed):
    rc, out = run(installed, "ciab.claude_in_a_box.ask", "-e", "ciab_kubeconfig=/nonexistent/kubeconfig")
    assert rc != 0 and "ask_prompt" in out, out


def test_the_status_playbook_names_a_cluster_it_cannot_reach(installed):
    rc, out = run(installed, "ciab.claude_in_a_box.status", "-e", "ciab_kubeconfig=/nonexistent/kubeconfig")
    assert rc != 0 and "kubeconfig '/nonexistent/kubeconfig' (ciab_kubeconfig) does not exist" in out, out


def test_the_doctor_reads_the_installed_collections_own_facts(installed):
    """The preflight from the tarball: the image role's sources come from the installed files/tools.yml (the shared
    lookup), every source on loopback (a listening socket for the http ones, a closed port for the node image)."""
    with socket.create_server(("127.0.0.1", 0)) as listener, socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        up, down = listener.getsockname()[1], closed.getsockname()[1]
        rc, out = run(installed, "ciab.claude_in_a_box.doctor", "-e", "image_base_offline=always",
                      "-e", f"image_base_offline_mirror=http://127.0.0.1:{up}/debian",
                      "-e", f"image_npm_registry=http://127.0.0.1:{up}", "-e", f"image_download_mirror=http://127.0.0.1:{up}",
                      "-e", f"kind_node_image_upstream=127.0.0.1:{down}/kindest/node:v1.34.0",
                      "-e", f"kind_cluster_registry_image=127.0.0.1:{down}/library/registry:closed-port",
                      "-e", "kind_cluster_registry_build_command=false")
    assert rc == 0, out
    assert f"npm registry (127.0.0.1:{up})" in out and "build here" in out, out
