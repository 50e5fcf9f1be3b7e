"""The one validation layer: each helper accepts what it should and words every refusal alike."""

import re

import pandas as pd
import pytest

from crmlab.core.exceptions import DataError
from crmlab.core.validation import (
    check_choice,
    check_column_options,
    check_columns,
    check_each,
    check_fitted,
    check_no_columns,
    check_number,
    check_pair,
    check_rate,
    check_unique,
    check_whole,
    expected,
)

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
    (lambda: check_columns({"a": 1}, ["a", "b"], table="a profile", kind="field"),
     "Got a profile without the field 'b' instead, expected the fields 'a', 'b'."),
    (lambda: check_each("nps", pd.Series([3, 11], index=["r1", "r2"]), minimum=0, maximum=10,
                        whole=True),
     "Got nps=11 at row 'r2' instead, expected a whole number from 0 to 10."),
    (lambda: check_each("v", [1.0, float("inf")], item="item"),
     "Got v=inf at item 1 instead, expected a number."),
    (lambda: check_each("v", ["1", True]), "Got v=True at row 1 instead, expected a number."),
    (lambda: check_each("v", pd.Series([0.5, 1.5]), maximum=1.0),
     "Got v=1.5 at row 1 instead, expected a number <= 1."),
    (lambda: check_each("ok", pd.Series([True, 1]), choices=(True, False)),
     "Got ok=1 at row 1 instead, expected one of True, False."),
    (lambda: check_each("ok", pd.Series([True, None]), choices=(True, False), what="yes or no"),
     "Got ok=None at row 1 instead, expected yes or no."),
    (lambda: check_choice("risk", "huge", ("low", "high"), where=" for supplier 'S1'"),
     "Got risk='huge' for supplier 'S1' instead, expected one of 'low', 'high'."),
    (lambda: check_rate("share", 2, where=" at row 3"),
     "Got share=2 at row 3 instead, expected a rate in [0, 1]."),
    (lambda: check_no_columns(pd.DataFrame({"a": [1]}), ["a"], table="orders"),
     "Got orders with the column 'a' instead, expected no column named 'a'."),
    (lambda: check_no_columns(pd.DataFrame({"b": [1], "c": [1]}), ["a", "c", "b"]),
     "Got a table with the column 'c' instead, expected no column named 'a', 'c' or 'b'."),
    (lambda: check_unique("customer_id", pd.Series(["x", "y", "y", "x"]), item="customer"),
     "Got customer_id='y' instead, expected one row per customer (it appears twice)."),
    (lambda: check_unique("customer_id", pd.Series([7, 8, 7]), item="record"),  # not np.int64(7)
     "Got customer_id=7 instead, expected one row per record (it appears twice)."),
    (lambda: check_unique("id", ["1", "2", "1"], item="candidate"),
     "Got id='1' instead, expected one row per candidate (it appears twice)."),
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
    check_no_columns(frame, ["b"])
    check_unique("a", frame["a"], item="row")
    pd.testing.assert_frame_equal(frame, before)


def test_check_unique_passes_values_each_there_once():
    check_unique("customer_id", pd.Series(["a", "b", "A"]), item="customer")
    check_unique("customer_id", [], item="customer")
    check_unique("n", pd.Series([1, 2, None]), item="row")


def test_check_each_passes_good_columns_of_every_kind():
    check_each("n", pd.Series([1, 2, 3]), minimum=1, whole=True)
    check_each("x", pd.Series([0.5, 2.0]), minimum=0)
    check_each("x", ["1.5", 2], minimum=0)  # numbers written as text are numbers
    check_each("ok", pd.Series([True, False]), choices=(True, False))
    check_each("ok", pd.Series([True, False], dtype=object), choices=(True, False))
    with pytest.raises(ValueError, match=r"^Got flag=True at row 0 instead, expected a number"):
        check_each("flag", pd.Series([True, False]))  # a boolean column holds no numbers
