"""Tests of crmlab.repeat_purchase: one rule for "bought again within N days", on hand-made cases."""

import pandas as pd
import pytest

from crmlab.repeat_purchase import bought_again

END = "2024-12-31"  # the last day of the data; as_of is the day after


def _case(event_day, order_days, *, window=30, as_of="2025-01-01"):
    events = pd.DataFrame({"customer_id": ["a"], "day": pd.to_datetime([event_day])})
    orders = pd.DataFrame({"customer_id": ["a"] * len(order_days) + ["z"],
                           "order_date": pd.to_datetime(list(order_days) + [END])})
    return bought_again(events, orders, window_days=window, date="day", as_of=as_of).iloc[0]


# (event day, order days, window, expected): the window is days d+1 .. d+window, and an event
# whose window does not end before as_of (2025-01-01) is <NA>.
CASES = [
    ("2024-06-01", ["2024-06-02"], 30, True),                 # the next day
    ("2024-06-01", ["2024-07-01"], 30, True),                 # the last day of the window
    ("2024-06-01", ["2024-07-02"], 30, False),                # one day too late
    ("2024-06-01", ["2024-06-01"], 30, False),                # the same day does not count
    ("2024-06-01", ["2024-05-20"], 30, False),                # an order before the event
    ("2024-06-01", [], 30, False),                            # no order at all
    ("2024-12-01", ["2024-12-31"], 30, True),                 # window ends on the last day
    ("2024-12-02", ["2024-12-03"], 30, pd.NA),                # window ends after the data
    ("2024-12-02", [], 30, pd.NA),                            # ... whatever happened
    ("2024-12-31", [], 1, pd.NA),                             # the last day, window 1
    ("2024-12-30", ["2024-12-31"], 1, True),                  # window 1 fits exactly
    ("2025-02-01", [], 1, pd.NA),                             # an event after the data
]


@pytest.mark.parametrize("event_day, order_days, window, want", CASES,
                         ids=[f"{c[0]}+{c[2]}d:{c[1]}" for c in CASES])
def test_window_and_end_of_data(event_day, order_days, window, want):
    got = _case(event_day, order_days, window=window)
    assert (got is pd.NA and want is pd.NA) or got == want


def test_orders_on_or_after_as_of_are_ignored_and_default_end_is_the_last_order():
    assert _case("2024-06-01", ["2024-06-10"], as_of="2024-06-10") is pd.NA
    assert _case("2024-05-01", ["2024-05-10"], as_of="2024-06-10") == True  # noqa: E712
    assert _case("2024-05-01", ["2024-05-12"], as_of="2024-05-12") is pd.NA
    events = pd.DataFrame({"customer_id": ["a", "a"],
                           "day": pd.to_datetime(["2024-01-01", "2024-01-20"])})
    orders = pd.DataFrame({"customer_id": ["a", "a"],
                           "order_date": pd.to_datetime(["2024-01-05", "2024-02-01"])})
    # The data ends on 2024-02-01: 2024-01-01 + 30 is inside it, 2024-01-20 + 30 is not.
    assert bought_again(events, orders, window_days=30, date="day").tolist() == [True, pd.NA]


def test_each_customer_only_counts_their_own_orders_and_inputs_are_kept():
    events = pd.DataFrame({"customer_id": [1, 2, 3], "when": ["2024-01-01"] * 3},
                          index=["x", "y", "z"])
    orders = pd.DataFrame({"customer_id": [2, 2, 9], "order_date": ["2024-01-03", "2024-09-01",
                                                                      "2024-12-31"]})
    before = events.copy(), orders.copy()
    got = bought_again(events, orders, window_days=7, date="when")
    pd.testing.assert_frame_equal(events, before[0])
    pd.testing.assert_frame_equal(orders, before[1])
    assert got.to_dict() == {"x": False, "y": True, "z": False}
    assert got.dtype == "boolean" and got.name == "bought_again"


@pytest.mark.parametrize("kwargs, message", [
    ({"window_days": 0}, "Got window_days=0 instead, expected a whole number of days >= 1."),
    ({"window_days": 7.5}, "Got window_days=7.5 instead, expected a whole number of days >= 1."),
    ({"date": "when"}, "Got date='when' instead, expected one of the columns 'customer_id', "
                       "'day'."),
])
def test_errors(kwargs, message):
    events = pd.DataFrame({"customer_id": ["a"], "day": pd.to_datetime(["2024-01-01"])})
    orders = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2024-01-02"])})
    with pytest.raises(ValueError) as err:
        bought_again(events, orders, **{"window_days": 7, "date": "day", **kwargs})
    assert str(err.value) == message
