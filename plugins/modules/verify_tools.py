#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: verify_tools
short_description: Prove that every tool of the claude-in-a-box manifest works
version_added: 0.1.0
description:
  - Runs each tool's verify command from the tool manifest (C(files/tools.yml)), inside a running
    container with C(docker exec) or on this host, and compares its output with the expected pattern.
  - Fails with one message naming every missing or wrong tool; returns a record per tool either way.
  - Changes nothing, so it runs in check mode as well.
author:
  - claude-in-a-box contributors (@ciab)
options:
  tools:
    description:
      - Manifest entries to verify, as selected and expanded by the
        P(ciab.claude_in_a_box.tool_selection#filter) filter.
      - Each needs C(name) and C(verify); C(version), C(expect) and C(ok_rc) are used when present.
    type: list
    elements: dict
    required: true
  container:
    description:
      - Name or ID of a running container to verify inside. When omitted, the tools are run on the
        managed host.
    type: str
  user:
    description:
      - User to run the verify commands as inside O(container).
    type: str
  docker_cli:
    description:
      - Docker CLI used for C(docker exec).
    type: path
    default: docker
  fail_on_error:
    description:
      - Fail the task when any tool fails. With V(false) the results are returned for inspection.
    type: bool
    default: true
extends_documentation_fragment:
  - ciab.claude_in_a_box.attributes
  - ciab.claude_in_a_box.attributes.info_module
  - ciab.claude_in_a_box.attributes.actiongroup_claude_in_a_box
notes:
  - Distro tools are not pinned; their pattern checks that the tool runs and identifies itself.
seealso:
  - name: Tool manifest
    description: The single list of tools, versions and verify commands.
    link: https://github.com/ciab/claude-in-a-box/blob/main/files/tools.yml
"""

EXAMPLES = r"""
- name: Verify the tools inside the running image
  ciab.claude_in_a_box.verify_tools:
    container: claude-agent
    tools: "{{ manifest.tools | ciab.claude_in_a_box.tool_selection(profile='full') }}"

- name: Collect results without failing
  ciab.claude_in_a_box.verify_tools:
    container: claude-agent
    tools: "{{ selected_tools }}"
    fail_on_error: false
  register: verification
"""

RETURN = r"""
results:
  description: One record per tool, in manifest order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Tool name.
      type: str
      sample: kubectl
    expected:
      description: Regular expression the output had to match.
      type: str
      sample: 'Client Version: v1\.34\.4'
    found:
      description: The matching text, or the first line of output when nothing matched.
      type: str
      sample: 'Client Version: v1.34.4'
    ok:
      description: Whether the tool passed.
      type: bool
    error:
      description: Why it failed; null when it passed.
      type: str
failed_tools:
  description: Names of the tools that failed.
  returned: always
  type: list
  elements: str
  sample: [nerdctl]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ciab.claude_in_a_box.plugins.module_utils._tools import (
    judge,
    summary,
    verify_argv,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tools=dict(type="list", elements="dict", required=True),
            container=dict(type="str"),
            user=dict(type="str"),
            docker_cli=dict(type="path", default="docker"),
            fail_on_error=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    missing = [str(t.get("name", "?")) for t in params["tools"] if not t.get("name") or not t.get("verify")]
    if missing:
        module.fail_json(msg="every tool needs 'name' and 'verify'; incomplete: %s" % ", ".join(missing))

    docker = params["docker_cli"]
    if params["container"]:
        docker = module.get_bin_path(docker, required=True)
    results = []
    for tool in params["tools"]:
        argv = verify_argv(tool, params["container"], docker, params["user"])
        if not params["container"] and not module.get_bin_path(argv[0]):
            rc, out, err = 127, "", ""  # not on this host's PATH: judged as "not found"
        else:
            rc, out, err = module.run_command(argv, check_rc=False)
        results.append(judge(tool, rc, out, err))

    failed = [r["name"] for r in results if not r["ok"]]
    problem = summary(results)
    if problem and params["fail_on_error"]:
        module.fail_json(msg=problem, results=results, failed_tools=failed)
    module.exit_json(changed=False, results=results, failed_tools=failed,
                     msg=problem or "all %d tools verified" % len(results))


if __name__ == "__main__":
    main()
