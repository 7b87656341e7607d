#!/usr/bin/env bash
# ansible-test sanity on the collection, from the checkout (make sanity, part of make lint). ansible-test makes
# each sanity environment without pip and bootstraps pip with a script from a host the build machines cannot
# reach; it looks for a cached copy first, so this puts tests/sanity/get_pip.py there (once), which bootstraps
# from Python's bundled pip and the configured package index instead.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=$root/.venv/bin/python
pip_version=$("$python" - <<'PY'
import pathlib
import re

import ansible_test

source = (pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py").read_text()
print(re.search(r"pip='([0-9.]+)'", source).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -f "$cache" ]; then
  install -D -m 0644 "$root/tests/sanity/get_pip.py" "$cache"
  echo "sanity: pip $pip_version bootstrap from Python's bundled pip and the package index ($cache)"
fi
py_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# ansible-test wants to run inside .../ansible_collections/ciab/claude_in_a_box, a real directory (the checkout's
# .collections link resolves to the checkout itself): a fresh copy of the files git knows (tracked, and new ones
# not ignored), so it tests exactly the working tree.
# One copy per checkout, so two checkouts' runs never delete each other's tree.
copy="${CIAB_CACHE:-$HOME/.cache/ciab}/sanity/$(printf '%s' "$root" | sha256sum | cut -c1-12)/ansible_collections/ciab/claude_in_a_box"
rm -rf "$copy"
mkdir -p "$copy"
git -C "$root" ls-files -z --cached --others --exclude-standard \
  | (cd "$root" && tar --null --files-from=- --create --file=-) | tar --extract --file=- --directory="$copy"
# The collections ours depends on (galaxy.yml), beside it as ansible-test expects: the modules' documentation extends
# kubernetes.core's auth options.
deps=$("$python" -c 'import ansible_collections.kubernetes.core as m, os; print(os.path.dirname(m.__path__[0]))')
rm -rf "$copy/../../kubernetes" && mkdir -p "$copy/../../kubernetes"
cp -r "$deps/core" "$copy/../../kubernetes/core"
cd "$copy"
exec "$root/.venv/bin/ansible-test" sanity --venv --python "$py_version" "$@"
