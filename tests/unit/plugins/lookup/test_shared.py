"""The `shared` lookup: each shared fact from its one file, in a checkout and in an installed collection."""
import json
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

from ansible_collections.ciab.claude_in_a_box.plugins.plugin_utils._shared import SharedFacts

REPO = pathlib.Path(__file__).resolve().parents[4]
KUBERNETES = yaml.safe_load((REPO / "files" / "kubernetes.yml").read_text())


@pytest.mark.parametrize("name, key, expected", [
    ("kubernetes", None, KUBERNETES),
    ("kubernetes", "credential_variables", KUBERNETES["credential_variables"]),
    ("tools", "tools", yaml.safe_load((REPO / "files" / "tools.yml").read_text())["tools"]),
    ("collection", "version", yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]),
])
def test_a_fact_is_read_from_its_one_file(name, key, expected):
    assert SharedFacts().get(name, key) == expected


def test_the_chart_is_the_collections_own():
    chart = pathlib.Path(SharedFacts().get("chart"))
    assert (chart / "Chart.yaml").is_file()
    assert chart.resolve() == (REPO / "charts" / "claude-in-a-box").resolve()


@pytest.mark.parametrize("name, key, error, message", [
    ("nodes", None, ValueError, "unknown shared fact 'nodes': one of chart, collection, kubernetes, tools"),
    ("kubernetes", "nope", KeyError, "files/kubernetes.yml has no key 'nope' (it has: "),
    ("chart", "version", ValueError, "key is not used with 'chart'"),
])
def test_a_bad_question_names_what_is_there(name, key, error, message):
    with pytest.raises(error) as raised:
        SharedFacts().get(name, key)
    assert message in str(raised.value)


def test_an_installed_collection_reads_its_manifest(tmp_path):
    # ansible-galaxy install leaves MANIFEST.json, not galaxy.yml
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"collection_info": {"name": "claude_in_a_box", "version": "9.9.9"}}))
    assert SharedFacts(str(tmp_path)).get("collection", "version") == "9.9.9"


def test_a_missing_chart_is_named(tmp_path):
    with pytest.raises(OSError, match="the chart is missing from the collection"):
        SharedFacts(str(tmp_path)).get("chart")


def adhoc(expression):
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"))
    return subprocess.run([str(pathlib.Path(sys.executable).parent / "ansible"), "localhost", "-m", "ansible.builtin.debug",
                           "-a", f"msg={{{{ {expression} }}}}"], cwd=REPO, env=env, capture_output=True, text=True, check=False)


def test_the_lookup_answers_in_a_play():
    run = adhoc("lookup('ciab.claude_in_a_box.shared', 'kubernetes', key='egress_proxy_port')")
    assert run.returncode == 0 and f"msg: {KUBERNETES['egress_proxy_port']}" in run.stdout, run.stdout + run.stderr


def test_the_lookup_fails_naming_the_bad_key():
    run = adhoc("lookup('ciab.claude_in_a_box.shared', 'kubernetes', key='nope')")
    assert run.returncode != 0 and "files/kubernetes.yml has no key 'nope'" in run.stdout + run.stderr, run.stdout
