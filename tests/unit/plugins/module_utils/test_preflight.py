"""The preflight's logic: where each source is, which path the run takes, and real handshakes on loopback against a
server whose certificate only a test CA signs (as a TLS-inspecting proxy's would be)."""
import pathlib
import socket
import sys

import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.module_utils import _preflight

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness"))
import tlsserver  # noqa: E402


@pytest.mark.parametrize("source, expected", [
    ("https://registry.npmjs.org", ("https", "registry.npmjs.org", 443)),
    ("http://deb.debian.org/debian", ("http", "deb.debian.org", 80)),
    ("http://127.0.0.1:18080", ("http", "127.0.0.1", 18080)),
    ("ubuntu:24.04", ("https", "registry-1.docker.io", 443)),
    ("kindest/node:v1.34.0", ("https", "registry-1.docker.io", 443)),
    ("docker.io/library/debian:bookworm", ("https", "registry-1.docker.io", 443)),
    ("127.0.0.1:9/kindest/node:v1.34.0", ("https", "127.0.0.1", 9)),
    ("localhost/ciab/node:1", ("https", "localhost", 443)),
    ("quay.io/cilium/cilium:v1", ("https", "quay.io", 443)),
])
def test_a_source_is_found_where_the_run_would_go(source, expected):
    assert _preflight.endpoint(source) == expected


@pytest.mark.parametrize("source", ["ftp://example.test/x", "https://", "file:///etc/passwd"])
def test_a_url_that_is_not_http_is_refused(source):
    with pytest.raises(ValueError, match="is not an http"):
        _preflight.endpoint(source)


UP = {"reachable": True, "tls": "trusted", "error": ""}
VIA_HOST = {"reachable": True, "tls": "host-ca", "error": "certificate not trusted: self-signed"}
DOWN = {"reachable": False, "tls": "n/a", "error": "[Errno 111] Connection refused"}
UNTRUSTED = {"reachable": True, "tls": "untrusted", "error": "certificate not trusted: self-signed"}
BASE = {"name": "base image", "url": "ubuntu:24.04", "variable": "image_base_offline", "upstream_path": "pull",
        "fallback": "offline base", "fallback_needs": "Debian mirror"}
MIRROR = {"name": "Debian mirror", "url": "http://127.0.0.1:1/debian", "variable": "image_base_offline_mirror",
          "upstream_path": "offline base", "only_for": "base image", "in_build": True}
NPM = {"name": "npm registry", "url": "https://127.0.0.1:2", "variable": "image_npm_registry", "in_build": True}
NODE = {"name": "KIND node image", "url": "127.0.0.1:3/kindest/node:v1", "variable": "kind_node_image_source",
        "fallback": "build here"}


@pytest.mark.parametrize("sources, answers, paths, problems, host_ca", [
    # everything answers
    ([BASE, MIRROR, NPM], [UP, UP, UP], ["pull", "not needed (base image is used)", "upstream"], [], False),
    # no registry: the offline base, from the mirror; the node image built here
    ([BASE, MIRROR, NODE], [DOWN, UP, DOWN], ["offline base", "offline base", "build here"], [], False),
    # no registry and no mirror: the base has no path, named once, with its variable
    ([BASE, MIRROR], [DOWN, DOWN], ["none", "none"],
     ["base image: ubuntu:24.04 cannot be used ([Errno 111] Connection refused), and offline base needs Debian mirror, "
      "which cannot be used either; set image_base_offline"], False),
    # a TLS-inspecting proxy: reachable through the host's CA, which the build then needs
    ([NPM], [VIA_HOST], ["upstream (the host's CA)"], [], True),
    # ... but not for a source the build does not download from
    ([dict(NODE, fallback="")], [VIA_HOST], ["upstream (the host's CA)"], [], False),
    # trusted by nothing: no path, and the TLS error is what is named
    ([NPM], [UNTRUSTED], ["none"],
     ["npm registry: https://127.0.0.1:2 cannot be used (TLS: certificate not trusted: self-signed); set image_npm_registry"],
     False),
    # no fallback at all
    ([dict(NODE, fallback="")], [DOWN], ["none"],
     ["KIND node image: 127.0.0.1:3/kindest/node:v1 cannot be used ([Errno 111] Connection refused); set kind_node_image_source"],
     False),
])
def test_the_path_each_source_takes(sources, answers, paths, problems, host_ca):
    replies = iter(answers)
    result = _preflight.run(sources, prober=lambda *args: next(replies))
    assert [row["path"] for row in result["rows"]] == paths
    assert result["problems"] == problems
    assert result["host_ca_needed"] is host_ca


def test_the_table_lines_up():
    lines = _preflight.table([{"name": "npm registry", "endpoint": "registry.npmjs.org:443", "reachable": True,
                               "tls": "host-ca", "path": "upstream (the host's CA)"}], [("Docker engine 28", "yes", "rootful")])
    assert lines[0].split() == ["source", "reachable", "path"]
    assert lines[1].index("yes, TLS via host CA") == lines[0].index("reachable")
    assert lines[2].startswith("Docker engine 28")


@pytest.fixture(scope="module")
def proxy_like_server(tmp_path_factory):
    with tlsserver.ProxyLikeServer(tmp_path_factory.mktemp("tls")) as server:
        yield server


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_proxy_signed_source_is_trusted_only_through_the_hosts_store(proxy_like_server):
    port, ca = proxy_like_server
    certifi = certifi_bundle()
    result = _preflight.probe("https", "127.0.0.1", port, 3, certifi, ca)
    assert result["tls"] == "host-ca" and "certificate not trusted" in result["error"], result


def test_the_same_source_is_trusted_when_the_image_trusts_that_ca(proxy_like_server):
    port, ca = proxy_like_server
    assert _preflight.probe("https", "127.0.0.1", port, 3, ca, None)["tls"] == "trusted"


def test_a_source_no_store_trusts_is_untrusted(proxy_like_server):
    port, dummy = proxy_like_server
    certifi = certifi_bundle()
    assert _preflight.probe("https", "127.0.0.1", port, 3, certifi, certifi)["tls"] == "untrusted"


def test_a_closed_port_is_unreachable():
    result = _preflight.probe("https", "127.0.0.1", free_port(), 3, None, None)
    assert not result["reachable"] and "refused" in result["error"]


def certifi_bundle():
    # the trust a fresh image starts with (requests needs certifi, so it is always here)
    import certifi  # pylint: disable=import-outside-toplevel
    return certifi.where()


def test_without_a_default_trust_the_hosts_store_is_not_called_a_proxy(proxy_like_server):
    port, ca = proxy_like_server
    assert _preflight.probe("https", "127.0.0.1", port, 3, None, ca)["tls"] == "trusted"
    assert _preflight.probe("https", "127.0.0.1", port, 3, [], None) == {
        "reachable": True, "tls": "untrusted", "error": "no trust store to check TLS with"}


def test_a_ca_the_build_is_given_counts_as_the_builds_own_trust(proxy_like_server):
    port, ca = proxy_like_server
    assert _preflight.probe("https", "127.0.0.1", port, 3, [certifi_bundle(), ca], certifi_bundle())["tls"] == "trusted"


def test_a_source_not_needed_does_not_ask_for_the_hosts_ca():
    replies = iter([UP, VIA_HOST])
    result = _preflight.run([BASE, MIRROR], prober=lambda *args: next(replies))
    assert result["rows"][1]["path"] == "not needed (base image is used)"
    assert result["host_ca_needed"] is False


def test_an_image_already_here_is_not_asked_for():
    asked = []
    result = _preflight.run([dict(NODE, fallback="", present=True)], prober=lambda *args: asked.append(args))
    assert asked == [] and result["rows"][0]["path"] == "present here" and result["problems"] == []


@pytest.mark.parametrize("url, shown", [
    ("https://user:s3cret@npm.example/registry", "https://***@npm.example/registry"),
    ("https://token@npm.example", "https://***@npm.example"),
    ("https://npm.example/a@b", "https://npm.example/a@b"),
    ("kindest/node:v1", "kindest/node:v1"),
])
def test_a_password_in_a_url_is_never_shown(url, shown):
    result = _preflight.run([{"name": "x", "url": url, "variable": "v"}], prober=lambda *args: DOWN)
    assert result["rows"][0]["url"] == shown
    assert "s3cret" not in result["problems"][0] and shown in result["problems"][0]
