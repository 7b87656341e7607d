"""The test harness, one package: the Go builds, the loopback tool mirror and registry, the test-bed control planes,
the scripted model, the secret scanner and the run's ledger.

One CLI: `python tests/harness TOOL COMMAND ...` (or `python tests/harness/TOOL.py COMMAND ...`, the same parser);
`python tests/harness --help` lists the tools. One logger: log.py, lines of `[tool HH:MM:SS] message` on stderr, so
stdout carries only what a caller reads (a path, a URL, a kubeconfig)."""
