# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet rollout's decisions, as filters the fleet_rollout role uses (and unit tests check)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in the sidecar files beside this one (one per filter: fleet_gate.yml and the others it defines).

from ansible.errors import AnsibleFilterError


def fleet_gate(done, max_fail_percentage=100):
    done = list(done or [])
    if not done:
        return False
    failed = sum(1 for row in done if row.get("result") == "failed")
    return failed * 100 > int(max_fail_percentage) * len(done)


def fleet_duplicates(entries):
    """Groups of hosts (each a list, in inventory order) whose kubeconfig, context and namespace are the same.
    Each entry: {host, kubeconfig, context, namespace}."""
    keys = {}
    for entry in entries:
        key = (entry.get("kubeconfig") or "", entry.get("context") or "", entry.get("namespace") or "claude")
        keys.setdefault(key, []).append(entry["host"])
    return [{"key": "|".join(key), "hosts": hosts} for key, hosts in keys.items() if len(hosts) > 1]


def fleet_entry(hostvars):
    """What identifies a cluster entry: {host, kubeconfig (user expanded), context, namespace}."""
    import os
    return {"host": hostvars.get("inventory_hostname"),
            "kubeconfig": os.path.expanduser(hostvars.get("ciab_kubeconfig") or ""),
            "context": hostvars.get("ciab_context") or "", "namespace": hostvars.get("ciab_namespace") or "claude"}


def fleet_push_targets(hosts, refs):
    """[registry, ref] for each registry the registry-delivered hosts use and each image ref."""
    registries = []
    for host in hosts:
        if host.get("ciab_image_delivery") == "registry" and host.get("ciab_registry") not in registries:
            registries.append(host["ciab_registry"])
    return [[registry, ref] for registry in registries for ref in refs if ref]


def registry_manifest_url(registry, ref):
    """The v2 API URL of ref's tag in registry (HTTP on loopback, HTTPS elsewhere)."""
    if ":" not in ref.rsplit("/", 1)[-1]:
        raise AnsibleFilterError("registry_manifest_url: %r has no tag" % (ref,))
    name, tag = ref.rsplit(":", 1)
    host, dummy, path = registry.partition("/")
    scheme = "http" if host.split(":")[0] in ("127.0.0.1", "localhost") else "https"
    repository = "/".join([p for p in path.split("/") if p] + [name.split("/")[-1]])
    return "%s://%s/v2/%s/manifests/%s" % (scheme, host, repository, tag)


class FilterModule(object):
    def filters(self):
        return {"fleet_gate": fleet_gate, "fleet_duplicates": fleet_duplicates, "fleet_entry": fleet_entry,
                "fleet_push_targets": fleet_push_targets, "registry_manifest_url": registry_manifest_url}
