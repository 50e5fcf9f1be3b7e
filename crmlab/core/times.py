"""Times, the one way: the current time in UTC to the second, its ISO 8601 text, the stamp in
file and folder names, and reading a time that must carry its offset.

Every time crmlab writes (answer files, bundles, receipts, hand grades, grading runs, the
collection service's file names) is UTC to the second; a time read back from a file must say its
offset, since a bare ``2026-09-28T20:00`` could be any zone's.

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> baku = datetime(2026, 9, 29, 0, 10, 30, 999, tzinfo=timezone(timedelta(hours=4)))
>>> iso(baku), stamp(baku)
('2026-09-28T20:10:30+00:00', '20260928T201030Z')
>>> with_offset("2026-09-28T20:10:30+00:00") == utc(baku)
True
>>> with_offset("2026-09-28 20:10")
Traceback (most recent call last):
...
ValueError: Got '2026-09-28 20:10' instead, expected an ISO 8601 time with its offset, e.g. 2026-09-28T20:10:00+00:00.
"""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["utc", "iso", "stamp", "with_offset", "in_years", "STAMP_FORMAT", "YEARS"]

#: The time stamp in file and folder names (``20260928T201030Z``): sorts as it reads.
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
#: The years a course's own times (releases, deadlines, extensions) lie in: far inside what
#: ``datetime`` holds, so that a deadline moved by an extension and its cut-off never overflow.
YEARS = (1970, 2999)


def utc(moment: datetime | None = None) -> datetime:
    """``moment`` (default: now) in UTC, to the second; a naive ``moment`` is refused."""
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif moment.tzinfo is None:
        raise ValueError(f"Got {moment.isoformat()!r} instead, expected a time with its offset.")
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def iso(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as ISO 8601 text in UTC, to the second."""
    return utc(moment).isoformat(timespec="seconds")


def stamp(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as the stamp of a file or folder name (:data:`STAMP_FORMAT`)."""
    return utc(moment).strftime(STAMP_FORMAT)


def with_offset(text) -> datetime:
    """The time ``text`` gives in ISO 8601 with its offset; anything else raises ``ValueError``
    (the caller says which file, row and field it came from)."""
    try:
        moment = datetime.fromisoformat(str(text).strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"Got {text!r} instead, expected an ISO 8601 time with its offset, "
                         "e.g. 2026-09-28T20:10:00+00:00.")
    return moment


def in_years(moment: datetime) -> bool:
    """Whether ``moment`` lies in the years :data:`YEARS` (in UTC).

    Examples
    --------
    >>> in_years(datetime(2026, 9, 28, tzinfo=timezone.utc))
    True
    >>> in_years(datetime(9999, 12, 31, tzinfo=timezone.utc))
    False
    """
    try:
        year = moment.astimezone(timezone.utc).year if moment.tzinfo else moment.year
    except OverflowError:  # 9999-12-31T23:59-01:00 is past what datetime holds, in UTC
        return False
    return YEARS[0] <= year <= YEARS[1]
