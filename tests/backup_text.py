"""What a JSON backup's text must look like, for the tests that export one."""

from __future__ import annotations

import json


def in_sorted_key_order(backup: dict) -> str:
    """The backup as written with ``sort_keys``, one item a line: the export writes its
    keys in that order (old backups and new ones of the same library are the same bytes)."""

    def block(values: list) -> str:
        lines = ",\n".join(
            json.dumps(value, ensure_ascii=False, sort_keys=True) for value in values
        )
        return f"[\n{lines}\n]" if values else "[]"

    return (
        f'{{"format": "mediatrack", "version": 1,\n"items": {block(backup["items"])},\n'
        f'"friends": {block(backup["friends"])}}}\n'
    )
