"""Tests of crmlab.channel_consistency: price, offer and response time, each channel by its norm."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.channel_consistency import channel_consistency, response_by_channel


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


@pytest.mark.parametrize("function", [channel_consistency, response_by_channel])
@pytest.mark.parametrize("kwargs, message", [
    ({"min_channels": 0}, "Got min_channels=0 instead, expected a whole number >= 1."),
    ({"response_ratio": 0}, "Got response_ratio=0 instead, expected a finite number > 0."),
    ({"norms": {"web": 0}}, "Got norms['web']=0 instead, expected a finite number of hours > 0."),
    ({"norms": {"web": float("nan")}},
     "Got norms['web']=nan instead, expected a finite number of hours > 0."),
])
def test_option_errors(function, kwargs, message):
    with pytest.raises(ValueError) as err:
        function(_offices_log(), **kwargs)
    assert str(err.value) == message


def test_price_tolerance_error():
    with pytest.raises(ValueError) as err:
        channel_consistency(_log(), price_tolerance=-0.1)
    assert str(err.value) == "Got price_tolerance=-0.1 instead, expected a finite number >= 0."


def test_input_errors():
    with pytest.raises(ValueError) as err:
        channel_consistency(_log().drop(columns="offer"))
    assert str(err.value) == ("Got interactions without the column 'offer' instead, expected the "
                              "columns 'customer_id', 'channel', 'response_hours', 'offer', "
                              "'price_index'.")
    with pytest.raises(ValueError) as err:
        channel_consistency(_log().assign(response_hours=[1, 2, -3, 4, 5, 6, 7]))
    assert str(err.value) == "Got response_hours=-3 at row 2 instead, expected a number >= 0."


def _offices_log():
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", "c"],
        "channel": ["phone", "phone", "web", "phone", "web", "web"],
        "touchpoint": ["call_centre", "accounting", "website", "shop", "delivery", "website"],
        "response_hours": [1.0, 5.0, 2.0, 4.0, 8.0, 1.0],
        "offer": [""] * 6, "price_index": [1.0] * 6})


def test_response_by_channel_by_hand_and_no_mutation():
    log = _offices_log()
    before = log.copy()
    out = response_by_channel(log)
    pd.testing.assert_frame_equal(log, before)
    # c used one channel. Norms (medians): phone 4.0, web 2.0.
    assert out.index.tolist() == [("a", "phone"), ("a", "web"), ("b", "phone"), ("b", "web")]
    assert out["contacts"].tolist() == [2, 1, 1, 1]
    assert out["mean_hours"].tolist() == [3.0, 2.0, 4.0, 8.0]
    assert out["norm_hours"].tolist() == [4.0, 2.0, 4.0, 2.0]
    assert out["ratio"].tolist() == [0.75, 1.0, 1.0, 4.0]
    assert out["slow"].tolist() == [False, False, False, True]
    assert out["offices"].astype(str).tolist() == ["both", "front only", "back only",
                                                   "back only"]
    assert len(response_by_channel(log, min_channels=1)) == 5
    assert response_by_channel(log, norms={"phone": 1.0})["slow"].tolist() == [True, False,
                                                                               True, True]


def test_response_by_channel_explains_the_slow_channel_flag_of_the_course_data():
    log = datasets.load("interactions")
    pairs = response_by_channel(log)
    flagged = channel_consistency(log)["slow_channel"]
    assert pairs["slow"].groupby(level="customer_id").any().sort_index().equals(
        flagged.sort_index().rename("slow"))
    # The back office answers 2.5 times slower by construction and each channel's norm mixes
    # both offices: slow rows are nearly all back-office rows.
    share = pairs.loc[pairs["slow"], "offices"].value_counts(normalize=True)
    assert share["back only"] > 0.8


def test_response_by_channel_input_errors():
    with pytest.raises(ValueError) as err:
        response_by_channel(_offices_log().drop(columns="touchpoint"))
    assert str(err.value) == ("Got interactions without the column 'touchpoint' instead, "
                              "expected the columns 'customer_id', 'channel', 'touchpoint', "
                              "'response_hours'.")
    with pytest.raises(ValueError, match=r"^Got touchpoint='lobby' instead"):
        response_by_channel(_offices_log().assign(touchpoint="lobby"))
