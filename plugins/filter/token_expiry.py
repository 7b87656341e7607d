# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in the sidecar files beside this one (one per filter: token_expiry.yml and the others it defines).

import datetime
import re

RENEW = "make a new one with 'claude setup-token' and deploy it (workload_oauth_token)"


def token_end(issued_at, lifetime_days=365):
    """The day a token issued on C(issued_at) (YYYY-MM-DD) ends, as the chart computes it for the Secret."""
    issued = datetime.datetime.strptime(str(issued_at)[:10], "%Y-%m-%d")
    return (issued + datetime.timedelta(days=int(lifetime_days))).strftime("%Y-%m-%d")


def token_expiry(expires_at, now, warn_days=30):
    text = str(expires_at or "").strip()
    result = {"expires_at": text, "days_left": None, "state": "unknown", "message": ""}
    if not text:
        return result
    match = re.match(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})([T ].*)?$", text)
    try:
        end = datetime.datetime.strptime(match.group(1), "%Y-%m-%d") if match else None
    except ValueError:
        end = None
    if end is None:
        result.update(state="invalid", message="the setup-token's end %r is not a date (YYYY-MM-DD)" % (text,))
        return result
    today = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=int(float(now)))
    seconds = (end - today).total_seconds()
    days = int(seconds // 86400)
    result.update(expires_at=match.group(1), days_left=days)
    if seconds <= 0:
        result.update(state="expired", message="the setup-token expired on %s: %s" % (match.group(1), RENEW))
    elif days <= int(warn_days):
        result.update(state="expiring", message="the setup-token expires on %s, in %d days: %s"
                      % (match.group(1), days, RENEW))
    else:
        result["state"] = "ok"
    return result


class FilterModule(object):
    def filters(self):
        return {"token_expiry": token_expiry, "token_end": token_end}
