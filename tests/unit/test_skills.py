"""The Kubernetes debugging skills baked into the image: Claude Code can load each one (front matter with its
name and a description), and every command they give uses a tool the image has and only reads: each tool is
allowed with the subcommands that read (kubectl get/describe/logs/..., `auth can-i`), or, for the text tools,
without the flags that write (sed -i, curl with a body or another method). That a step then runs in the reader
tier is shown on KIND by the skill the scripted model calls there."""
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
# tools that only read whatever their arguments (sed and curl are checked for their writing flags below)
READERS = {"awk", "grep", "head", "cat", "echo", "base64", "sort", "tail", "wc", "dig", "nslookup", "getent", "jq",
           "yq", "openssl", "stern", "ss", "ip", "ps", "sed", "curl"}
# tools with subcommands: the ones that read
SUBCOMMANDS = {
    "kubectl": {"get", "describe", "logs", "top", "version", "explain", "api-resources", "auth can-i", "auth whoami"},
    "helm": {"list", "status", "history", "get", "show", "version"},
    "crictl": {"ps", "images", "inspect", "inspecti", "logs", "info", "stats", "version", "pods"},
}
WRITING_FLAGS = {
    "sed": {"-i", "--in-place"},
    "curl": {"-X", "--request", "-d", "--data", "--data-binary", "-F", "--form", "-T", "--upload-file", "-o", "--output"},
}
COMMAND = re.compile(r"`([a-z][^`\n]* [^`\n]*)`")
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.M | re.S)


def front_matter(path):
    text = path.read_text()
    assert text.startswith("---\n"), path.name
    head, dummy, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def commands(path):
    text = path.read_text()
    fenced = [line for block in FENCE.findall(text) for line in block.splitlines() if line.strip()]
    return [m.group(1) for m in COMMAND.finditer(FENCE.sub("", text))] + fenced


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
            tool = words[0]
            assert tool in IMAGE_TOOLS | BASE, f"{path.stem}: {tool!r} is not in the image ({command})"
            if tool in SUBCOMMANDS:
                args = [w for w in words[1:] if not w.startswith("-")]
                verb = " ".join(args[:2]) if " ".join(args[:2]) in SUBCOMMANDS[tool] else (args or [""])[0]
                assert verb in SUBCOMMANDS[tool], f"{path.stem}: {tool} {verb} is not a read ({command})"
            else:
                assert tool in READERS, f"{path.stem}: {tool} is not a tool that only reads ({command})"
                bad = WRITING_FLAGS.get(tool, set()) & {w.split("=", 1)[0] for w in words[1:]}
                assert not bad, f"{path.stem}: {tool} {sorted(bad)} writes ({command})"


@pytest.mark.parametrize("step, says", [
    ("Run `kubectl delete pod web-0 -n shop`.", "kubectl delete is not a read"),
    ("Run `kubectl auth reconcile -f rbac.yaml`.", "kubectl auth is not a read"),
    ("Run `helm uninstall web -n shop`.", "helm uninstall is not a read"),
    ("Run `curl -X DELETE http://web.shop.svc/items`.", "curl ['-X'] writes"),
    ("Run `sed -i s/a/b/ /etc/hosts`.", "sed ['-i'] writes"),
    ("Run `socat - TCP:web.shop.svc:80`.", "socat is not a tool that only reads"),
    ("```\nkubectl scale deploy web --replicas=0 -n shop\n```", "kubectl scale is not a read"),
])
def test_a_write_would_be_caught(tmp_path, step, says):
    """The check above fails on a skill that tells the agent to change something."""
    bad = tmp_path / "bad-skill.md"
    bad.write_text("---\nname: bad-skill\ndescription: x\n---\n" + step + "\n")
    with pytest.raises(AssertionError, match=re.escape(says)):
        test_commands_use_the_images_tools_and_only_read(bad)
