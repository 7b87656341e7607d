# What this controller runs, for the execution environment to carry the same: the installed version of each Python
# package named (those not installed are left out), and where each collection ansible-galaxy lists is installed.
# Usage: python controller.py ANSIBLE_GALAXY PACKAGE...   Prints JSON {"pins": {...}, "collections": {...}}.
import importlib.metadata
import json
import subprocess
import sys


def main():
    pins = {}
    for name in sys.argv[2:]:
        try:
            pins[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    listed = json.loads(subprocess.run([sys.argv[1], "collection", "list", "--format", "json"], check=True,
                                       capture_output=True, text=True).stdout)
    found = {}
    for path, collections in listed.items():  # in precedence order: the first one listed is the one Ansible uses
        for name in collections:
            found.setdefault(name, path + "/" + name.replace(".", "/"))
    print(json.dumps({"pins": pins, "collections": found}))


if __name__ == "__main__":
    main()
