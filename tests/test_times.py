"""crmlab.core.times: the one current time, its ISO text, the file-name stamp, and times read
back only with their offset."""

from datetime import datetime, timedelta, timezone

import pytest

from crmlab.core import times

BAKU = timezone(timedelta(hours=4))


def test_now_is_utc_to_the_second():
    moment = times.utc()
    assert moment.tzinfo == timezone.utc and moment.microsecond == 0
    assert abs((datetime.now(timezone.utc) - moment).total_seconds()) < 5


@pytest.mark.parametrize(("moment", "text", "name"), [
    (datetime(2026, 9, 29, 0, 10, 30, 999_999, tzinfo=BAKU), "2026-09-28T20:10:30+00:00",
     "20260928T201030Z"),
    (datetime(2026, 1, 1, tzinfo=timezone.utc), "2026-01-01T00:00:00+00:00", "20260101T000000Z"),
])
def test_iso_and_stamp(moment, text, name):
    assert times.iso(moment) == text and times.stamp(moment) == name
    assert times.with_offset(text) == times.utc(moment)


def test_a_naive_time_is_refused_when_written():
    with pytest.raises(ValueError, match="expected a time with its offset"):
        times.iso(datetime(2026, 1, 1))


@pytest.mark.parametrize("text", ["2026-09-28T20:10:00", "2026-09-28", "yesterday", "", None, 3])
def test_a_time_without_its_offset_is_refused_when_read(text):
    with pytest.raises(ValueError) as error:
        times.with_offset(text)
    assert str(error.value) == (f"Got {text!r} instead, expected an ISO 8601 time with its "
                                "offset, e.g. 2026-09-28T20:10:00+00:00.")


def test_the_input_is_not_changed():
    moment = datetime(2026, 9, 29, 0, 10, 30, 5, tzinfo=BAKU)
    times.iso(moment)
    assert moment.tzinfo == BAKU and moment.microsecond == 5
