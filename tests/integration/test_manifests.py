"""The manifests role finds helm the way a new user's machine needs it: none on PATH, so it downloads the release
files/tools.yml names (here from the loopback mirror, as an air-gapped user's mirror would serve it), verifies it
against its published sha256, caches it, and renders; a second run uses the cache; a helm given that does not run
fails naming it."""
import os
import sys

import pytest

from conftest import REPO, playbook, recap

pytestmark = pytest.mark.integration
MIRROR = f"http://127.0.0.1:{os.environ.get('CIAB_MIRROR_PORT', '18080')}"


def render(bin_dir, *extra):
    # PATH without any helm: only the system and the virtualenv
    env = {"PATH": f"/usr/bin:/bin:{os.path.dirname(os.path.realpath(sys.executable))}"}
    return playbook(str(REPO / "tests/integration/playbooks/render_chart.yml"), "-e", f"manifests_download_mirror={MIRROR}",
                    "-e", f"manifests_bin_dir={bin_dir}", *extra, env=env)


def test_no_helm_on_path_downloads_verifies_caches_and_renders(tmp_path):
    rc, out = render(tmp_path)
    assert rc == 0, out[-3000:]
    assert "no helm >= 3.14.0 on PATH (found: none)" in out
    assert "Download helm, verified against its published sha256" in out and "rendered: ServiceAccount" in out
    assert (tmp_path / "helm").is_file()
    rc, out = render(tmp_path)
    assert rc == 0, out[-3000:]
    assert recap(out)["localhost"] == 0, out[-3000:]
    assert "rendered: ServiceAccount" in out


def test_a_helm_given_that_does_not_run_is_named(tmp_path):
    rc, out = render(tmp_path, "-e", "manifests_helm_binary=/nonexistent/helm")
    assert rc != 0 and "manifests_helm_binary '/nonexistent/helm' does not run" in out, out[-2000:]
