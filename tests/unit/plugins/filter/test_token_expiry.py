import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.token_expiry import token_end, token_expiry

NOW = 1795737600.0  # 2026-11-27T00:00:00Z


@pytest.mark.parametrize("end, state, days", [
    ("2027-11-27", "ok", 365),
    ("2026-12-28", "ok", 31),
    ("2026-12-27", "expiring", 30),
    ("2026-11-28", "expiring", 1),
    # the day it ends is already too late: the token stops working at its start
    ("2026-11-27", "expired", 0),
    ("2025-11-27", "expired", -365),
    ("2026-12-20T10:00:00Z", "expiring", 23),
    ("", "unknown", None),
    (None, "unknown", None),
    ("next year", "invalid", None),
    ("2026-13-01", "invalid", None),
])
def test_token_expiry(end, state, days):
    result = token_expiry(end, NOW)
    assert (result["state"], result["days_left"]) == (state, days)
    assert bool(result["message"]) == (state in ("expiring", "expired", "invalid"))


def test_the_warning_names_the_day_and_the_fix():
    message = token_expiry("2026-12-07", NOW)["message"]
    assert message.startswith("the setup-token expires on 2026-12-07, in 10 days")
    assert "claude setup-token" in message and "workload_oauth_token" in message


def test_warn_days_moves_the_threshold():
    assert token_expiry("2027-01-26", NOW, warn_days=60)["state"] == "expiring"
    assert token_expiry("2027-01-26", NOW)["state"] == "ok"


@pytest.mark.parametrize("issued, days, end", [
    ("2026-01-05", 365, "2027-01-05"),
    ("2028-01-05", 365, "2029-01-04"),  # 2028 is a leap year: 365 days, as the chart's dateModify counts them
    ("2026-11-27T10:00:00Z", 30, "2026-12-27"),
])
def test_token_end(issued, days, end):
    assert token_end(issued, days) == end
