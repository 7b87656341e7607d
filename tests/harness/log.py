"""The harness's one logger: `[tool HH:MM:SS] message` on stderr (stdout is kept for what callers read)."""
from __future__ import annotations

import logging
import sys


class _ToolFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.tool = record.name.rsplit(".", 1)[-1]
        return super().format(record)


def get(tool: str) -> logging.Logger:
    root = logging.getLogger("harness")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_ToolFormatter("[%(tool)s %(asctime)s] %(message)s", "%H:%M:%S"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False
    return root.getChild(tool)
