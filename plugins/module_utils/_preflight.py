# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight: can each source the run needs be reached, is its TLS trusted, and which path will the run take.

A source is reached with a TCP connect and, for https and registries, a TLS handshake: first with the trust an
image starts with (Mozilla's bundle, as certifi ships it), then with the host's trust store. A source trusted only
through the host's store sits behind a TLS-inspecting proxy: the image build then needs the host's CA.
Nothing here sends a request: a handshake is all that is asked of a source."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import ssl

from urllib.parse import urlsplit

DOCKER_HUB = "registry-1.docker.io"


def endpoint(source):
    """(scheme, host, port) of a URL (http/https) or an image reference (registry host, TLS on 443 unless a port)."""
    if "://" in source:
        parts = urlsplit(source)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("%r is not an http(s) URL" % source)
        return scheme, parts.hostname, parts.port or (443 if scheme == "https" else 80)
    first = source.split("/", 1)[0]
    # docker's rule: the first part is a registry when it has a dot or a port, or is localhost
    if "/" in source and ("." in first or ":" in first or first == "localhost"):
        host, dummy, port = first.partition(":")
        if host == "docker.io":
            host = DOCKER_HUB
        return "https", host, int(port) if port else 443
    return "https", DOCKER_HUB, 443


def probe(scheme, host, port, timeout, default_ca_file, host_ca_file):
    """{reachable, tls, error}: tls is 'n/a' (http), 'trusted' (the build's own trust: default_ca_file, a list of
    files), 'host-ca' (the host's store only), or 'untrusted'. With no default trust to compare with, a source the
    host's store trusts is called trusted: whether a proxy sits in between cannot be told."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except (OSError, socket.timeout) as exc:
        return {"reachable": False, "tls": "n/a", "error": describe(exc)}
    sock.close()
    if scheme == "http":
        return {"reachable": True, "tls": "n/a", "error": ""}
    first_error = ""
    default_ca_files = [f for f in (default_ca_file if isinstance(default_ca_file, list) else [default_ca_file]) if f]
    steps = [("trusted", default_ca_files)] if default_ca_files else []
    if host_ca_file:
        steps.append(("host-ca" if default_ca_files else "trusted", [host_ca_file]))
    if not steps:
        return {"reachable": True, "tls": "untrusted", "error": "no trust store to check TLS with"}
    for tls, ca_files in steps:
        error = handshake(host, port, timeout, ca_files)
        if not error:
            return {"reachable": True, "tls": tls, "error": first_error}
        first_error = first_error or error
    return {"reachable": True, "tls": "untrusted", "error": first_error}


def handshake(host, port, timeout, ca_files):
    context = ssl.create_default_context(cafile=ca_files[0])
    for ca_file in ca_files[1:]:
        context.load_verify_locations(cafile=ca_file)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host):
                return ""
    except (OSError, socket.timeout, ssl.SSLError) as exc:
        return describe(exc)


def describe(exc):
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "certificate not trusted: %s" % (exc.verify_message or exc)
    if isinstance(exc, socket.timeout):
        return "no answer (timed out)"
    return str(exc) or exc.__class__.__name__


def usable(result):
    return result["reachable"] and result["tls"] in ("n/a", "trusted", "host-ca")


def redact(url):
    """A URL as it may be shown: user and password replaced."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    return scheme + sep + authority + slash + path


def decide(source, result, usable_by_name):
    """The path the run takes for one source, and the problem when it has none.

    A fallback that needs another source (the offline base needs the Debian mirror) is a path only when that source
    is usable. A source only a fallback uses (only_for) is no problem by itself: when its fallback is not taken it
    is not needed, and when it is, the source whose fallback it is reports the problem."""
    if source.get("present"):
        return "present here", ""
    only_for = source.get("only_for")
    if only_for and usable_by_name.get(only_for, False):
        return "not needed (%s is used)" % only_for, ""
    if usable(result):
        path = source.get("upstream_path") or "upstream"
        if result["tls"] == "host-ca":
            path += " (the host's CA)"
        return path, ""
    why = result["error"] if not result["reachable"] else "TLS: %s" % result["error"]
    if only_for:
        return "none", ""
    if source.get("fallback"):
        needs = source.get("fallback_needs")
        if not needs or usable_by_name.get(needs, False):
            return source["fallback"], ""
        return "none", "%s: %s cannot be used (%s), and %s needs %s, which cannot be used either; set %s" % (
            source["name"], redact(source["url"]), why, source["fallback"], needs, source["variable"])
    return "none", "%s: %s cannot be used (%s); set %s" % (source["name"], redact(source["url"]), why, source["variable"])


def run(sources, timeout=3.0, default_ca_file=None, host_ca_file=None, prober=probe):
    results = []
    for source in sources:
        scheme, host, port = endpoint(source["url"])
        if source.get("present"):
            # already on this host: nothing is asked of its upstream
            results.append((host, port, {"reachable": False, "tls": "n/a", "error": ""}))
        else:
            results.append((host, port, prober(scheme, host, port, timeout, default_ca_file, host_ca_file)))
    usable_by_name = dict((s["name"], bool(s.get("present")) or usable(r)) for s, (dummy, dummy2, r) in zip(sources, results))
    rows, problems = [], []
    for source, (host, port, result) in zip(sources, results):
        path, problem = decide(source, result, usable_by_name)
        rows.append({
            "name": source["name"], "url": redact(source["url"]), "endpoint": "%s:%d" % (host, port),
            "reachable": result["reachable"], "tls": result["tls"], "error": result["error"], "path": path,
        })
        if problem:
            problems.append(problem)
    return {
        "rows": rows,
        "problems": problems,
        # TLS trusted only through the host's store somewhere the build downloads: the build needs that CA
        "host_ca_needed": any(r["tls"] == "host-ca" for r, s in zip(rows, sources)
                              if s.get("in_build") and not r["path"].startswith("not needed")),
    }


def table(rows, extra=()):
    """One aligned table: source, reachable, path (and why not, when not)."""
    lines = [("source", "reachable", "path")]
    for row in rows:
        reach = "yes" if row["reachable"] and row["tls"] != "untrusted" else "-" if row["path"] == "present here" else "no"
        if row["tls"] == "host-ca":
            reach = "yes, TLS via host CA"
        elif row["reachable"] and row["tls"] == "untrusted":
            reach = "no (TLS not trusted)"
        lines.append(("%s (%s)" % (row["name"], row["endpoint"]), reach, row["path"]))
    lines.extend(extra)
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
