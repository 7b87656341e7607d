"""The Kubernetes debugging skills baked into the image: Claude Code can load each one (front matter with its
name and a description), and every command they give uses a tool the image has and only reads the cluster, so
a skill works in the reader tier without an approval."""
import pathlib
import re
import shlex

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
SKILLS = sorted((REPO / "roles" / "image" / "files" / "skills").glob("*.md"))
IMAGE_TOOLS = {t["name"] for t in yaml.safe_load((REPO / "files" / "tools.yml").read_text())["tools"]}
# in every Debian base, beside the image's tools
BASE = {"awk", "sed", "grep", "head", "cat", "echo", "base64", "sort", "tail", "wc"}
KUBECTL_READS = {"get", "describe", "logs", "top", "version", "explain", "api-resources", "auth"}
COMMAND = re.compile(r"`([a-z][^`]* [^`]*)`")


def front_matter(path):
    text = path.read_text()
    assert text.startswith("---\n"), path.name
    head, dummy, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def commands(path):
    return [m.group(1) for m in COMMAND.finditer(path.read_text())]


def test_the_six_skills_are_there():
    assert [p.stem for p in SKILLS] == ["k8s-cert-expiry", "k8s-crashloop", "k8s-dns", "k8s-networkpolicy",
                                        "k8s-node-pressure", "k8s-pending-pods"]


@pytest.mark.parametrize("path", SKILLS, ids=lambda p: p.stem)
def test_front_matter_names_the_skill_and_says_when_to_use_it(path):
    meta, body = front_matter(path)
    assert meta["name"] == path.stem
    assert 40 < len(meta["description"]) <= 1024 and "Use " in meta["description"]
    # no pre-approved tools: the tier's managed permission rules decide, as for any other call
    assert "allowed-tools" not in meta
    assert body.strip()


@pytest.mark.parametrize("path", SKILLS, ids=lambda p: p.stem)
def test_commands_use_the_images_tools_and_only_read(path):
    found = commands(path)
    assert found, path.name
    for command in found:
        lexer = shlex.shlex(re.sub(r"<[^<>\s]+>", "X", command), posix=True, punctuation_chars=True)
        segments, words = [], []
        for token in lexer:
            if token in ("|", "||", "&&", ";"):
                segments.append(words)
                words = []
            else:
                words.append(token)
        for words in segments + [words]:
            if not words:
                continue
            assert words[0] in IMAGE_TOOLS | BASE, f"{path.stem}: {words[0]!r} is not in the image ({command})"
            if words[0] == "kubectl":
                verb = next(w for w in words[1:] if not w.startswith("-"))
                assert verb in KUBECTL_READS, f"{path.stem}: kubectl {verb} is not a read ({command})"


def test_a_write_would_be_caught():
    """The check above fails on a skill that tells the agent to change the cluster."""
    bad = REPO / "tests" / "unit" / "bad-skill.md"
    bad.write_text("---\nname: bad-skill\ndescription: x\n---\nRun `kubectl delete pod web-0 -n shop`.\n")
    try:
        with pytest.raises(AssertionError, match="kubectl delete is not a read"):
            test_commands_use_the_images_tools_and_only_read(bad)
    finally:
        bad.unlink()
