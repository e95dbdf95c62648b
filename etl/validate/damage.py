"""Text damaged before it reached the loader: '?' where letters were.

Excel's "CSV (Comma delimited)" writes text in the code page of the Windows it runs on, and a
letter that code page lacks becomes '?'. Khmer, Lao and Burmese have no such code page at all,
so a province or a case reference written in them arrives as '????'. Nothing can bring the
letters back; the file is refused with what to send instead.
"""

from __future__ import annotations

import re

_LETTER = re.compile(r"[^\W\d_]")


def is_damaged(value: str) -> bool:
    """A value made of '?' where letters were: '????', '??? ????', '?-001'. A lone '?' (the
    'not known' of many forms) and a '?' after a word ('Kampot?') are not."""
    v = value.strip()
    if "?" not in v or v == "?":
        return False
    return "??" in v or not _LETTER.search(v.replace("?", ""))


def message(label: str, row: int, header: str, value: str) -> str:
    return (
        f'{label} row {row}, column "{header}": "{value}" has \'?\' where letters were: the '
        "file was saved in a code page that cannot hold its script (Khmer, Lao and Burmese have "
        "none), and the letters are lost. Save the original as 'CSV UTF-8' or as an Excel "
        "workbook (.xlsx) and send that"
    )
