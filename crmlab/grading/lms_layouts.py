"""What an LMS download says about each of its files: Moodle's and Canvas's layouts, and the
times in Moodle's grading worksheet.

Read from the LMSs' own code (research note: ``notes/lms-layouts.md`` of the project's working
notes; summary in README, *Collecting exercise notebooks*):

- **Moodle** "Download all submissions": one folder per participant and submission plugin,
  ``<Full name>_<number>_assignsubmission_<plugin>/<the student's file>`` (Moodle >= 3.1; 3.1 to
  4.0 add ``_`` after the plugin), or flat ``<Full name>_<number>_assignsubmission_<plugin>_
  <file>`` ("download in folders" off, and Moodle < 3.1). ``<number>`` is the participant's
  number in this assignment (the worksheet's ``Participant 8801``), not a user id; under blind
  marking the name is ``Participant`` (or its translation); in team submissions it is a group
  name. Every ``_`` of a name became a space, and ``& < > " ` | ' : \\ /`` were removed, so the
  last ``_<digits>_assignsubmission_`` is reliable. The zip's entry times are the download time.
- **Canvas** submissions zip: flat, ``<name>[_late]_<user id>_<file id>_<the student's file>``
  (``<name>_<user id>_text.html`` for a text entry); ``<name>`` is the sortable name with
  everything but letters, digits and ``_`` removed, lower-cased. Only the first two all-digit
  fields are ids. Entry times are the time the zip was built; no submission time anywhere.
- **Moodle's grading worksheet** (CSV, UTF-8 with a BOM, ``,``; a copy saved by a spreadsheet
  may use ``;``): ``Identifier`` (``Participant 8801``), ``Full name``, ``Email address``...
  ``Last modified (submission)``: a local time in the downloading user's zone, without zone or
  seconds, in that user's language (``Friday, 14 March 2025, 11:58 PM``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from crmlab.core.exceptions import ExerciseError

__all__ = ["Origin", "origin_of", "canvas_layout_holds", "blind_names", "name_key",
           "canvas_name_keys", "Worksheet", "read_worksheet", "parse_moodle_time", "time_zone",
           "MoodleSubmission", "moodle_time", "write_moodle_download", "WORKSHEET_COLUMNS",
           "MOODLE", "CANVAS", "PLAIN"]

#: The layouts.
MOODLE, CANVAS, PLAIN = "moodle", "canvas", "plain"

_MOODLE = re.compile(r"^(?P<who>.*?)(?:_(?P<num>[0-9]+))?_assignsubmission_(?P<plugin>[a-z0-9]+)"
                     r"(?:_(?P<rest>.*))?$", re.S)
_DIGITS = re.compile(r"[0-9]+")
#: Moodle's ``participant`` string (the name under blind marking) in the language packs read:
#: en, fr (Participant), es, pt, gl (Participante), it (Partecipante), de (Teilnehmer/in, whose
#: ``/`` Moodle's file-name cleaning removes), eu (Partaidea).
BLIND = {"participant", "participante", "partecipante", "teilnehmerin", "teilnehmer/in",
         "partaidea"}


@dataclass(frozen=True)
class Origin:
    """Where a file sat in an LMS download: ``layout`` (:data:`MOODLE`, :data:`CANVAS` or
    :data:`PLAIN`), ``key`` (Moodle's participant number, Canvas's user id; ``""`` in a plain
    folder or a Moodle team without a group), ``who`` (the name the LMS wrote), ``late``
    (Canvas's ``_late_`` marker) and ``file`` (the name the student gave the file)."""

    layout: str
    key: str = ""
    who: str = ""
    late: bool = False
    file: str = ""


def _moodle(parts) -> Origin | None:
    for index, part in enumerate(parts):
        found = _MOODLE.match(part)
        if not found:
            continue
        rest, last = found["rest"], index == len(parts) - 1
        if not last and not rest:  # a folder per plugin (``_`` after it before Moodle 4.1)
            file = "/".join(parts[index + 1:])
        elif last and rest:  # flat: "download submissions in folders" off
            file = rest
        else:
            return None
        return Origin(MOODLE, found["num"] or "", found["who"], False, file)
    return None


def _canvas(base: str) -> Origin | None:
    fields = base.split("_")
    for at in range(1, len(fields)):
        if _DIGITS.fullmatch(fields[at]):
            break
    else:
        return None
    late = at >= 2 and fields[at - 1] == "late"
    rest = fields[at + 1:]
    if len(rest) >= 2 and _DIGITS.fullmatch(rest[0]):
        file = "_".join(rest[1:])
    elif rest in (["text.html"], ["link.html"]):
        file = rest[0]
    else:
        return None
    return Origin(CANVAS, fields[at], "_".join(fields[:at - 1 if late else at]), late, file)


def origin_of(parts, *, canvas: bool = True) -> Origin:
    """Where the file at ``parts`` (its path in the download) sat: Moodle's layout when a
    folder or the name says so, else Canvas's when ``canvas`` (the caller has checked that
    its whole folder is in Canvas's layout: :func:`canvas_layout_holds`), else plain.

    Examples
    --------
    >>> origin_of(("Ləman Əliyeva_8801_assignsubmission_file", "rfm (1).ipynb"))
    Origin(layout='moodle', key='8801', who='Ləman Əliyeva', late=False, file='rfm (1).ipynb')
    >>> origin_of(("Ana Lo_8806_assignsubmission_file_", "sub", "rfm.ipynb")).file
    'sub/rfm.ipynb'
    >>> origin_of(("Ana Lo_8806_assignsubmission_file_rfm_pyramid.ipynb",)).file
    'rfm_pyramid.ipynb'
    >>> origin_of(("hüseynovanigar_late_81235_5550002_hw_2_final.ipynb",))
    Origin(layout='canvas', key='81235', who='hüseynovanigar', late=True, file='hw_2_final.ipynb')
    >>> origin_of(("rfm_pyramid__s-1001.ipynb",)).layout
    'plain'
    """
    parts = tuple(parts)
    found = _moodle(parts)
    if found is None and canvas and parts:
        found = _canvas(parts[-1])
    return found or Origin(PLAIN, file=parts[-1] if parts else "")


def canvas_layout_holds(names) -> bool:
    """Whether every file name of one folder of the download is in Canvas's layout: Canvas's
    zips are flat and every entry is named so; a plain folder where one name happens to fit
    (``ex_2024_1_final.ipynb``) is not read as Canvas's.

    Examples
    --------
    >>> canvas_layout_holds(["ana_81_9_ex.ipynb", "bo_late_82_7_ex-1.ipynb", "cy_83_text.html"])
    True
    >>> canvas_layout_holds(["ex_2024_1_final.ipynb", "s-1002.ipynb"])
    False
    """
    names = list(names)
    return bool(names) and all(_canvas(name) is not None for name in names)


def blind_names(origins) -> bool:
    """Whether a Moodle download was made under blind marking: its names are Moodle's
    ``Participant`` (in a language read), or one name stands for several numbers.

    Examples
    --------
    >>> blind_names([Origin(MOODLE, "1", "Participant"), Origin(MOODLE, "2", "Participant")])
    True
    >>> blind_names([Origin(MOODLE, "1", "Ana Lo"), Origin(MOODLE, "2", "Bo Ek")])
    False
    """
    moodle = [o for o in origins if o.layout == MOODLE and o.key]
    if not moodle:
        return False
    if any(o.who.casefold() in BLIND for o in moodle):
        return True
    numbers_of: dict = {}
    for origin in moodle:
        numbers_of.setdefault(origin.who, set()).add(origin.key)
    return any(len(numbers) > 1 for numbers in numbers_of.values())


# ------------------------------------------------------------------------------ names
_MOODLE_REMOVED = str.maketrans("", "", "&<>\"`|':\\/")
_NON_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> tuple:
    """A person's name as Moodle writes it into a folder name, reduced to compare: the words,
    case-folded and sorted (so "Last, First" and "First Last" agree), after removing what
    Moodle removes (``O'Neil`` is ``ONeil``) and reading ``_`` as a space.

    Examples
    --------
    >>> name_key("Jane O'Neil-Smith") == name_key("Jane ONeil-Smith")
    True
    >>> name_key("Anna_Maria López") == name_key("López, Anna Maria")
    True
    """
    text = unicodedata.normalize("NFC", str(name)).translate(_MOODLE_REMOVED).casefold()
    return tuple(sorted(w for w in _NON_WORD.split(text) if w))


def canvas_name_keys(name: str) -> set:
    """The forms Canvas may give ``name`` in a file name: the sortable name ("Last, First") or
    the name, without anything but letters, digits and ``_``, lower-cased; the words in every
    rotation (Canvas's sortable name moves the last word first).

    Examples
    --------
    >>> "əliyevaləman" in canvas_name_keys("Ləman Əliyeva")
    True
    """
    text = unicodedata.normalize("NFC", str(name)).lower()
    words = [w for w in re.split(r"[^\w]+", text) if w]
    return {"".join(words[i:] + words[:i]) for i in range(len(words))} if words else set()


# ------------------------------------------------------------------------------ worksheet
#: Moodle's ``recordid`` header ("Identifier") in the language packs read (en, de, es, fr, it,
#: pt, he); other languages are found by content (every value ends in a number).
ID_HEADERS = {"identifier", "id", "identificador", "identifiant", "identificativo",
              "número de identificação", "מזהה"}
#: Moodle's ``lastmodifiedsubmission`` header in the language packs read (en, de, fr, es, pt,
#: pt_br, ru, tr, nl, ca); other languages are found by content (the first column of times).
TIME_HEADERS = {"last modified (submission)", "zuletzt geändert (abgabe)",
                "dernière modification (travail remis)", "última modificación (entrega)",
                "última modificação (envio)", "última atualização (submissão)",
                "последнее изменение (ответ)", "son düzenleme (gönderim)",
                "laatst gewijzigd (inzending)", "darrera modificació (tramesa)"}
#: The name column's header; emails are found by content in every language.
NAME_HEADERS = {"full name"}
_NUMBERED = re.compile(r"^\s*\D*?\s*([0-9]+)\s*$")
_NO_TIME = {"", "-"}

#: Month names (and English abbreviations) of the languages whose Moodle dates spell them:
#: en, de, fr, es, pt, it, ru (both cases), tr, az.
MONTHS = {}
for _names in (
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "januar februar märz april mai juni juli august september oktober november dezember",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
        "diciembre",
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
        "dezembro",
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
        "dicembre",
        "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
        "yanvar fevral mart aprel may iyun iyul avqust sentyabr oktyabr noyabr dekabr"):
    for _number, _name in enumerate(_names.split(), start=1):
        MONTHS[_name] = _number
MONTHS.update({"sept": 9, "jänner": 1, "setiembre": 9})
_CLOCK = re.compile(r"(?<![0-9])([0-9]{1,2})\s*[:h]\s*([0-9]{2})(?![0-9])"
                    r"(?:\s*([ap])\.?\s*m\b\.?)?", re.I)
_DOTTED = re.compile(r"(?<![0-9])([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?![0-9])")
_ISO = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")


def time_zone(name: str):
    """The IANA zone ``name`` (``Asia/Baku``); a one-line error otherwise.

    Examples
    --------
    >>> time_zone("Asia/Baku").key
    'Asia/Baku'
    >>> time_zone("Mars/Base")
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.ExerciseError: Got timezone='Mars/Base' instead, expected an IANA time zone such as Asia/Baku or Europe/Ljubljana.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ExerciseError(f"Got timezone={name!r} instead, expected an IANA time zone such as "
                            "Asia/Baku or Europe/Ljubljana.") from None


def parse_moodle_time(text: str, zone, *, date_format: str | None = None) -> datetime | None:
    """The time (UTC, at the start of its minute) a worksheet cell gives in ``zone``; ``None``
    for no time (``-``); ``ValueError`` when the text cannot be read without guessing.

    Read: ``date_format`` (a :func:`~datetime.datetime.strptime` format) when given; else a day,
    a month by name (:data:`MONTHS`), a four-digit year and ``H:MM`` (or ``HhMM``) with an
    optional AM/PM, in any order and with any weekday; or ``D.M.YYYY`` and ``YYYY-MM-DD``.
    A date such as ``03/04/2025`` (day or month first?) needs ``date_format``.

    Examples
    --------
    >>> baku = time_zone("Asia/Baku")
    >>> parse_moodle_time("Friday, 14 March 2025, 11:58 PM", baku).isoformat()
    '2025-03-14T19:58:00+00:00'
    >>> parse_moodle_time("Samstag, 15. März 2025, 00:07", baku).isoformat()
    '2025-03-14T20:07:00+00:00'
    >>> parse_moodle_time("-", baku) is None
    True
    >>> parse_moodle_time("03/04/2025 10:00", baku)
    Traceback (most recent call last):
    ...
    ValueError: cannot read '03/04/2025 10:00' as a date and time without guessing (give --date-format)
    """
    text = " ".join(str(text).split())
    if text in _NO_TIME:
        return None
    if date_format:
        local = datetime.strptime(text, date_format)
    else:
        local = _tolerant(text)
    return local.replace(tzinfo=zone).astimezone(timezone.utc).replace(second=0, microsecond=0)


def _tolerant(text: str) -> datetime:
    failed = ValueError(f"cannot read {text!r} as a date and time without guessing "
                        "(give --date-format)")
    clocks = list(_CLOCK.finditer(text))
    if len(clocks) != 1:
        raise failed
    clock = clocks[0]
    hour, minute, half = int(clock[1]), int(clock[2]), (clock[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise failed
        hour = hour % 12 + (12 if half == "p" else 0)
    rest = text[:clock.start()] + " " + text[clock.end():]
    dated = _DOTTED.search(rest)
    iso = _ISO.search(rest)
    if dated:
        day, month, year = int(dated[1]), int(dated[2]), int(dated[3])
    elif iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        words = re.findall(r"[^\W\d_]+", rest)
        numbers = re.findall(r"[0-9]+", rest)
        months = [MONTHS[w.casefold()] for w in words if w.casefold() in MONTHS]
        years = [int(n) for n in numbers if len(n) == 4]
        days = [int(n) for n in numbers if len(n) <= 2]
        if len(months) != 1 or len(years) != 1 or len(days) != 1:
            raise failed
        day, month, year = days[0], months[0], years[0]
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        raise failed from None


@dataclass
class WorksheetRow:
    """One participant of the worksheet: ``line`` in the file, the participant ``number``,
    ``name`` and ``email`` (empty under blind marking), ``submitted`` (UTC) or ``None``,
    ``text`` (the cell as written) and ``problem`` (why the time could not be read)."""

    line: int
    number: str
    name: str = ""
    email: str = ""
    submitted: datetime | None = None
    text: str = ""
    problem: str = ""


@dataclass
class Worksheet:
    """Moodle's grading worksheet, read: ``rows`` by participant number; ``columns`` names the
    identifier, time, name and email columns found (``""`` when absent); ``by_content`` the
    columns found by their content rather than their header."""

    path: Path
    rows: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    by_content: list = field(default_factory=list)


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExerciseError(f"{path}: cannot read the worksheet ({exc.strerror or exc})") \
            from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExerciseError(f"{path}: the worksheet is not UTF-8 text; download it from Moodle "
                            "again, or save it as 'CSV UTF-8'") from None


def _delimiter(header: str) -> str:
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _find(header, values, *, names, content) -> tuple[int | None, bool]:
    """The index of the column whose header is one of ``names``, else the first whose values
    pass ``content``; and whether it was found by content."""
    for index, title in enumerate(header):
        if " ".join(title.split()).casefold() in names:
            return index, False
    for index in range(len(header)):
        column = [row[index] if index < len(row) else "" for row in values]
        if content(column):
            return index, True
    return None, False


def _is_times(column, zone, date_format) -> bool:
    read = 0
    for value in column:
        if " ".join(value.split()) in _NO_TIME:
            continue
        try:
            parse_moodle_time(value, zone, date_format=date_format)
        except ValueError:
            return False
        read += 1
    return read > 0


def _cell(row, index) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def read_worksheet(path: str | Path, *, zone, date_format: str | None = None) -> Worksheet:
    """Read Moodle's grading worksheet: each participant's number, name, email and the time of
    their submission's last change (in ``zone``, the downloading user's Moodle time zone).

    A file that is not UTF-8 CSV, or has no identifier or submission-time column, is a
    one-line error; a time that cannot be read is that row's ``problem`` (no time, never a
    guess).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "worksheet.csv"
    >>> _ = path.write_text("\\ufeffIdentifier;Full name;Email address;Last modified (submission)\\n"
    ...                     "Participant 8801;Ana Lo;ana@example.edu;Friday, 14 March 2025, 11:58 PM\\n"
    ...                     "Participant 8802;Bo Ek;bo@example.edu;-\\n", encoding="utf-8")
    >>> sheet = read_worksheet(path, zone=time_zone("Asia/Baku"))
    >>> sheet.rows["8801"].submitted.isoformat(), sheet.rows["8802"].submitted
    ('2025-03-14T19:58:00+00:00', None)
    """
    path = Path(path)
    text = _decode(path)
    lines = text.splitlines()
    if not lines:
        raise ExerciseError(f"{path}: the worksheet is empty")
    table = list(csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0])))
    header, values = table[0], [row for row in table[1:] if any(cell.strip() for cell in row)]
    sheet = Worksheet(path)
    number, by_content = _find(header, values, names=ID_HEADERS, content=lambda column: bool(
        column) and all(_NUMBERED.match(v) and not v.strip().isdigit() for v in column))
    if number is None:
        raise ExerciseError(f"{path}: no Identifier column (Participant 8801, ...): is it "
                            "Moodle's grading worksheet?")
    if by_content:
        sheet.by_content.append(header[number])
    email, _ = _find(header, values, names=set(), content=lambda column: any(
        "@" in v for v in column) and all("@" in v or not v.strip() for v in column))
    name, _ = _find(header, values, names=NAME_HEADERS, content=lambda column: False)
    taken = {number, email, name}
    when, by_content = _find(header, values, names=TIME_HEADERS, content=lambda column: False)
    if when is None:
        for index in range(len(header)):
            column = [row[index] if index < len(row) else "" for row in values]
            if index not in taken and _is_times(column, zone, date_format):
                when, by_content = index, True
                break
    if when is None:
        raise ExerciseError(f"{path}: no column of submission times (Last modified "
                            "(submission)); give --date-format if its dates are written "
                            "another way")
    if by_content:
        sheet.by_content.append(header[when])
    sheet.columns = {"identifier": header[number], "time": header[when],
                     "name": header[name] if name is not None else "",
                     "email": header[email] if email is not None else ""}
    for line, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        found = _NUMBERED.match(_cell(row, number))
        if not found:
            continue
        entry = WorksheetRow(line, found[1], _cell(row, name), _cell(row, email),
                             text=_cell(row, when))
        try:
            entry.submitted = parse_moodle_time(entry.text, zone, date_format=date_format)
        except ValueError as exc:
            entry.problem = str(exc)
        sheet.rows[entry.number] = entry
    return sheet


# ------------------------------------------------------------------------------ writing
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
#: The grading worksheet's columns, as Moodle 4.x writes them in English.
WORKSHEET_COLUMNS = ("Identifier", "Full name", "Email address", "Status", "Grade",
                     "Maximum grade", "Grade can be changed", "Last modified (submission)",
                     "Online text", "Last modified (grade)", "Feedback comments")


@dataclass(frozen=True)
class MoodleSubmission:
    """One participant of a Moodle assignment, for :func:`write_moodle_download`: their
    ``participant`` number, ``name`` and ``email`` (as Moodle has them), the ``files`` they
    uploaded (``{file name: bytes}``; none: no submission) and when the submission was last
    modified (``modified``, a time with its zone; None without a submission)."""

    participant: int
    name: str
    email: str
    files: dict = field(default_factory=dict)
    modified: datetime | None = None


def moodle_time(moment: datetime, zone) -> str:
    """``moment`` as Moodle's English worksheet writes it in the zone ``zone``.

    Examples
    --------
    >>> moodle_time(datetime(2025, 3, 14, 19, 58, tzinfo=timezone.utc), time_zone("Asia/Baku"))
    'Friday, 14 March 2025, 11:58 PM'
    """
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    return (f"{_WEEKDAYS[local.weekday()]}, {local.day} {_MONTH_NAMES[local.month - 1]} "
            f"{local.year}, {hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}")


def write_moodle_download(download: str | Path, worksheet: str | Path, submissions, *,
                          zone, downloaded: datetime) -> tuple[Path, Path]:
    """Write what Moodle 4.1+ gives for "Download all submissions" (a zip, one folder
    ``<Full name>_<participant>_assignsubmission_file`` per participant who uploaded files,
    every entry dated ``downloaded``) and its grading worksheet (UTF-8 CSV with a BOM;
    ``Last modified (submission)`` in ``zone``, the downloading user's time zone): a simulated
    class's LMS download, read back by :func:`origin_of` and :func:`read_worksheet`.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> ana = MoodleSubmission(8801, "Ana O'Neil_Lo", "ana@example.edu", {"ex (1).ipynb": b"{}"},
    ...                        datetime(2025, 3, 14, 19, 58, tzinfo=timezone.utc))
    >>> zipped, sheet = write_moodle_download(
    ...     folder / "download.zip", folder / "grades.csv", [ana, MoodleSubmission(8802, "Bo", "")],
    ...     zone=time_zone("Asia/Baku"), downloaded=datetime(2025, 3, 20, 10, 0))
    >>> [origin_of(n.split("/")) for n in zipfile.ZipFile(zipped).namelist()]
    [Origin(layout='moodle', key='8801', who='Ana ONeil Lo', late=False, file='ex (1).ipynb')]
    >>> read_worksheet(sheet, zone=time_zone("Asia/Baku")).rows["8801"].submitted.isoformat()
    '2025-03-14T19:58:00+00:00'
    """
    import zipfile

    download, worksheet = Path(download), Path(worksheet)
    stamp = downloaded.timetuple()[:6]
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as archive:
        for who in submissions:
            folder = (f"{who.name.translate(_MOODLE_REMOVED).replace('_', ' ')}_"
                      f"{who.participant}_assignsubmission_file")
            for name, data in who.files.items():
                archive.writestr(zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp), data)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WORKSHEET_COLUMNS)
    for who in submissions:
        handed = bool(who.files) and who.modified is not None
        writer.writerow([f"Participant {who.participant}", who.name, who.email,
                         "Submitted for grading" if handed else "No submission", "", "100.00",
                         "Yes", moodle_time(who.modified, zone) if handed else "-", "", "-",
                         ""])
    worksheet.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return download, worksheet
