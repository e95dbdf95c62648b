"""The text encoding of a submitted text file, and a UTF-8 copy of it when it is not UTF-8.

Most files are UTF-8 (Excel's "CSV UTF-8") and are read as they are: the pass that hashes a
file checks that every byte is UTF-8 (sources.file_digest), which costs nearly nothing for the
ASCII chunks that make up most files. Otherwise, in this order:

- a byte-order mark says UTF-8 or UTF-16 (Excel's "Unicode Text" is UTF-16 with one);
- `--encoding` names the encoding;
- else the file is in a legacy code page, which is what Excel's "CSV (Comma delimited)" writes
  in the locale of the Windows it runs on: cp874 (Thai), cp1258 (Vietnamese), GB18030 (Chinese,
  a superset of GBK and GB2312) or cp1252 (English and other Western). Every one of these that
  decodes the first MiB is scored by how many of its non-ASCII cells are words the framework
  knows (province, country and code names in the six languages), then by charset-normalizer's
  measure of how garbled the text looks. Two readings that differ and score the same are
  refused: the loader never picks one of them quietly.

Khmer, Lao and Burmese have no such code page: Excel writes '?' for each of their letters,
which the loader refuses as damaged text (etl/validate/code_tables.py).

A file that is not UTF-8 is decoded in full, strictly (a byte that does not decode refuses the
file, naming its row), into a UTF-8 copy in the run's scratch folder, which the readers read.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.ingest import spec
from etl.ingest.errors import FileRefused
from reference import framework
from reference.framework import norm

REGION_CODE_PAGES = ("cp874", "cp1258", "gb18030", "cp1252")
CODE_PAGE_NAMES = {
    "cp874": "cp874 (Thai)",
    "cp1258": "cp1258 (Vietnamese)",
    "gb18030": "GB18030 (Chinese)",
    "cp1252": "cp1252 (Western)",
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
}
SAMPLE_BYTES = 1 << 20
CHUNK = 1 << 20
ADVICE = "in Excel use 'Save as > CSV UTF-8', or load with --encoding NAME (e.g. --encoding cp874)"


@dataclass(frozen=True)
class Encoding:
    codec: str  # a Python codec name
    how: str  # "valid UTF-8" | "byte-order mark" | "--encoding" | "detected"

    @property
    def is_utf8(self) -> bool:
        return self.codec in ("utf-8", "utf-8-sig")

    def describe(self) -> str:
        name = CODE_PAGE_NAMES.get(self.codec, self.codec)
        return name if self.how == "valid UTF-8" else f"{name} ({self.how})"


def byte_order_mark(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def decide(label: str, path: Path, head: bytes, bad_utf8_row: int | None, forced: str | None):
    """The encoding to read the file in. bad_utf8_row: the row of the first byte that is not
    UTF-8 (None when the whole file is UTF-8). Raises FileRefused when no encoding fits."""
    if forced:
        try:
            codec = codecs.lookup(forced).name
        except LookupError as exc:
            raise FileRefused(f"--encoding {forced}: not an encoding Python knows") from exc
        if codec == "utf-8" and bad_utf8_row is not None:
            raise FileRefused(f"{label}: row {bad_utf8_row} is not UTF-8 text; {ADVICE}")
        return Encoding(codec, "--encoding")
    mark = byte_order_mark(head)
    if mark:
        if mark == "utf-8-sig" and bad_utf8_row is not None:
            raise FileRefused(f"{label}: row {bad_utf8_row} is not UTF-8 text; {ADVICE}")
        return Encoding(mark, "byte-order mark")
    if head.count(b"\0") > len(head) // 4:
        # UTF-16 without its mark (valid UTF-8 to a decoder when all ASCII): every other
        # byte of ASCII text is zero; no text file has zero bytes otherwise
        odd = head[1::2].count(b"\0") > head[0::2].count(b"\0")
        return Encoding("utf-16-le" if odd else "utf-16-be", "detected")
    if bad_utf8_row is None:
        return Encoding("utf-8", "valid UTF-8")
    return Encoding(_detect(label, path, bad_utf8_row), "detected")


@cache
def _known_words() -> frozenset[str]:
    """Words a submission may hold that are not plain ASCII as written (province, country
    and code names in the six languages), normalised as the loader matches them: 'Hà Nội'
    is known as 'ha noi', 'ភ្នំពេញ' as itself."""
    fw = framework.load()
    texts: list[str] = []
    for c in fw.countries:
        texts += [c["name"], *c.get("aliases", [])]
        for p in c.get("provinces", []):
            for entry in [p, *p.get("successor_of", [])]:
                texts += [entry.get("name", ""), *entry.get("aliases", [])]
    for table in spec.TABLE_ORDER:
        for col in spec.columns(table):
            if col.list:
                for e in fw.code_list(col.list):
                    texts += [e["label"], *e.get("aliases", [])]
    texts += [*spec.totals_words(), *(n for names in spec.table_names().values() for n in names)]
    return frozenset(norm(t) for t in texts if t and not t.isascii())


def _known_cells(text: str) -> int:
    cells = {c.strip() for c in re.split(r'[,;\t\r\n"|]+', text) if not c.isascii()}
    known = _known_words()
    return sum(norm(c) in known for c in cells)


def _detect(label: str, path: Path, bad_row: int) -> str:
    from charset_normalizer import from_bytes

    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if len(sample) == SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # whole lines: no character cut in two
    readings = {}
    for codec in REGION_CODE_PAGES:
        try:
            readings[codec] = sample.decode(codec)
        except UnicodeDecodeError:
            continue
    if not readings:
        raise FileRefused(
            f"{label}: not UTF-8 text (from row {bad_row}) nor in a code page of the region "
            f"(Thai cp874, Vietnamese cp1258, Chinese GB18030, Western cp1252); {ADVICE}"
        )
    ranked = {
        m.encoding: (i, m.chaos, m.coherence)
        for i, m in enumerate(from_bytes(sample, cp_isolation=list(readings)))
    }
    worst = (len(ranked), 1.0, 0.0)
    known = {c: _known_cells(t) for c, t in readings.items()}
    order = sorted(readings, key=lambda c: (-known[c], ranked.get(c, worst)[0]))
    best = order[0]
    rival = next((c for c in order[1:] if readings[c] != readings[best]), None)
    if rival is not None and known[rival] == known[best]:
        _, chaos_a, coherence_a = ranked.get(best, worst)
        _, chaos_b, coherence_b = ranked.get(rival, worst)
        if abs(chaos_a - chaos_b) < 0.01 and abs(coherence_a - coherence_b) < 0.01:
            raise FileRefused(
                f"{label}: not UTF-8 text (from row {bad_row}), and it reads as well in "
                f"{CODE_PAGE_NAMES[best]} as in {CODE_PAGE_NAMES[rival]}; {ADVICE}"
            )
    return best


def transcode(label: str, path: Path, codec: str, out: Path) -> None:
    """Decode the whole file strictly and write it to out as UTF-8 (line endings kept)."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    row = 1
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                good = exc.object[: exc.start].decode(codec, errors="replace")
                raise FileRefused(
                    f"{label}: row {row + good.count(chr(10))} holds bytes that are not "
                    f"{CODE_PAGE_NAMES.get(codec, codec)} text; {ADVICE}"
                ) from exc
            row += text.count("\n")
            dst.write(text)
        try:
            dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"{label}: the file ends in the middle of a character; {ADVICE}"
            ) from exc
