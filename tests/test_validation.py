"""The one validation layer: each helper accepts what it should and words every refusal alike."""

import re

import pandas as pd
import pytest

from crmlab._validation import (
    check_choice,
    check_column_options,
    check_columns,
    check_fitted,
    check_number,
    check_pair,
    check_rate,
    check_whole,
    expected,
)
from crmlab.exceptions import DataError

SHAPE = re.compile(r"^Got .+ instead, expected .+\.$")


@pytest.mark.parametrize("call, message", [
    (lambda: check_whole("window", 0, minimum=1, unit="days"),
     "Got window=0 instead, expected a whole number of days >= 1."),
    (lambda: check_whole("window", True, minimum=1),
     "Got window=True instead, expected a whole number >= 1."),
    (lambda: check_whole("n", 11, minimum=1, maximum=10),
     "Got n=11 instead, expected a whole number from 1 to 10."),
    (lambda: check_whole("n", "3"), "Got n='3' instead, expected a whole number."),
    (lambda: check_whole("n", float("inf")), "Got n=inf instead, expected a whole number."),
    (lambda: check_number("margin", -1, minimum=0),
     "Got margin=-1 instead, expected a finite number >= 0."),
    (lambda: check_number("cost", None, what="amount"),
     "Got cost=None instead, expected a finite amount."),
    (lambda: check_number("investment", 0, minimum=0, strict=True, what="amount"),
     "Got investment=0 instead, expected a finite amount > 0."),
    (lambda: check_rate("retention", 1, high_open=True),
     "Got retention=1 instead, expected a rate in [0, 1)."),
    (lambda: check_rate("share", -0.1), "Got share=-0.1 instead, expected a rate in [0, 1]."),
    (lambda: check_rate("share", "0.5"), "Got share='0.5' instead, expected a rate in [0, 1]."),
    (lambda: check_choice("by", "week", ("cohort", "channel")),
     "Got by='week' instead, expected one of 'cohort', 'channel'."),
    (lambda: check_choice("by", ["x"], {"a": 1}),
     "Got by=['x'] instead, expected one of 'a'."),
    (lambda: check_pair("ratio", (1,)),
     "Got ratio=(1,) instead, expected a (low, high) pair with 0 < low <= high."),
    (lambda: check_pair("ratio", (0, 1)),
     "Got ratio=(0, 1) instead, expected a (low, high) pair with 0 < low <= high."),
    (lambda: check_columns(pd.DataFrame({"a": [1]}), ["a", "b"], table="orders"),
     "Got orders without the column 'b' instead, expected the columns 'a', 'b'."),
    (lambda: check_column_options(pd.DataFrame({"a": [1]}), value="b"),
     "Got value='b' instead, expected one of the columns 'a'."),
])
def test_refusals_name_the_field_the_value_and_what_was_expected(call, message):
    with pytest.raises(ValueError) as caught:
        call()
    assert str(caught.value) == message
    assert SHAPE.match(message)


@pytest.mark.parametrize("call, result", [
    (lambda: check_whole("n", 3.0, minimum=1), 3),
    (lambda: check_number("m", 2, minimum=0), 2.0),
    (lambda: check_rate("r", 0), 0.0),
    (lambda: check_rate("r", 1), 1.0),
    (lambda: check_choice("by", "cohort", ["cohort"]), "cohort"),
    (lambda: check_pair("ratio", [5, 10]), (5.0, 10.0)),
])
def test_accepted_values_come_back_in_their_checked_form(call, result):
    value = call()
    assert value == result and type(value) is type(result)


def test_the_error_class_is_the_callers_choice():
    with pytest.raises(DataError, match="^Got seed=-1 instead"):
        check_whole("seed", -1, minimum=0, error=DataError)
    assert isinstance(expected("x", 1, "2", error=DataError), DataError)


def test_fitted_checks_the_attribute():
    class Model:
        params_ = None

    with pytest.raises(ValueError, match="^Got an unfitted Model instead, expected a fitted"):
        check_fitted(Model())
    fitted = Model()
    fitted.params_ = {"r": 1.0}
    check_fitted(fitted)


def test_inputs_are_not_modified():
    frame = pd.DataFrame({"a": [1]})
    before = frame.copy()
    check_columns(frame, ["a"])
    check_column_options(frame, value="a")
    pd.testing.assert_frame_equal(frame, before)
