"""managed_settings renders Claude Code's layer of a tier from files/kubernetes.yml (the image bakes the reader
tier; the chart renders the deployed one: tests/integration/test_helm_chart.py checks they agree)."""
import pathlib

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.managed_settings import managed_settings

FACTS = yaml.safe_load((pathlib.Path(__file__).resolve().parents[4] / "files" / "kubernetes.yml").read_text())


def test_reader_investigates_without_approval_and_keeps_credentials_out():
    settings = managed_settings(FACTS)
    perms = settings["permissions"]
    assert settings["allowManagedPermissionRulesOnly"] and settings["allowManagedHooksOnly"]
    assert "Bash(kubectl get:*)" in perms["allow"] and "Bash(kubectl version:*)" in perms["allow"]
    assert "Read(//var/run/secrets/**)" in perms["deny"]
    assert "ask" not in perms and perms["disableBypassPermissionsMode"] == "disable"


@pytest.mark.parametrize("tier, allow_bypass, ask, disabled", [
    ("reader", False, False, True),
    ("operator", False, True, True),
    ("operator", True, True, False),
])
def test_tiers(tier, allow_bypass, ask, disabled):
    perms = managed_settings(FACTS, tier=tier, allow_bypass=allow_bypass)["permissions"]
    assert ("Bash(kubectl delete:*)" in perms.get("ask", [])) == ask
    assert ("disableBypassPermissionsMode" in perms) == disabled


def test_the_facts_are_not_changed():
    before = yaml.safe_dump(FACTS)
    managed_settings(FACTS, tier="operator")
    assert yaml.safe_dump(FACTS) == before


def test_refuses_an_unknown_tier():
    with pytest.raises(AnsibleFilterError, match="admin"):
        managed_settings(FACTS, tier="admin")
