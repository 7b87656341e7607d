# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tool manifest (files/tools.yml): validation, selection and verification logic.

Private to this collection (leading underscore): the filter plugin that renders the Dockerfile and the
verify_tools module both use it, so the rules that decide which tools an image carries and what counts
as a working tool live in one place.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

PROFILES = ("minimal", "standard", "full")
SOURCES = ("npm", "release", "distro")
ARCHES = {"amd64": "x64", "arm64": "arm64"}  # Go/Docker arch -> Node.js arch

_REQUIRED = {
    "npm": ("package", "version", "member", "integrity"),
    "release": ("version", "url", "checksum_url"),
    "distro": ("package",),
}
_COMMON = ("name", "category", "profile", "source", "verify")
_EXPANDED = ("package", "url", "checksum_url", "member")


class ManifestError(ValueError):
    """The manifest or a selection from it is wrong; the message names the tool and the field."""


def validate(tools):
    """Check every entry; return the list unchanged or raise ManifestError naming all problems."""
    if not isinstance(tools, list) or not tools:
        raise ManifestError("the manifest must hold a non-empty list under 'tools'")
    problems = []
    seen = set()
    for index, tool in enumerate(tools):
        name = tool.get("name", "#%d" % index) if isinstance(tool, dict) else "#%d" % index
        if not isinstance(tool, dict):
            problems.append("%s: entry is not a mapping" % name)
            continue
        for field in _COMMON + _REQUIRED.get(tool.get("source"), ()):
            if field not in tool:
                problems.append("%s: missing '%s'" % (name, field))
        if tool.get("source") not in SOURCES:
            problems.append("%s: source '%s' is not one of %s" % (name, tool.get("source"), ", ".join(SOURCES)))
        if tool.get("profile") not in PROFILES:
            problems.append("%s: profile '%s' is not one of %s" % (name, tool.get("profile"), ", ".join(PROFILES)))
        if not isinstance(tool.get("verify", []), list) or not tool.get("verify"):
            problems.append("%s: 'verify' must be a non-empty argv list" % name)
        if name in seen:
            problems.append("%s: listed twice" % name)
        seen.add(name)
        if "expect" in tool:
            try:
                re.compile(expected_pattern(tool))
            except re.error as exc:
                problems.append("%s: 'expect' is not a valid regular expression: %s" % (name, exc))
    if problems:
        raise ManifestError("invalid tool manifest: " + "; ".join(problems))
    return tools


def _expand(value, tool, arch):
    return (value.replace("{version}", str(tool.get("version", "")))
            .replace("{arch}", arch).replace("{nodearch}", ARCHES[arch]))


def expand(tool, arch):
    """Return a copy of one entry with {version}/{arch}/{nodearch} filled in and integrity chosen."""
    if arch not in ARCHES:
        raise ManifestError("architecture '%s' is not one of %s" % (arch, ", ".join(ARCHES)))
    out = dict(tool)
    for field in _EXPANDED:
        if field in out:
            out[field] = _expand(str(out[field]), tool, arch)
    if tool.get("source") == "npm":
        integrity = tool.get("integrity", {}).get(arch)
        if not integrity:
            raise ManifestError("%s: no pinned npm integrity for architecture '%s'" % (tool["name"], arch))
        out["integrity"] = integrity
    out.setdefault("checksum_field", "")
    out.setdefault("member", "")
    out.setdefault("ok_rc", [0])
    return out


def select(tools, profile="full", exclude=None, arch="amd64"):
    """The entries an image of `profile` carries, less `exclude`, expanded for `arch`."""
    validate(tools)
    if profile not in PROFILES:
        raise ManifestError("profile '%s' is not one of %s" % (profile, ", ".join(PROFILES)))
    names = [t["name"] for t in tools]
    unknown = sorted(set(exclude or []) - set(names))
    if unknown:
        raise ManifestError("cannot exclude unknown tool(s) %s; the manifest lists: %s"
                            % (", ".join(unknown), ", ".join(names)))
    rank = PROFILES.index(profile)
    return [expand(t, arch) for t in tools
            if PROFILES.index(t["profile"]) <= rank and t["name"] not in (exclude or [])]


def expected_pattern(tool):
    """The regular expression a tool's verify output must match."""
    raw = tool.get("expect") or "{version}"
    return raw.replace("{version}", re.escape(str(tool.get("version", ""))))


def verify_argv(tool, container=None, docker="docker", user=None):
    """argv that runs one tool's verify command, in `container` when given, else on this host."""
    argv = [str(a) for a in tool["verify"]]
    if container:
        prefix = [docker, "exec"]
        if user:
            prefix += ["--user", str(user)]
        return prefix + [container] + argv
    return argv


def judge(tool, rc, stdout, stderr):
    """Turn one verify run into the result record {name, expected, found, ok, error}."""
    output = (stdout or "") + (stderr or "")
    pattern = expected_pattern(tool)
    match = re.search(pattern, output, re.M)
    first_line = next((line.strip() for line in output.splitlines() if line.strip()), "")
    found = match.group(0) if match else first_line
    error = None
    if rc == 127 or (rc != 0 and not output.strip()) or "executable file not found" in output:
        error = "not found: %s" % " ".join(str(a) for a in tool["verify"])
        found = ""
    elif rc not in tool.get("ok_rc", [0]):
        error = "exit code %d: %s" % (rc, first_line)
    elif not match:
        error = "output does not match %r: %s" % (pattern, first_line)
    return {
        "name": tool["name"],
        "expected": pattern,
        "found": found,
        "ok": error is None,
        "error": error,
    }


def summary(results):
    """One line naming every failed tool, or None when all passed."""
    failed = [r for r in results if not r["ok"]]
    if not failed:
        return None
    return "%d of %d tools failed verification: %s" % (
        len(failed), len(results), "; ".join("%s (%s)" % (r["name"], r["error"]) for r in failed))
