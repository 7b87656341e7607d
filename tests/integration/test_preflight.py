"""The preflight (make doctor, and site.yml's first play) on this machine's real engine and disk, with every source
a server of the test's own on loopback: a TLS server only a test CA signs (as behind a TLS-inspecting proxy), and
closed ports. Nothing off this host is contacted."""
import pathlib
import socket
import sys

import pytest

from conftest import HARNESS, playbook, recap

sys.path.insert(0, str(HARNESS))
import tlsserver  # noqa: E402

pytestmark = pytest.mark.integration


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    with tlsserver.ProxyLikeServer(tmp_path_factory.mktemp("tls")) as server:
        yield server


def sources(port, ca, **overrides):
    """Every source on loopback: the npm registry and the mirrors on the test's TLS server, the node image's and the
    local registry image's registry a closed port (so both are built here; the command is only named, never run)."""
    values = {
        "image_base_offline": "always",
        "image_base_offline_mirror": f"http://127.0.0.1:{port}/debian",
        "image_npm_registry": f"https://127.0.0.1:{port}",
        "image_download_mirror": f"http://127.0.0.1:{port}",
        "kind_node_image_source": "auto",
        "kind_node_image_upstream": f"127.0.0.1:{closed_port()}/kindest/node:v1.34.0",
        "kind_cluster_registry_image": f"127.0.0.1:{closed_port()}/library/registry:closed-port",
        "kind_cluster_registry_build_command": "false",
        # names no cluster or registry of this machine's, so the table never reads "present here" from one
        "kind_cluster_name": "ciab-test-preflight",
        "kind_cluster_registry_name": "ciab-test-preflight-registry",
        "preflight_host_ca_file": ca,
    }
    values.update(overrides)
    args = []
    for key, value in values.items():
        args += ["-e", f"{key}={value}"]
    return args


def test_the_table_and_the_hosts_ca_for_a_registry_behind_an_inspecting_proxy(proxied):
    port, ca = proxied
    rc, out = playbook("playbooks/doctor.yml", *sources(port, ca))
    assert rc == 0, out
    assert f"npm registry (127.0.0.1:{port})" in out and "yes, TLS via host CA" in out, out
    assert "build here (ciab/kind-node)" in out  # the node image's registry is closed: built here, said so
    assert "build here (kind_cluster_registry_build_command)" in " ".join(out.split()), out  # likewise the registry's
    assert "Docker engine" in out and "free disk" in out
    # the build is given the host's store, and says how to turn that off
    said = " ".join(out.split())  # the callback wraps long lines
    assert f"the image build trusts {ca} (preflight_use_host_ca=false to not)" in said, out
    assert recap(out)["localhost"] == 0


def test_the_hosts_ca_is_left_alone_when_switched_off(proxied):
    port, ca = proxied
    rc, out = playbook("playbooks/doctor.yml", *sources(port, ca, preflight_use_host_ca="false"))
    assert rc == 0 and "yes, TLS via host CA" in out, out
    assert "the image build trusts" not in out


def test_a_source_with_no_path_stops_the_main_job_before_the_build(proxied):
    port, ca = proxied
    dead = closed_port()
    rc, out = playbook("playbooks/site.yml", "--check", *sources(port, ca, image_npm_registry=f"https://127.0.0.1:{dead}"))
    said = " ".join(out.split())
    assert rc != 0
    assert f"npm registry: https://127.0.0.1:{dead} cannot be used" in said and "set image_npm_registry" in said, out
    assert "PLAY [Build the claude-in-a-box image]" not in out  # nothing long started


def test_a_node_image_that_must_be_pulled_and_cannot_is_named(proxied):
    port, ca = proxied
    rc, out = playbook("playbooks/doctor.yml", *sources(port, ca, kind_node_image_source="pull"))
    assert rc != 0 and "set kind_node_image_source" in out, out


def test_kind_and_helm_that_must_be_downloaded_and_cannot_are_named(proxied, tmp_path):
    """No kind or helm on PATH or in the cache (an empty HOME, a bare PATH), their downloads' mirror a closed port:
    both are named before anything long, with the variable that gives them another path."""
    port, ca = proxied
    dead = f"http://127.0.0.1:{closed_port()}"
    venv_bin = str(pathlib.Path(sys.executable).parent)
    rc, out = playbook("playbooks/doctor.yml", *sources(port, ca, kind_cluster_download_mirror=dead,
                                                        manifests_download_mirror=dead),
                       env={"HOME": str(tmp_path), "PATH": f"{venv_bin}:/usr/sbin:/usr/bin:/sbin:/bin"})
    said = " ".join(out.split())
    assert rc != 0, out
    assert "kind download: http://127.0.0.1:" in said and "set kind_cluster_download_mirror" in said, out
    assert "helm download: http://127.0.0.1:" in said and "set manifests_download_mirror" in said, out


def test_a_registry_image_that_cannot_be_pulled_or_built_is_named(proxied):
    """The KIND cluster's local registry image: its registry closed and no command to build it, the run stops before
    anything long, naming the variable."""
    port, ca = proxied
    rc, out = playbook("playbooks/doctor.yml", *sources(port, ca, kind_cluster_registry_build_command=""))
    said = " ".join(out.split())
    assert rc != 0, out
    assert "local registry image: 127.0.0.1:" in said and "set kind_cluster_registry_build_command" in said, out


def test_kind_and_helm_that_cannot_be_downloaded_are_built_with_the_commands(proxied, tmp_path):
    """As above, but with the commands make up passes: the table shows kind and helm built here, and nothing stops."""
    port, ca = proxied
    dead = f"http://127.0.0.1:{closed_port()}"
    venv_bin = str(pathlib.Path(sys.executable).parent)
    rc, out = playbook("playbooks/doctor.yml", *sources(port, ca, kind_cluster_download_mirror=dead,
                                                        manifests_download_mirror=dead,
                                                        kind_cluster_download_command="false",
                                                        manifests_download_command="false"),
                       env={"HOME": str(tmp_path), "PATH": f"{venv_bin}:/usr/sbin:/usr/bin:/sbin:/bin"})
    said = " ".join(out.split())
    assert rc == 0, out
    assert "build here (kind_cluster_download_command)" in said and "build here (manifests_download_command)" in said, out
