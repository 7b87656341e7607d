"""Run a module's main() in-process, with run_command faked: what the module tests of this collection share."""
import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes


class Exit(Exception):
    pass


def run_module(monkeypatch, main, args, answer, check_mode=False):
    """Run `main` with `args`; `answer(argv)` gives (rc, out, err) for each command it runs. Returns (result, calls);
    module warnings are recorded among the calls as ["warn", message]."""
    calls = []
    payload = dict(args, _ansible_check_mode=check_mode)
    monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": payload})))
    monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)

    def fake_run(self, argv, **kwargs):
        calls.append(argv)
        return answer(argv)

    def capture(self, **result):
        raise Exit(result)

    monkeypatch.setattr(basic.AnsibleModule, "run_command", fake_run)
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, name, *a, **k: "/usr/bin/" + name)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", capture)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", lambda self, **r: capture(self, failed=True, **r))
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, msg: calls.append(["warn", msg]))
    with pytest.raises(Exit) as done:
        main()
    return done.value.args[0], calls
