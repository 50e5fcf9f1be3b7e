"""Tests of crmlab.loyalty: repeat-customer rate, retention, the retention-economics calculator."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.loyalty import (
    REACH,
    SOURCE_RATIOS,
    calculator,
    repeat_customers,
    repeat_rate,
    retention_comparison,
    retention_economics,
    retention_path,
    retention_rate,
)


def _orders():
    # a: 2 orders (56 days apart); b: one order of three lines; c: 2 orders 18 days apart;
    # d: 3 orders; e: 1 order. First-order channels: a web, b web, c store, d store, e phone.
    return pd.DataFrame({
        "order_id": ["1", "2", "3", "3", "3", "4", "5", "6", "7", "8", "9"],
        "customer_id": ["a", "a", "b", "b", "b", "c", "c", "d", "d", "d", "e"],
        "channel": ["web", "store", "web", "web", "web", "store", "web", "store", "store", "web",
                    "phone"],
        "order_date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-01", "2024-02-01",
                                      "2024-02-01", "2024-04-02", "2024-04-20", "2024-01-10",
                                      "2024-01-11", "2024-07-01", "2024-06-15"]),
    })


def test_repeat_rate_overall_counts_orders_not_lines():
    orders = _orders()
    before = orders.copy()
    # a, c, d repeat; b's three lines are one order; e bought once.
    assert repeat_rate(orders) == pytest.approx(3 / 5)
    pd.testing.assert_frame_equal(orders, before)


def test_repeat_rate_by_channel_uses_the_first_order():
    got = repeat_rate(_orders(), by="channel")
    assert got.to_dict("index") == {
        "phone": {"customers": 1, "repeat_customers": 0, "repeat_rate": 0.0},
        "store": {"customers": 2, "repeat_customers": 2, "repeat_rate": 1.0},
        "web": {"customers": 2, "repeat_customers": 1, "repeat_rate": 0.5},
    }


def test_repeat_rate_by_cohort():
    got = repeat_rate(_orders(), by="cohort")
    assert got.index.name == "cohort"
    assert got["customers"].to_dict() == {"2024Q1": 3, "2024Q2": 2}
    assert got["repeat_customers"].to_dict() == {"2024Q1": 2, "2024Q2": 1}
    got = repeat_rate(_orders(), by="cohort", cohort="M")
    assert got["customers"].to_dict() == {"2024-01": 2, "2024-02": 1, "2024-04": 1, "2024-06": 1}


def test_window_gives_every_customer_the_same_time():
    orders = _orders()
    # as_of 2024-07-02, window 30: eligible first orders on or before 2024-06-02: a, b, c, d.
    # Second order within 30 days: c (18 days), d (1 day); a's came after 56 days.
    assert repeat_rate(orders, window=30, as_of="2024-07-02") == pytest.approx(2 / 4)
    assert repeat_rate(orders, window=60, as_of="2024-07-02") == pytest.approx(3 / 4)
    # as_of cuts what happened after it: on 2024-02-15 only d has repeated.
    assert repeat_rate(orders, as_of="2024-02-15") == pytest.approx(1 / 3)
    # A window must end before as_of. With window 25 and as_of 2024-02-05, a (first order
    # 2024-01-05, no order before as_of) and d (2024-01-10, window ends 2024-02-04) count: 1/2.
    # One day earlier d's window no longer fits; with window 30 neither does d's.
    assert repeat_rate(orders, window=25, as_of="2024-02-05") == pytest.approx(0.5)
    assert repeat_rate(orders, window=25, as_of="2024-02-04") == pytest.approx(0.0)
    assert repeat_rate(orders, window=30, as_of="2024-02-05") == pytest.approx(0.0)


def test_a_second_order_on_the_day_of_the_first_is_not_a_repeat():
    orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "customer_id": ["a", "a", "b", "b"],
                           "order_date": pd.to_datetime(["2024-01-05", "2024-01-05",
                                                         "2024-01-05", "2024-01-09"])})
    assert repeat_rate(orders) == 0.5
    assert repeat_rate(orders, window=3, as_of="2024-03-01") == 0.0
    assert repeat_rate(orders, window=4, as_of="2024-03-01") == 0.5


@pytest.mark.parametrize("kwargs, message", [
    ({"by": "region"}, "Got by='region' instead, expected one of None, 'cohort', 'channel'."),
    ({"window": 0}, "Got window=0 instead, expected a whole number of days >= 1."),
    ({"window": 2.5}, "Got window=2.5 instead, expected a whole number of days >= 1."),
    ({"date": "day"}, "Got date='day' instead, expected one of the columns 'order_id', "
                      "'customer_id', 'channel', 'order_date'."),
    ({"window": 400}, "Got window=400 instead, expected a window that leaves at least one customer "
                      "whose first order is more than 400 days before 2024-07-02."),
])
def test_repeat_rate_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        repeat_rate(_orders(), **kwargs)
    assert str(err.value) == message


def test_repeat_rate_on_the_course_data_is_between_zero_and_one():
    orders = datasets.load("orders")
    overall = repeat_rate(orders)
    by_channel = repeat_rate(orders, by="channel")
    assert 0 < overall < 1
    assert by_channel["customers"].sum() == orders["customer_id"].nunique()
    weighted = (by_channel["repeat_customers"].sum() / by_channel["customers"].sum())
    assert weighted == pytest.approx(overall)


def test_repeat_customers_by_hand_and_no_mutation():
    orders = _orders()
    before = orders.copy()
    got = repeat_customers(orders, channel="channel")
    pd.testing.assert_frame_equal(orders, before)
    assert got.columns.tolist() == ["first", "channel", "repeat"]
    assert got["repeat"].to_dict() == {"a": True, "b": False, "c": True, "d": True, "e": False}
    assert got["channel"].to_dict() == {"a": "web", "b": "web", "c": "store", "d": "store",
                                        "e": "phone"}
    assert got.loc["d", "first"] == pd.Timestamp("2024-01-10")
    assert "channel" not in repeat_customers(orders).columns


def test_repeat_customers_leaves_out_windows_past_the_end():
    # as_of 2024-07-02, window 30: e (first order 2024-06-15) has no full window.
    got = repeat_customers(_orders(), window=30, as_of="2024-07-02")
    assert got["repeat"].to_dict() == {"a": False, "b": False, "c": True, "d": True}


@pytest.mark.parametrize("kwargs", [{}, {"window": 30}, {"window": 60, "as_of": "2024-07-02"}])
def test_repeat_rate_is_the_share_of_repeat_customers(kwargs):
    orders = _orders()
    assert repeat_rate(orders, **kwargs) == pytest.approx(
        repeat_customers(orders, **kwargs)["repeat"].mean())


@pytest.mark.parametrize("kwargs, message", [
    ({"channel": "route"}, "Got channel='route' instead, expected one of the columns "
                           "'order_id', 'customer_id', 'channel', 'order_date'."),
    ({"window": 400}, "Got window=400 instead, expected a window that leaves at least one customer "
                      "whose first order is more than 400 days before 2024-07-02."),
    ({"as_of": "2023-01-01"}, "Got as_of='2023-01-01' instead, expected a date after the first "
                              "order."),
])
def test_repeat_customers_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        repeat_customers(_orders(), **kwargs)
    assert str(err.value) == message


def test_retention_rate_by_hand():
    got = retention_rate(_orders(), period="Q")
    # Q1 buyers: a, b, d; of them in Q2: none (a's second order is in Q1, d's third in Q3).
    # Q2 buyers: c, e; in Q3: nobody. Q3 buyers: d.
    assert got.to_dict("index") == {
        "2024Q1": {"customers": 3, "retained": 0, "retention": 0.0},
        "2024Q2": {"customers": 2, "retained": 0, "retention": 0.0},
    }
    got = retention_rate(_orders(), period="M")
    assert got.loc["2024-01", "retained"] == 0 and got.loc["2024-04", "customers"] == 1


# 2,000 customers, retention 0.5 -> 0.6, margin 50, 4 per customer reached, no discounting.
BY_HAND = dict(customers=2000, retention=0.5, new_retention=0.6, margin=50, cost_per_customer=4,
               discount=0.0)


def test_retention_economics_by_hand():
    got = retention_economics(**BY_HAND)["amount"]
    # First period: the programme reaches all 2,000 and keeps 200 more of them.
    assert got["first period"].to_dict() == pytest.approx({
        "customers reached": 2000, "customers kept": 200, "margin of the customers kept": 10_000,
        "cost of the programme": 8000})
    # CLV with no discount: m r / (1 - r): 50 at r=0.5, 75 at r=0.6. The programme reaches
    # 2000 * 0.6^(t-1) customers in period t: 2000 / (1 - 0.6) = 5,000 over all periods.
    assert got["present value"].to_dict() == pytest.approx({
        "customer base value now": 100_000, "customer base value after the change": 150_000,
        "value of the change": 50_000, "cost of the programme": 20_000,
        "net value of the programme": 30_000})
    # Saved: 0.1 of those active at each start, 2000 * 0.1 / 0.4 = 500 in all, each worth
    # 50 / (1 - 0.5) = 100; saving one costs 20,000 / 500 = 40 = 4 / (0.6 - 0.5).
    assert got["per customer"].to_dict() == pytest.approx({
        "value a saved customer brings": 100, "cost of saving one customer": 40,
        "break-even cost per customer reached": 10})


def test_a_reward_to_every_retained_customer_costs_less_than_a_mailing_to_all():
    mailing = retention_economics(**BY_HAND)["amount"]
    reward = retention_economics(**BY_HAND, reach="retained")["amount"]
    assert reward[("first period", "customers reached")] == pytest.approx(1200)
    assert reward[("present value", "cost of the programme")] == pytest.approx(12_000)
    assert reward[("per customer", "cost of saving one customer")] == pytest.approx(24)
    assert reward[("per customer", "break-even cost per customer reached")] == pytest.approx(
        50_000 / 3000)
    # What the customers bring does not depend on whom the programme pays for.
    assert reward["present value"]["value of the change"] == mailing["present value"][
        "value of the change"]
    assert REACH == ("active", "retained")


@pytest.mark.parametrize("reach", ["active", "retained"])
def test_the_path_adds_up_to_the_present_values(reach):
    args = dict(customers=1322, retention=0.377, new_retention=0.427, margin=17.27,
                cost_per_customer=10, reach=reach, discount=0.1)
    path = retention_path(**args, periods=400)
    economics = retention_economics(**args)["amount"]
    discount = 1.1 ** path.index.to_numpy()
    assert (path["margin"] / discount).sum() == pytest.approx(
        economics[("present value", "value of the change")])
    assert (path["cost"] / discount).sum() == pytest.approx(
        economics[("present value", "cost of the programme")])
    assert path["discounted_net"].sum() == pytest.approx(
        economics[("present value", "net value of the programme")])
    # A closed cohort: the extra customers do not recur year after year, they die out.
    assert path["kept"].iloc[0] == pytest.approx(1322 * 0.05)
    assert (path["kept"].diff().iloc[1:] < 0).all() and path["kept"].iloc[-1] < 1e-6


def test_break_even_cost_makes_the_programme_worth_nothing():
    economics = retention_economics(**BY_HAND)["amount"]
    even = economics[("per customer", "break-even cost per customer reached")]
    at_even = retention_economics(**{**BY_HAND, "cost_per_customer": even})["amount"]
    assert at_even[("present value", "net value of the programme")] == pytest.approx(0, abs=1e-6)
    assert at_even[("per customer", "cost of saving one customer")] == pytest.approx(
        at_even[("per customer", "value a saved customer brings")])


def test_a_change_that_saves_nobody_has_no_cost_per_customer_saved():
    got = retention_economics(**{**BY_HAND, "new_retention": 0.5})["amount"]
    assert got[("present value", "value of the change")] == 0
    assert got["per customer"].isna().all()


@pytest.mark.parametrize("kwargs, message", [
    ({"customers": -1}, "Got customers=-1 instead, expected a whole number >= 0."),
    ({"retention": 1.0}, "Got retention=1.0 instead, expected a rate in [0, 1)."),
    ({"new_retention": -0.1}, "Got new_retention=-0.1 instead, expected a rate in [0, 1)."),
    ({"cost_per_customer": -5},
     "Got cost_per_customer=-5 instead, expected a finite amount >= 0."),
    ({"reach": "saved"}, "Got reach='saved' instead, expected one of 'active', 'retained'."),
    ({"discount": -0.1}, "Got discount=-0.1 instead, expected a finite rate >= 0."),
])
def test_retention_economics_errors(kwargs, message):
    args = {"customers": 100, "retention": 0.5, "new_retention": 0.6, "margin": 10,
            "cost_per_customer": 1}
    for function in (retention_economics, retention_path):
        with pytest.raises(ValueError) as err:
            function(**{**args, **kwargs})
        assert str(err.value) == message
    with pytest.raises(ValueError) as err:
        retention_path(**args, periods=0)
    assert str(err.value) == "Got periods=0 instead, expected a whole number of periods >= 1."


def test_retention_comparison_compares_like_with_like():
    economics = retention_economics(**BY_HAND)
    before = economics.copy()
    got = retention_comparison(economics)
    pd.testing.assert_frame_equal(economics, before)
    # Per customer, present value: saving one costs 40; by the source's ratios acquiring one
    # costs 200-400 and winning one back 2,000-4,000; each customer brings 100.
    assert got.index.tolist() == ["keep (the programme)", "acquire a new customer instead",
                                  "win a lost customer back"]
    assert got["cost_low"].tolist() == pytest.approx([40, 200, 2000])
    assert got["cost_high"].tolist() == pytest.approx([40, 400, 4000])
    assert got["value"].tolist() == pytest.approx([100, 100, 100])
    assert SOURCE_RATIOS == {"acquire": (5.0, 10.0), "win_back": (50.0, 100.0)}
    other = retention_comparison(economics, acquire_ratio=(3, 3), win_back_ratio=(20, 40))
    assert other["cost_low"].tolist() == pytest.approx([40, 120, 800])
    assert other["cost_high"].tolist() == pytest.approx([40, 120, 1600])


@pytest.mark.parametrize("economics, kwargs, message", [
    (pd.DataFrame({"amount": [1.0]}, index=["value of the change"]), {},
     "Got economics without the row 'per customer / value a saved customer brings' instead, "
     "expected the rows 'per customer / value a saved customer brings', 'per customer / cost of "
     "saving one customer'."),
    (retention_economics(customers=10, retention=0.5, new_retention=0.6, margin=1,
                         cost_per_customer=1).rename(columns={"amount": "total"}), {},
     "Got economics without the column 'amount' instead, expected the columns 'amount'."),
    (retention_economics(customers=10, retention=0.5, new_retention=0.6, margin=1,
                         cost_per_customer=1), {"acquire_ratio": (10, 5)},
     "Got acquire_ratio=(10, 5) instead, expected a (low, high) pair with 0 < low <= high."),
    (retention_economics(customers=10, retention=0.5, new_retention=0.6, margin=1,
                         cost_per_customer=1), {"win_back_ratio": 50},
     "Got win_back_ratio=50 instead, expected a (low, high) pair with 0 < low <= high."),
])
def test_retention_comparison_errors(economics, kwargs, message):
    with pytest.raises(ValueError) as err:
        retention_comparison(economics, **kwargs)
    assert str(err.value) == message


def test_calculator_follows_its_controls():
    calc = calculator(customers=1000, retention=0.6, margin=100, cost_per_customer=10)
    new, cost, whom, acquire, win_back = calc._widgets
    assert new.value == pytest.approx(0.65) and whom.value == "active"
    # 1000 * 100 * (0.65 / 0.45 - 0.6 / 0.5) = 24,444.44; the programme 10 * 1000 / 0.45.
    assert "24,444.44" in calc._table.value and "22,222.22" in calc._table.value
    whom.value = "retained"
    assert "14,444.44" in calc._table.value  # 10 * 1000 * 0.65 / 0.45
    new.value = 0.7
    assert "24,444.44" not in calc._table.value
    acquire.value = (2.0, 3.0)
    # Saving one: 10 * 0.7 / 0.1 = 70; acquiring 140-210.
    assert "140.00" in calc._table.value and "210.00" in calc._table.value
    bundle = calc._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Retention calculator: 1,000 customers, retention 60.0%")
    assert "application/vnd.jupyter.widget-view+json" in bundle
