"""image_sources: the image role's settings as the preflight's sources."""
import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.image_sources import image_sources

SETTINGS = {"base": "ubuntu:24.04", "base_offline": "auto", "base_offline_mirror": "http://deb.debian.org/debian",
            "npm_registry": "https://registry.npmjs.org", "download_mirror": "", "download_mirror_command": "",
            "release_hosts": ["dl.k8s.io", "github.com"]}


def names(sources):
    return [(s["name"], s["url"]) for s in sources]


@pytest.mark.parametrize("changes, expected", [
    ({}, [("base image", "ubuntu:24.04"), ("Debian mirror", "http://deb.debian.org/debian"),
          ("npm registry", "https://registry.npmjs.org"), ("release downloads", "https://dl.k8s.io"),
          ("release downloads", "https://github.com")]),
    ({"base_offline": "always"}, [("Debian mirror", "http://deb.debian.org/debian"),
                                  ("npm registry", "https://registry.npmjs.org"), ("release downloads", "https://dl.k8s.io"),
                                  ("release downloads", "https://github.com")]),
    ({"base_offline": "never", "download_mirror": "http://127.0.0.1:18080"},
     [("base image", "ubuntu:24.04"), ("npm registry", "https://registry.npmjs.org"),
      ("download mirror", "http://127.0.0.1:18080")]),
])
def test_the_sources_follow_the_settings(changes, expected):
    assert names(image_sources(dict(SETTINGS, **changes))) == expected


@pytest.mark.parametrize("offline, fallback, only_for", [
    ("auto", "offline base from http://deb.debian.org/debian", "base image"),
    ("never", "", None),
])
def test_the_base_falls_back_to_the_offline_base_only_in_auto(offline, fallback, only_for):
    sources = {s["name"]: s for s in image_sources(dict(SETTINGS, base_offline=offline))}
    assert sources["base image"]["fallback"] == fallback
    assert sources["base image"]["fallback_needs"] == "Debian mirror"
    assert sources.get("Debian mirror", {}).get("only_for") == only_for


@pytest.mark.parametrize("command, fallback", [
    ("", ""), ("python3 tests/harness/mirror.py serve", "the local mirror (image_download_mirror_command)"),
])
def test_release_hosts_fall_back_to_the_local_mirror_only_with_a_command(command, fallback):
    release = image_sources(dict(SETTINGS, download_mirror_command=command), release_only=True)
    assert [s["fallback"] for s in release] == [fallback, fallback]
    assert all(s["in_build"] and s["variable"] == "image_download_mirror" for s in release)


def test_what_the_build_downloads_from_decides_the_hosts_ca():
    in_build = [s["name"] for s in image_sources(SETTINGS) if s.get("in_build")]
    assert in_build == ["Debian mirror", "npm registry", "release downloads", "release downloads"]


@pytest.mark.parametrize("present, expected", [
    ({}, {"base image": False, "Debian mirror": False}),
    ({"base_present": True}, {"base image": True, "Debian mirror": False}),
    ({"offline_base_present": True}, {"base image": False, "Debian mirror": True}),
])
def test_a_base_already_here_is_not_asked_for(present, expected):
    sources = image_sources(dict(SETTINGS, **present))
    assert {s["name"]: s["present"] for s in sources if "present" in s} == expected
