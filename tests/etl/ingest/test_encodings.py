"""Which encoding a text file is read in, and the UTF-8 copy of a file in another one."""

from __future__ import annotations

import codecs

import pytest

from etl.ingest import encodings
from etl.ingest.errors import FileRefused
from etl.ingest.sources import file_digest

HEADER = "case_ref,agency,country,province,sex,age,form,opened\n"


def decide(tmp_path, data: bytes, forced=None):
    path = tmp_path / "cases.csv"
    path.write_bytes(data)
    bad_row = file_digest(path, count_lines=True, check_utf8=True)[2]
    return encodings.decide("cases.csv", path, data[: 64 * 1024], bad_row, forced)


@pytest.mark.parametrize(
    ("data", "codec", "how"),
    [
        (HEADER.encode(), "utf-8", "valid UTF-8"),
        ((HEADER + "R1,A,KH,ភ្នំពេញ,f,1,labour,2020-01-01\n").encode(), "utf-8", "valid UTF-8"),
        (codecs.BOM_UTF8 + HEADER.encode(), "utf-8-sig", "byte-order mark"),
        (HEADER.encode("utf-16"), "utf-16", "byte-order mark"),
        (codecs.BOM_UTF16_BE + HEADER.encode("utf-16-be"), "utf-16", "byte-order mark"),
        (HEADER.encode("utf-16-le"), "utf-16-le", "detected"),  # no mark: the zero bytes tell
    ],
)
def test_utf_8_and_utf_16_are_known_without_guessing(tmp_path, data, codec, how):
    assert decide(tmp_path, data) == encodings.Encoding(codec, how)


@pytest.mark.parametrize(
    ("province", "codec"),
    [
        ("กรุงเทพมหานคร", "cp874"),
        ("北京", "gb18030"),
        ("上海市", "gb18030"),
        ("Kratié", "cp1252"),
    ],
)
def test_one_row_in_a_code_page_of_the_region_is_enough(tmp_path, province, codec):
    """The province names the framework knows settle what charset-normalizer alone could not
    on a single short row (Thai and Chinese bytes both decode in the other's code page)."""
    data = (HEADER + f"R1,A,KH,{province},f,1,labour,2020-01-01\n").encode(codec)
    assert decide(tmp_path, data) == encodings.Encoding(codec, "detected")


def test_two_readings_that_nothing_tells_apart_are_refused(tmp_path):
    """Two bytes that are Thai letters in cp874, Latin ones in cp1252, no known word."""
    data = (HEADER + "R1,A,KH,").encode() + b"\xe0\xe1,f,1,labour,2020-01-01\n"
    with pytest.raises(FileRefused, match=r"reads as well in .* as in .*--encoding"):
        decide(tmp_path, data)


def test_the_encoding_named_on_the_command_line_wins(tmp_path):
    data = (HEADER + "R1,A,TH,กรุงเทพมหานคร,f,1,labour,2020-01-01\n").encode("cp874")
    assert decide(tmp_path, data, forced="CP874") == encodings.Encoding("cp874", "--encoding")
    with pytest.raises(FileRefused, match="not an encoding"):
        decide(tmp_path, data, forced="klingon")
    with pytest.raises(FileRefused, match="row 2 is not UTF-8"):
        decide(tmp_path, data, forced="utf-8")


def test_the_row_of_the_first_byte_that_is_not_utf_8_is_exact_past_64_kib(tmp_path):
    """The chunk boundary (1 MiB) and the 64 KiB head do not shift the row."""
    rows = [f"R{i},A,KH,Kampot,f,1,labour,2020-01-01\n" for i in range(60_000)]
    data = (HEADER + "".join(rows)).encode() + b"R,A,KH,\xff,f,1,labour,2020-01-01\n"
    path = tmp_path / "cases.csv"
    path.write_bytes(data)
    assert len(data) > 2 << 20
    assert file_digest(path, count_lines=True, check_utf8=True)[2] == 60_002


def test_a_character_cut_by_the_chunk_boundary_is_still_utf_8(tmp_path):
    text = HEADER + "x" * ((1 << 20) - len(HEADER) - 1) + "ភ្នំ\n"
    path = tmp_path / "cases.csv"
    path.write_bytes(text.encode())
    assert file_digest(path, check_utf8=True)[2] is None


def test_transcoding_keeps_every_line_and_refuses_a_bad_byte_naming_its_row(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    text = HEADER + "R1,A,TH,กรุงเทพมหานคร,f,1,labour,2020-01-01\r\n"
    src.write_bytes(text.encode("cp874"))
    encodings.transcode("in.csv", src, "cp874", out)
    assert out.read_bytes() == text.encode()
    src.write_bytes(text.encode("cp874") + b"R2,A,TH,\xfc,f,1,labour,2020-01-01\n")
    with pytest.raises(FileRefused, match="in.csv: row 3 holds bytes that are not cp874"):
        encodings.transcode("in.csv", src, "cp874", out)


def test_the_summary_names_the_encoding_and_how_it_was_known():
    assert encodings.Encoding("utf-8", "valid UTF-8").describe() == "UTF-8"
    assert encodings.Encoding("cp874", "detected").describe() == "cp874 (Thai) (detected)"
    assert encodings.Encoding("utf-16", "byte-order mark").describe() == "UTF-16 (byte-order mark)"
