# Stages what ansible-builder copies into the execution environment, beside the definition the role rendered:
#   collections/<ns>-<name>-<version>[.tar.gz] each collection: an artifact built from a checkout (galaxy.yml), else
#                                             a copy of its installed directory (MANIFEST.json, FILES.json)
#   helm/helm, ca/extra-ca.pem                the controller's helm; the extra CA (empty when none)
# Reads its arguments as JSON on stdin: {"dir", "ansible_galaxy", "roots": [name], "installed": {name: path}, "helm",
# "ca_file"}; the collections staged are the roots and all they depend on, transitively.
# Prints JSON: "digest" (sha256 of everything staged, a collection counted by its FILES.json and
# MANIFEST.json, which name every file's checksum, since an artifact's bytes differ build to build),
# "collections" (each one's staged path and its requirements type) and "changed". A collection whose file list
# is unchanged is left alone, so a re-run changes nothing.
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile


def artifact_digest(path):
    """sha256 of an artifact's MANIFEST.json and FILES.json: what the artifact holds, not when it was packed."""
    digest = hashlib.sha256()
    with tarfile.open(path) as tar:
        for name in ("MANIFEST.json", "FILES.json"):
            digest.update(tar.extractfile(name).read())
    return digest.hexdigest()


def dir_digest(path):
    digest = hashlib.sha256()
    for name in ("MANIFEST.json", "FILES.json"):
        with open(os.path.join(path, name), "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()


def copy_installed(path, dest):
    """An installed collection's files as its FILES.json lists them (those present: the ansible package leaves some
    out), with MANIFEST.json and FILES.json; ansible-galaxy installs such a directory as it is."""
    with open(os.path.join(path, "FILES.json")) as fh:
        files = json.load(fh)["files"]
    os.makedirs(dest)
    for name in ("MANIFEST.json", "FILES.json"):
        shutil.copy2(os.path.join(path, name), os.path.join(dest, name))
    for entry in files:
        src = os.path.join(path, entry["name"])
        if entry["name"] == "." or not os.path.lexists(src):
            continue
        if entry["ftype"] == "dir":
            os.makedirs(os.path.join(dest, entry["name"]), exist_ok=True)
        else:
            os.makedirs(os.path.dirname(os.path.join(dest, entry["name"])), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, entry["name"]), follow_symlinks=False)


def staged_digest(path):
    return artifact_digest(path) if path.endswith(".tar.gz") else dir_digest(path)


def stage_collection(name, path, out, galaxy):
    """Stages one collection under out; returns ({"path": relative to out's parent, "type"}, changed)."""
    os.makedirs(out, exist_ok=True)
    prefix = name.replace(".", "-") + "-"
    existing = [f for f in os.listdir(out) if f.startswith(prefix)]
    with tempfile.TemporaryDirectory() as tmp:
        if os.path.exists(os.path.join(path, "galaxy.yml")):
            subprocess.run([galaxy, "collection", "build", "--output-path", tmp, path], check=True,
                           stdout=subprocess.DEVNULL)
            built = os.path.join(tmp, os.listdir(tmp)[0])
            new_name, new_digest = os.path.basename(built), artifact_digest(built)
        else:
            with open(os.path.join(path, "MANIFEST.json")) as fh:
                version = json.load(fh)["collection_info"]["version"]
            built = None
            new_name, new_digest = prefix + version, dir_digest(path)
        entry = {"path": "collections/" + new_name, "type": "dir" if built is None else "file"}
        if existing == [new_name] and staged_digest(os.path.join(out, new_name)) == new_digest:
            return entry, False
        for old in existing:
            old = os.path.join(out, old)
            shutil.rmtree(old) if os.path.isdir(old) else os.unlink(old)
        if built:
            shutil.move(built, os.path.join(out, new_name))
        else:
            copy_installed(path, os.path.join(out, new_name))
        return entry, True


def put_file(src, dest, mode):
    """Copies src (or writes empty when src is empty) only when the content differs; returns changed."""
    data = b""
    if src:
        with open(src, "rb") as fh:
            data = fh.read()
    if os.path.exists(dest):
        with open(dest, "rb") as fh:
            if fh.read() == data:
                return False
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as fh:
        fh.write(data)
    os.chmod(dest, mode)
    return True


def tree_digest(root):
    """sha256 over everything staged (the role adds its rendered files' checksums)."""
    digest = hashlib.sha256()
    collections = os.path.join(root, "collections")
    for name in sorted(os.listdir(collections)):
        digest.update(("collections/%s\0%s\n" % (name, staged_digest(os.path.join(collections, name)))).encode())
    for rel in ("helm/helm", "ca/extra-ca.pem"):
        with open(os.path.join(root, rel), "rb") as fh:
            digest.update(("%s\0%s\n" % (rel, hashlib.sha256(fh.read()).hexdigest())).encode())
    return digest.hexdigest()


def dependencies(path):
    galaxy = os.path.join(path, "galaxy.yml")
    if os.path.exists(galaxy):
        import yaml  # ansible-core's own dependency

        with open(galaxy) as fh:
            return (yaml.safe_load(fh) or {}).get("dependencies") or {}
    with open(os.path.join(path, "MANIFEST.json")) as fh:
        return json.load(fh)["collection_info"].get("dependencies") or {}


def closure(roots, installed):
    """The roots and every collection they depend on, transitively, each at its installed path."""
    wanted, todo = {}, list(roots)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        if name not in installed:
            sys.exit("the controller has no collection %s (needed by the execution environment); install it beside "
                     "ansible-playbook" % name)
        wanted[name] = installed[name]
        todo.extend(dependencies(installed[name]))
    return wanted


def main():
    args = json.load(sys.stdin)
    root = args["dir"]
    changed = False
    staged = {}
    for name, path in sorted(closure(args["roots"], args["installed"]).items()):
        staged[name], did = stage_collection(name, path, os.path.join(root, "collections"), args["ansible_galaxy"])
        changed = changed or did
    # the helm found on PATH is named by its name alone
    helm = shutil.which(args["helm"]) or args["helm"]
    changed = put_file(helm, os.path.join(root, "helm", "helm"), 0o755) or changed
    changed = put_file(args.get("ca_file") or "", os.path.join(root, "ca", "extra-ca.pem"), 0o644) or changed
    print(json.dumps({"digest": tree_digest(root), "collections": staged, "changed": changed}))


if __name__ == "__main__":
    main()
