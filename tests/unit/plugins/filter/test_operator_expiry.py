import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.operator_expiry import operator_expiry

NOW = 1795737600.0  # 2026-11-27T00:00:00Z


@pytest.mark.parametrize("ttl, current, restart, expected", [
    ("2h", "", False, "2026-11-27T02:00:00Z"),
    ("90s", "", False, "2026-11-27T00:01:30Z"),
    ("1d", "", False, "2026-11-28T00:00:00Z"),
    # the same deploy again, 10 minutes into a 2h grant: the end does not move
    ("2h", "2026-11-27T01:50:00Z", False, "2026-11-27T01:50:00Z"),
    # a shorter grant cuts a running one short
    ("30m", "2026-11-27T01:50:00Z", False, "2026-11-27T00:30:00Z"),
    # a grant that ended (or a bad annotation) starts a new period
    ("2h", "2026-11-26T23:00:00Z", False, "2026-11-27T02:00:00Z"),
    ("2h", "yesterday", False, "2026-11-27T02:00:00Z"),
    # restart: a new period from now
    ("2h", "2026-11-27T01:50:00Z", True, "2026-11-27T02:00:00Z"),
])
def test_operator_expiry(ttl, current, restart, expected):
    assert operator_expiry(ttl, NOW, current, restart) == expected


@pytest.mark.parametrize("ttl, message", [
    ("30s", "shorter than a minute"), ("2 hours", "not a duration"), ("", "not a duration"), ("-1h", "not a duration"),
])
def test_bad_durations_name_the_value(ttl, message):
    with pytest.raises(AnsibleFilterError, match=message):
        operator_expiry(ttl, NOW)
