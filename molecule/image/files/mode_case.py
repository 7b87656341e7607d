#!/usr/bin/env python3
"""One cell of the mode x credential matrix: start the image with the given docker arguments, wait for the
entrypoint's decision, and print it as JSON: the entrypoint's state, the argv and credential variables of the
claude process it exec'd (read from /proc while claude waits on the hold server), what the readiness probe says,
and the requests that process sent to the hold server (method, path, credential header names; values are masked by
the server).

Usage: mode_case.py IMAGE NAME RECORD [docker run arguments...]
"""
import json
import pathlib
import subprocess
import sys
import time

CREDENTIAL_VARS = ("CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "SELF_HOSTED_RUNNER_ENVIRONMENT_SECRET",
                   "SELF_HOSTED_RUNNER_POOL_SECRET")


def sh(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def main() -> int:
    image, name, record = sys.argv[1:4]
    record_path = pathlib.Path(record)
    seen = len(record_path.read_text().splitlines())
    sh("docker", "rm", "-f", name)
    started = sh("docker", "run", "-d", "--name", name, "--network", "host", *sys.argv[4:], image)
    if started.returncode:
        print(json.dumps({"error": started.stderr}))
        return 1
    out = {"state": "missing", "argv": None, "credential_vars": None, "requests": []}
    try:
        pid = ""
        for dummy in range(40):
            state = sh("docker", "exec", name, "cat", "/tmp/ciab/state")
            out["state"] = state.stdout.strip() if state.returncode == 0 else "gone"
            pid = sh("docker", "exec", name, "pgrep", "-x", "claude").stdout.split()
            if pid or out["state"] in ("waiting-for-login", "failed", "gone"):
                break
            time.sleep(0.5)
        if out["state"] == "waiting-for-login":
            time.sleep(3)  # it must stay waiting: no claude appears
            pid = sh("docker", "exec", name, "pgrep", "-x", "claude").stdout.split()
        if pid:
            argv = sh("docker", "exec", name, "cat", f"/proc/{pid[0]}/cmdline").stdout
            environ = sh("docker", "exec", name, "cat", f"/proc/{pid[0]}/environ").stdout
            out["argv"] = argv.rstrip("\0").split("\0")
            names = [entry.split("=", 1)[0] for entry in environ.split("\0") if entry]
            out["credential_vars"] = sorted(n for n in names if n in CREDENTIAL_VARS)
            state = sh("docker", "exec", name, "cat", "/tmp/ciab/state")  # read before the exec, maybe
            out["state"] = state.stdout.strip() if state.returncode == 0 else "gone"
            for dummy in range(20):  # its first request reaches the hold server within a few seconds
                if len(record_path.read_text().splitlines()) > seen:
                    break
                time.sleep(0.5)
            time.sleep(3)  # a login first asks api.anthropic.com (through the proxy), then the model
        if out["state"] != "gone":
            ready = sh("docker", "exec", name, "healthcheck.sh", "ready")
            out["ready"] = ready.stdout.strip()
        for line in record_path.read_text().splitlines()[seen:]:
            request = json.loads(line)
            creds = sorted(h for h in request["headers"] if h in ("x-api-key", "authorization"))
            out["requests"].append({"method": request["method"], "path": request["path"].split("?", 1)[0],
                                    "credential_headers": creds,
                                    "masked": [request["headers"][h] for h in creds]})
        out["log"] = sh("docker", "logs", name).stderr[-1500:]
    finally:
        sh("docker", "rm", "-f", name)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
