"""A stand-in for pip's get-pip.py, for ansible-test's pip bootstrap where its download host
(ci-files.testing.ansible.com) cannot be reached: `make sanity` puts it where ansible-test looks first
(~/.ansible/test/cache/get_pip_<version>.py). ansible-test runs it in a new virtual environment that has no pip,
with get-pip's arguments (`pip==<version>`, `--no-setuptools`, `--no-wheel`, pip options).

It installs Python's own bundled pip (ensurepip: no network), then uses that pip to install what was asked, from
the index and with the certificates pip is configured for, as the real script would.
"""
import ensurepip
import importlib
import os
import sys

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def main() -> int:
    environ = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    # ensurepip points PIP_CONFIG_FILE at /dev/null in this process: give pip back its configuration (the package
    # index and the certificates of a TLS-inspecting proxy live there)
    os.environ.clear()
    os.environ.update(environ)
    importlib.invalidate_caches()
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    return pip_main(["install", *[arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]])


if __name__ == "__main__":
    sys.exit(main())
