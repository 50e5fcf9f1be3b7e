"""Tests of crmlab.channel_consistency: price, offer and response time, each channel by its norm."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.channel_consistency import channel_consistency


def _log():
    return pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c", "d", "d"],
        "channel": ["web", "store", "web", "web", "phone", "web", "phone"],
        "response_hours": [2.0, 10.0, 1.0, 3.0, 4.0, 2.0, 1.0],
        "offer": ["X", "Y", "", "Z", None, "", ""],
        "price_index": [1.0, 0.95, 1.0, 1.0, 1.01, 1.0, 1.0],
    })


def test_consistency_flags_and_no_mutation():
    log = _log()
    before = log.copy()
    out = channel_consistency(log)
    pd.testing.assert_frame_equal(log, before)
    assert list(out.index) == ["a", "c", "d"]  # b used one channel
    # Norms (medians): web 2.0, store 10.0, phone 2.5. a: web 1.0x, store 1.0x; c: web 1.5x,
    # phone 1.6x; d: web 1.0x, phone 0.4x.
    assert out["response_ratio"].to_dict() == {"a": 1.0, "c": 1.6, "d": 1.0}
    assert out["slowest_channel"].to_dict() == {"a": "store", "c": "phone", "d": "web"}
    assert not out["slow_channel"].any()
    assert out.loc["a", ["price_conflict", "offer_conflict"]].tolist() == [True, True]
    assert out["consistent"].to_dict() == {"a": False, "c": True, "d": True}


def test_a_channel_slow_by_nature_is_not_slow():
    # The store answers in 10 hours, the web in 1: the old single threshold (slowest over
    # fastest channel) flagged every customer of both; per channel nobody is slow ...
    log = pd.DataFrame({"customer_id": list("aabbcc"), "channel": ["web", "store"] * 3,
                        "response_hours": [1.0, 10.0, 1.0, 10.0, 1.0, 30.0],
                        "offer": [""] * 6, "price_index": [1.0] * 6})
    out = channel_consistency(log)
    assert out["slow_channel"].to_dict() == {"a": False, "b": False, "c": True}
    assert out.loc["c", "response_ratio"] == 3.0 and out.loc["c", "slowest_channel"] == "store"
    # ... and a norm given by the caller replaces the median of its channel only.
    norms = channel_consistency(log, norms={"web": 0.4})
    assert norms["slowest_channel"].to_dict() == {"a": "web", "b": "web", "c": "store"}
    assert norms["response_ratio"].to_dict() == {"a": 2.5, "b": 2.5, "c": 3.0}
    assert channel_consistency(log, response_ratio=3.5)["slow_channel"].sum() == 0


def test_on_the_course_data_a_minority_of_customers_was_served_slowly():
    out = channel_consistency(datasets.load("interactions"))
    assert 0 < out["slow_channel"].mean() < 0.5
    assert set(out["slowest_channel"]) <= {"web", "store", "phone", "email", "field_sales"}


@pytest.mark.parametrize("kwargs, message", [
    ({"min_channels": 0}, "Got min_channels=0 instead, expected a whole number >= 1."),
    ({"response_ratio": 0}, "Got response_ratio=0 instead, expected a finite number > 0."),
    ({"price_tolerance": -0.1}, "Got price_tolerance=-0.1 instead, expected a finite number >= 0."),
    ({"norms": {"web": 0}}, "Got norms['web']=0 instead, expected a finite number of hours > 0."),
])
def test_option_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        channel_consistency(_log(), **kwargs)
    assert str(err.value) == message


def test_input_errors():
    with pytest.raises(ValueError) as err:
        channel_consistency(_log().drop(columns="offer"))
    assert str(err.value) == ("Got interactions without the column 'offer' instead, expected the "
                              "columns 'customer_id', 'channel', 'response_hours', 'offer', "
                              "'price_index'.")
    with pytest.raises(ValueError) as err:
        channel_consistency(_log().assign(response_hours=[1, 2, -3, 4, 5, 6, 7]))
    assert str(err.value) == "Got response_hours=-3 at row 2 instead, expected a number >= 0."
