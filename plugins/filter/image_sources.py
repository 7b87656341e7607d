# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: image_sources
short_description: The sources an image build will download from, and its path when each is out of reach
version_added: 0.3.0
description:
  - Turns the image role's settings into the O(ciab.claude_in_a_box.preflight#module:sources) the preflight checks.
  - The base image (pulled, else, with C(image_base_offline=auto), the offline base, which needs the Debian mirror),
    the Debian mirror (with V(auto), needed only when the pull fails), the npm registry, and the release downloads
    (the download mirror when one is given, else each release host, whose path is the local mirror when a command
    serves one).
options:
  _input:
    description:
      - The image role's settings, by their names without the C(image_) prefix, and C(base_present) and
        C(offline_base_present) (the base images already on the host, whose upstream is then not asked).
    type: dict
    required: true
  release_only:
    description: Only the release downloads (what the image role asks before it takes a local mirror).
    type: bool
    default: false
"""

EXAMPLES = r"""
sources: "{{ {'base': image_base, 'base_offline': image_base_offline, 'base_offline_mirror': image_base_offline_mirror,
             'npm_registry': image_npm_registry, 'download_mirror': image_download_mirror,
             'download_mirror_command': image_download_mirror_command, 'release_hosts': image_release_hosts}
            | ciab.claude_in_a_box.image_sources }}"
"""

RETURN = r"""
_value:
  description: The sources, each with C(name), C(url), C(variable) and, where it applies, C(fallback), C(fallback_needs),
    C(only_for), C(upstream_path) and C(in_build).
  type: list
  elements: dict
"""


def release_sources(settings):
    if settings.get("download_mirror"):
        return [{"name": "download mirror", "url": settings["download_mirror"], "variable": "image_download_mirror",
                 "upstream_path": "the mirror", "in_build": True}]
    fallback = "the local mirror (image_download_mirror_command)" if settings.get("download_mirror_command") else ""
    return [{"name": "release downloads", "url": "https://%s" % host, "variable": "image_download_mirror",
             "fallback": fallback, "in_build": True} for host in settings.get("release_hosts") or []]


def image_sources(settings, release_only=False):
    if release_only:
        return release_sources(settings)
    offline = settings.get("base_offline", "auto")
    mirror = settings.get("base_offline_mirror", "")
    sources = []
    if offline != "always":
        sources.append({"name": "base image", "url": settings["base"], "upstream_path": "pull %s" % settings["base"],
                        "variable": "image_base_offline", "fallback_needs": "Debian mirror",
                        "fallback": "offline base from %s" % mirror if offline == "auto" else "",
                        "present": bool(settings.get("base_present"))})
    if offline != "never":
        # a cached offline base needs no mirror
        sources.append({"name": "Debian mirror", "url": mirror, "variable": "image_base_offline_mirror",
                        "upstream_path": "offline base", "in_build": True,
                        "only_for": "base image" if offline == "auto" else "",
                        "present": bool(settings.get("offline_base_present"))})
    sources.append({"name": "npm registry", "url": settings["npm_registry"], "variable": "image_npm_registry",
                    "in_build": True})
    return sources + release_sources(settings)


class FilterModule(object):
    def filters(self):
        return {"image_sources": image_sources}
