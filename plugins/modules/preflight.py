#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: preflight
short_description: Check, in seconds, every source a run needs and the path it will take for each
version_added: 0.1.0
description:
  - For each source (a registry, a package index, a release download host, a mirror), connects and, for https and
    registries, completes a TLS handshake, first with the trust a fresh image starts with (Mozilla's bundle), then
    with the host's trust store. No request is sent.
  - Reports one table, the source, whether it can be reached, and the path the run will use for it (the
    upstream, or the local path named by O(sources[].fallback)). A source trusted only through the host's store
    is reported so the image build can be given that CA.
  - Checks the Docker engine (it answers, rootless or not) and the free disk where images and caches go.
  - Fails, before any long step, when a source has neither an upstream nor a local path, naming the variable to
    set; or when the engine does not answer, or the disk is below O(min_free_gb).
author:
  - claude-in-a-box contributors (@ciab)
options:
  sources:
    description: The sources this run will use, as the preflight role derives them from the run's settings.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: What the source is for, as the table shows it.
        type: str
        required: true
      url:
        description: An http(s) URL, or an image reference (its registry is probed; Docker Hub when it names none).
        type: str
        required: true
      fallback:
        description: The local path the run takes when the upstream cannot be used; empty when there is none.
        type: str
        default: ""
      fallback_needs:
        description: The name of another source the fallback needs (the offline base needs the Debian mirror).
        type: str
        default: ""
      only_for:
        description: The name of the source whose fallback alone uses this one; its absence is reported there.
        type: str
        default: ""
      upstream_path:
        description: How the table names the upstream path.
        type: str
        default: upstream
      variable:
        description: The variable that gives this source another path, named when there is none.
        type: str
        required: true
      in_build:
        description: The image build downloads from it, so its TLS decides whether the build needs the host's CA.
        type: bool
        default: false
      present:
        description: What it gives is already on this host (an image), so its upstream is not asked.
        type: bool
        default: false
  timeout:
    description: Seconds to wait for each connect and handshake.
    type: float
    default: 3
  default_ca_file:
    description:
      - The trust a fresh image starts with; empty uses certifi's bundle when installed. Without either, a source
        the host's store trusts is reported trusted (whether a proxy sits in between cannot be told).
    type: path
  extra_ca_file:
    description: A CA the build is given (C(image_extra_ca_file)), trusted beside O(default_ca_file).
    type: path
  host_ca_file:
    description: The host's trust store.
    type: path
    default: /etc/ssl/certs/ca-certificates.crt
  docker_cli:
    description: The Docker CLI; empty skips the engine check.
    type: str
    default: docker
  disk_paths:
    description: Directories whose free space is checked (created images, caches).
    type: list
    elements: path
    default: []
  min_free_gb:
    description: Free space each of O(disk_paths) must have.
    type: float
    default: 10
extends_documentation_fragment:
  - ciab.claude_in_a_box.attributes
  - ciab.claude_in_a_box.attributes.info_module
  - ciab.claude_in_a_box.attributes.actiongroup_claude_in_a_box
notes:
  - The handshake goes to the host and port of each source only; an http source is only connected to.
"""

EXAMPLES = r"""
- name: Check the sources of an image build
  ciab.claude_in_a_box.preflight:
    sources:
      - name: npm registry
        url: https://registry.npmjs.org
        variable: image_npm_registry
        in_build: true
      - name: KIND node image
        url: kindest/node:v1.34.0
        fallback: build here (kind_node_image)
        variable: kind_node_image_source
    disk_paths: [/var/lib/docker]
  register: preflight
"""

RETURN = r"""
rows:
  description: One per source.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: npm registry, url: "https://registry.npmjs.org", endpoint: "registry.npmjs.org:443", reachable: true,
       tls: host-ca, error: "certificate not trusted: self-signed certificate in certificate chain",
       path: "upstream (the host's CA)"}
table:
  description: The table, one line per source, then the engine and the disk.
  returned: always
  type: list
  elements: str
host_ca_needed:
  description: A source the build downloads from is trusted only through the host's store.
  returned: always
  type: bool
docker:
  description: The engine's version, whether it is rootless, and its data directory; empty when not checked.
  returned: always
  type: dict
problems:
  description: Why the run cannot go on, one line each, naming the variable to set.
  returned: always
  type: list
  elements: str
"""

import json
import os
import shutil

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ciab.claude_in_a_box.plugins.module_utils import _preflight


def default_trust():
    try:
        import certifi  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return certifi.where()


def docker_engine(module, cli):
    path = module.get_bin_path(cli)
    if not path:
        return None, "the Docker engine cannot be asked: no %s on PATH (install Docker, or make engine)" % cli
    rc, out, err = module.run_command([path, "info", "--format", "{{json .}}"])
    if rc != 0:
        return None, "the Docker engine does not answer (%s info: %s)" % (cli, (err or out).strip()[:200])
    info = json.loads(out)
    options = " ".join(info.get("SecurityOptions") or [])
    return {
        "version": info.get("ServerVersion", ""),
        "rootless": "rootless" in options,
        "userns": "userns" in options,
        "root_dir": info.get("DockerRootDir", ""),
    }, ""


def free_gb(path):
    while path and not os.path.exists(path):
        path = os.path.dirname(path)
    return shutil.disk_usage(path or "/").free / 1e9


def main():
    module = AnsibleModule(
        argument_spec=dict(
            sources=dict(type="list", elements="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                url=dict(type="str", required=True),
                fallback=dict(type="str", default=""),
                fallback_needs=dict(type="str", default=""),
                only_for=dict(type="str", default=""),
                upstream_path=dict(type="str", default="upstream"),
                variable=dict(type="str", required=True),
                in_build=dict(type="bool", default=False),
                present=dict(type="bool", default=False),
            )),
            timeout=dict(type="float", default=3.0),
            default_ca_file=dict(type="path"),
            extra_ca_file=dict(type="path"),
            host_ca_file=dict(type="path", default="/etc/ssl/certs/ca-certificates.crt"),
            docker_cli=dict(type="str", default="docker"),
            disk_paths=dict(type="list", elements="path", default=[]),
            min_free_gb=dict(type="float", default=10.0),
        ),
        supports_check_mode=True,
    )
    p = module.params
    for source in p["sources"]:
        try:
            _preflight.endpoint(source["url"])
        except ValueError as exc:
            module.fail_json(msg="sources: %s (%s)" % (exc, source["name"]))
    host_ca = p["host_ca_file"] if p["host_ca_file"] and os.path.exists(p["host_ca_file"]) else None
    default_ca = p["default_ca_file"] or default_trust()
    build_trust = [f for f in (default_ca, p["extra_ca_file"]) if f]
    if p["extra_ca_file"] and not os.path.isfile(p["extra_ca_file"]):
        module.fail_json(msg="extra_ca_file %s does not exist" % p["extra_ca_file"])
    result = _preflight.run(p["sources"], p["timeout"], build_trust, host_ca)
    extra, docker = [], {}
    if p["docker_cli"]:
        docker, problem = docker_engine(module, p["docker_cli"])
        if problem:
            result["problems"].append(problem)
            extra.append(("Docker engine", "no", "none"))
            docker = {}
        else:
            mode = "rootless" if docker["rootless"] else "user namespaces" if docker["userns"] else "rootful"
            extra.append(("Docker engine %s" % docker["version"], "yes", mode))
            if docker["rootless"] or docker["userns"]:
                module.warn("the Docker engine runs %s: KIND needs privileged containers, which it may refuse" % mode)
    disks = list(p["disk_paths"]) + ([docker["root_dir"]] if docker.get("root_dir") else [])
    for path in sorted(set(disks)):
        free = free_gb(path)
        enough = free >= p["min_free_gb"]
        extra.append(("free disk %s" % path, "%.0f GB" % free, "enough" if enough else "below %.0f GB" % p["min_free_gb"]))
        if not enough:
            result["problems"].append("%s has %.1f GB free, below %.0f GB (min_free_gb)" % (path, free, p["min_free_gb"]))
    result.update(table=_preflight.table(result["rows"], extra), docker=docker, changed=False)
    if result["problems"]:
        module.fail_json(msg="preflight: " + "; ".join(result["problems"]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
