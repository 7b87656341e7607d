# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: operator_expiry
short_description: When time-boxed operator access ends
version_added: 0.3.0
description:
  - From a duration (C(90s), C(30m), C(2h), C(1d); at least a minute, the revoking CronJob's period) and the
    current time, the RFC 3339 UTC time the operator's bindings are deleted.
  - A grant still running is kept when the new end would be later (re-running the same deploy neither extends
    nor resets it; C(restart=true) does), and cut short when the new end is earlier.
options:
  _input:
    description: The duration.
    type: str
    required: true
  now:
    description: Seconds since the epoch.
    type: float
    required: true
  current:
    description: The end of the grant that is running (its CronJob's C(ciab.io/expires-at)), or empty.
    type: str
    default: ""
  restart:
    description: Start a new period from now even when a grant is running.
    type: bool
    default: false
"""

EXAMPLES = r"""
expires_at: "{{ '2h' | ciab.claude_in_a_box.operator_expiry(now(utc=true).timestamp(), current) }}"
"""

RETURN = r"""
_value:
  description: The end, as C(YYYY-MM-DDTHH:MM:SSZ).
  type: str
"""

import datetime
import re

from ansible.errors import AnsibleFilterError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def duration_seconds(text):
    match = re.match(r"^\s*([0-9]+)\s*([smhd])\s*$", str(text or ""))
    if not match:
        raise AnsibleFilterError("rbac_operator_ttl %r is not a duration such as 90s, 30m, 2h or 1d" % (text,))
    seconds = int(match.group(1)) * UNITS[match.group(2)]
    if seconds < 60:
        raise AnsibleFilterError("rbac_operator_ttl %r is shorter than a minute, the revoking CronJob's period" % (text,))
    return seconds


def _epoch(moment):
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=int(moment))


def operator_expiry(ttl, now, current="", restart=False):
    end = _epoch(float(now) + duration_seconds(ttl)).strftime(FORMAT)
    if current and not restart:
        try:
            datetime.datetime.strptime(current, FORMAT)
        except ValueError:
            return end
        if _epoch(now).strftime(FORMAT) < current <= end:
            return current
    return end


class FilterModule(object):
    def filters(self):
        return {"operator_expiry": operator_expiry}
