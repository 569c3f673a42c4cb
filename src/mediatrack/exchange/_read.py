"""Reading files as people have them: BOM, CRLF, Windows-1252 or Latin-1, quoted newlines."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from mediatrack.exchange.records import ExchangeError, ImportRecord, Malformed, ParseResult

ENCODINGS = ("utf-8", "cp1252", "latin-1")
LARGEST = 2**31 - 1  # the largest number a file's cell may hold
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 (BOM dropped), else Windows-1252, else Latin-1 (never fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def read_text(path: Path) -> str:
    try:
        return decode(Path(path).read_bytes())
    except FileNotFoundError:
        raise ExchangeError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise ExchangeError(f"{path} is a folder, not a file.") from None
    except OSError as error:
        raise ExchangeError(f"{path} cannot be read ({error.strerror}).") from None


def clean(value: str | None) -> str:
    """A cell stripped of spaces and control characters (a file is outside text)."""
    if value is None:
        return ""
    return _CONTROL.sub("", value).strip()


_BREAK = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def review_text(value: str | None) -> str | None:
    """A review as its service exports it (Goodreads writes HTML: ``<br/>``, ``<i>``,
    ``&amp;``) as plain text; None when there is none."""
    if not value:
        return None
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", value)))
    lines = [_CONTROL.sub("", line).strip() for line in text.replace("\r", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def csv_rows(
    text: str,
    name: str,
    required: tuple[str, ...],
    one_of: tuple[str, ...] = (),
    malformed: list[Malformed] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line of the row, {column: cleaned value}) for each data row.

    Unknown columns are kept but ignored by the parsers; a missing required
    column (or, with ``one_of``, all of those) is one sentence naming it. A row
    the CSV reader refuses (a field over its limit) goes to ``malformed`` and
    the rest are read; without that list it ends the file in one sentence.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ExchangeError(f"{name} is empty: it has no header row.") from None
    except csv.Error as error:
        raise ExchangeError(f"{name} is not a CSV file ({error}).") from None
    columns = [clean(column) for column in header]
    missing = [column for column in required if column not in columns]
    if one_of and not any(column in columns for column in one_of):
        missing.append(" or ".join(one_of))
    if missing:
        listed = ", ".join(repr(column) for column in missing)
        raise ExchangeError(
            f"{name} has no {listed} column{'s' if len(missing) > 1 else ''}; "
            "is it the right kind of export?"
        )
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if malformed is None:
                raise ExchangeError(f"{name} line {line}: {error}.") from None
            malformed.append(Malformed(line, f"the row cannot be read as CSV ({error})"))
            line = reader.line_num + 1
            continue
        if any(cell.strip() for cell in cells):
            yield line, dict(zip(columns, (clean(cell) for cell in cells), strict=False))
        line = reader.line_num + 1


def excel_text(value: str) -> str:
    """Goodreads writes ISBNs as ``="978..."`` so spreadsheets keep the zeros."""
    value = value.strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    return value.strip()


_DATE = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ].*)?")


def parse_date(value: str, what: str = "the date") -> dt.date | None:
    """``2020/03/26``, ``2020-03-26``, ``2020-03-26T10:00:00Z``; None when empty.

    Raises ValueError, one sentence naming ``what`` and the text, for text that is not
    such a date.
    """
    value = value.strip()
    if not value:
        return None
    found = _DATE.fullmatch(value)
    try:
        if found is None:
            raise ValueError
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a date (year/month/day)") from None


def parse_datetime(value: str | None) -> dt.datetime | None:
    """An ISO timestamp as naive UTC; None when empty. Raises ValueError otherwise."""
    if not value:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def parse_int(value: str, what: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a whole number") from None
    if abs(number) > LARGEST:  # no count or date has it; the store could not hold it
        raise ValueError(f"{what} {value} is too large")
    return number


def parse_year(value: str) -> int | None:
    year = parse_int(value, "the year")
    if year is not None and not 1000 <= year <= 2200:
        raise ValueError(f"{year} is not a year")
    return year


def at_noon(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(12))


def parse_rows(
    text: str,
    name: str,
    required: tuple[str, ...],
    record: Callable[[int, dict[str, str]], ImportRecord | None],
    skipped_as: Callable[[dict[str, str]], str],
) -> ParseResult:
    """One record per CSV row: a row ``record`` refuses (ValueError) is reported with its line,
    one it returns None for is counted under ``skipped_as(row)``; the rest are read."""
    result = ParseResult()
    for line, row in csv_rows(text, name, required, malformed=result.malformed):
        try:
            made = record(line, row)
        except ValueError as error:
            result.malformed.append(Malformed(line, str(error)))
            continue
        if made is None:
            result.skipped[skipped_as(row)] += 1
            continue
        result.records.append(made)
    return result
