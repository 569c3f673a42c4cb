"""OPML podcast subscriptions from any podcast app: nested or flat ``outline``s with ``xmlUrl``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from mediatrack.exchange._read import clean, read_text
from mediatrack.exchange.records import ExchangeError, ImportRecord, ParseResult
from mediatrack.kinds import Kind

SOURCE = "opml"


def parse(path: Path) -> ParseResult:
    return parse_text(read_text(path), Path(path).name)


def parse_text(text: str, name: str = "the OPML file") -> ParseResult:
    text = text.lstrip("\ufeff")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ExchangeError(f"{name} declares entities; mediatrack does not read such OPML.")
    # the XML declaration may name another encoding than the text already decoded
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ExchangeError(f"{name} is not OPML ({error}).") from None
    if root.tag.lower() != "opml":
        raise ExchangeError(f"{name} is not OPML (its root is <{clean(root.tag)}>).")
    result = ParseResult()
    seen: set[str] = set()
    lines = _outline_lines(text)
    for index, outline in enumerate(root.iter("outline")):
        feed = clean(_attribute(outline, "xmlurl"))
        if not feed:
            if outline.find("outline") is None:
                result.skipped["an outline with no feed (xmlUrl)"] += 1
            continue  # a folder of outlines
        line = lines[index] if index < len(lines) else 0
        if feed_key(feed) in seen:
            result.skipped["listed twice"] += 1
            continue
        seen.add(feed_key(feed))
        title = clean(outline.get("title") or outline.get("text")) or feed
        result.records.append(
            ImportRecord(
                source=SOURCE,
                line=line,
                kind=Kind.PODCAST,
                title=title,
                ids={"feed_url": feed},
                status="listening",
            )
        )
    return result


def feed_key(url: str) -> str:
    """A feed URL as compared: podcast apps write one feed with http or https, with or
    without ``www.`` or a trailing slash, in any case."""
    text = url.strip().lower().removesuffix("/")
    return re.sub(r"^https?://(www\.)?", "", text)


def _attribute(outline: ElementTree.Element, name: str) -> str | None:
    """An attribute by its name in any case: apps write ``xmlUrl``, ``xmlurl`` or ``xmlURL``."""
    return next((value for key, value in outline.attrib.items() if key.lower() == name), None)


def _outline_lines(text: str) -> list[int]:
    """The line of each ``<outline`` in document order, for reports."""
    lines: list[int] = []
    line, position = 1, 0
    while True:
        found = text.find("<outline", position)
        if found < 0:
            return lines
        line += text.count("\n", position, found)
        lines.append(line)
        position = found + 1
