"""Real agency exports, built from the sample: each loads exactly as the clean sample does,
or is refused with a message naming the file (and sheet), the row and the column. None loads
silently wrong.

Every variant is one way Excel or LibreOffice saves a submission in the region: Vietnamese
"CSV UTF-8" (semicolons, decimal commas), en-US CSV (month first), legacy code pages, Excel's
"Unicode Text", workbooks with merged cells, title rows and sheets named in the six
languages, Thai Buddhist-era dates, month names, currency signs, totals rows. Each is
compared with the clean sample's load table by table (and, for some, mart by mart).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date

from tests.etl.ingest import corpus
from tests.etl.ingest.corpus import (
    copy,
    grouped,
    load,
    local_provinces,
    map_amounts,
    map_dates,
    of_countries,
    published,
    snapshot,
    to_cp1258,
    write_csvs,
    write_workbook,
)

pytestmark = pytest.mark.xdist_group("variants")


@dataclass
class Corpus:
    base: Path
    frames: dict
    reference: dict  # the clean sample's load, table by table
    marts: dict  # its published marts
    subsets: dict = field(default_factory=dict)

    def reference_of(self, countries: set[str]) -> dict:
        """The clean load of the rows of these countries only."""
        key = ",".join(sorted(countries))
        if key not in self.subsets:
            folder = self.base / f"clean-{key}"
            write_csvs(folder / "in", of_countries(self.frames, countries))
            code, out = load([folder / "in"], folder / "wh")
            assert code == 0, out
            self.subsets[key] = snapshot(folder / "wh")
        return self.subsets[key]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Corpus:
    base = tmp_path_factory.mktemp("corpus")
    previous = os.environ.get("GMS_HASH_KEY_FILE")
    os.environ["GMS_HASH_KEY_FILE"] = str(base / "case-key")  # one key: case keys compare
    try:
        frames = corpus.sample_frames(base / "clean")
        code, out = load([base / "clean"], base / "wh-clean", publish=True)
        assert code == 0, out
        reference = snapshot(base / "wh-clean")
        assert reference["quarantine"] == [(0,)] and all(reference[t] for t in corpus.TABLES)
        yield Corpus(base, frames, reference, published(base / "wh-clean"))
    finally:
        if previous is None:
            os.environ.pop("GMS_HASH_KEY_FILE", None)
        else:
            os.environ["GMS_HASH_KEY_FILE"] = previous


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- variants that must load exactly as the clean sample ----------------------------------
def comma_decimals(frames, folder):
    """A decimal comma, no grouping (1234,50), semicolon separated."""
    f = map_amounts(frames, lambda a, r: grouped(a, group="", decimal=","))
    return write_csvs(folder, f, sep=";"), {}, ["decimal comma", "semicolon separated"]


def point_grouping_comma_decimals(frames, folder):
    """400.000,00: the Vietnamese and most of Europe's way."""
    f = map_amounts(frames, lambda a, r: grouped(a, group=".", decimal=","))
    return write_csvs(folder, f, sep=";"), {}, ["decimal comma", "thousands grouped by point"]


def no_break_space_grouping(frames, folder):
    """1 234,50 with a no-break space (French and Russian locales, LibreOffice)."""
    f = map_amounts(frames, lambda a, r: grouped(a, group="\u00a0", decimal=","))
    return write_csvs(folder, f, sep=";"), {}, ["decimal comma", "grouped by space"]


def quoted_comma_decimals(frames, folder):
    """ "1234,50" quoted in a comma separated file."""
    f = map_amounts(frames, lambda a, r: grouped(a, group="", decimal=","))
    return write_csvs(folder, f), {}, ["decimal comma", "comma separated"]


def vietnamese_csv_utf8(frames, folder):
    """Excel's "CSV UTF-8" on a Vietnamese Windows: BOM, semicolons, 1.234,50, day first,
    provinces in Vietnamese."""
    f = local_provinces(frames, {"VN"})
    f = map_amounts(f, lambda a, r: grouped(a, group=".", decimal=","))
    f = map_dates(f, lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}")
    files = write_csvs(folder, f, sep=";", encoding="utf-8-sig")
    return files, {}, ["UTF-8 (byte-order mark)", "semicolon separated", "day/month/year"]


def excel_en_us(frames, folder):
    """Excel's CSV on an en-US Windows: month first, 1,234.50 (quoted)."""
    f = map_amounts(frames, lambda a, r: grouped(a))
    f = map_dates(f, lambda d: f"{d.month}/{d.day}/{d.year}")
    return write_csvs(folder, f), {}, ["month/day/year", "thousands grouped by comma"]


def day_month_dots(frames, folder):
    f = map_dates(frames, lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}")
    return write_csvs(folder, f), {}, ["day/month/year", "can only have its day first"]


def title_rows_csv(frames, folder):
    above = {t: [[f"{t} of the synthetic agencies"], []] for t in corpus.TABLES}
    return write_csvs(folder, frames, above=above), {}, ["header on row 3"]


def excel_sep_line(frames, folder):
    """Excel's "sep=;" first line, which says the separator."""
    files = write_csvs(folder, frames, sep=";", above={t: ["sep=;"] for t in corpus.TABLES})
    return files, {}, ["header on row 2", "semicolon separated"]


def workbook_merged_cells_and_titles(frames, folder):
    folder.mkdir(parents=True)
    merge = {
        "cases": ["agency", "country", "setting", "return_type"],
        "assessments": ["case_ref", "agency"],
        "services": ["case_ref", "agency"],
        "barriers": ["agency"],
        "budgets": ["country", "year"],
    }
    path = write_workbook(folder / "KH-A submission.xlsx", frames, title_rows=True, merge=merge)
    return [path], {}, ["merged ranges read as their value", "header on row 3"]


def workbook_sheets_in_six_languages(frames, folder):
    """Sheets named in Khmer, Vietnamese, Thai, Chinese, and 'Sheet2' (known by its
    header), beside an instructions sheet that is not a table."""
    folder.mkdir(parents=True)
    names = {
        "cases": "ករណី",
        "assessments": "Đánh giá",
        "services": "บริการ",
        "barriers": "Sheet2",
        "budgets": "预算",
    }
    extra = {"Instructions": [["How to fill in this workbook"], ["One row per case"]]}
    path = write_workbook(folder / "submission.xlsx", frames, sheet_names=names, extra_sheets=extra)
    return (
        [path],
        {},
        [
            "table barriers from its header row",
            "table assessments from its sheet name",
            "NOT LOADED submission.xlsx [Instructions]: not a table",
        ],
    )


def excel_unicode_text(frames, folder):
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, tab separated, .txt, in a
    folder with a README that is no table."""
    write_csvs(
        folder, local_provinces(frames, {"KH", "LA", "MM"}), sep="\t", encoding="utf-16",
        suffix=".txt", newline="\r\n",
    )  # fmt: skip
    (folder / "README.txt").write_text("Submission of the synthetic agencies.\nSee cases.\n")
    return [folder], {}, ["UTF-16 (byte-order mark)", "tab separated", "NOT LOADED README.txt"]


def thai_cp874(frames, folder):
    f = local_provinces(frames, {"TH"})
    return write_csvs(folder, f, encoding="cp874"), {}, ["cp874 (Thai) (detected)"]


def vietnamese_cp1258(frames, folder):
    f = local_provinces(frames, {"VN"})
    return write_csvs(folder, f, encoding=to_cp1258), {}, ["cp1258 (Vietnamese) (detected)"]


def chinese_gb18030(frames, folder):
    f = local_provinces(frames, {"CN"})
    return write_csvs(folder, f, encoding="gb18030"), {}, ["GB18030 (Chinese) (detected)"]


def code_page_named_on_the_command_line(frames, folder):
    f = local_provinces(frames, {"TH"})
    files = write_csvs(folder, f, encoding="cp874")
    return files, {"options_encoding": "cp874"}, ["cp874 (Thai) (--encoding)"]


def legacy_text_past_64_kib(frames, folder):
    """The first byte that is not ASCII deep in the file (Thai rows last, after 64 KiB)."""
    f = local_provinces(frames, {"TH"})
    cases = f["cases"]
    cases = cases.assign(_th=cases["country"] == "TH").sort_values("_th", kind="stable")
    f["cases"] = cases.drop(columns="_th").assign(padding="x" * 300)
    files = write_csvs(folder, f, encoding="cp874")
    text = files[0].read_bytes()
    assert files[0].name == "cases.csv" and text[: 64 * 1024].isascii() and not text.isascii()
    return files, {}, ["cp874 (Thai) (detected)", "not read: padding"]


def currency_signs(frames, folder):
    """$1,234.50, ៛1,541,000, 1,234.50 ฿, 1,515,300 ₫, ₭2,000, 1,000 MMK, ¥12.50."""
    signs = {
        "USD": "${}", "KHR": "៛{}", "THB": "{} ฿", "VND": "{} ₫", "LAK": "₭{}",
        "MMK": "{} MMK", "CNY": "¥{}",
    }  # fmt: skip
    f = map_amounts(frames, lambda a, r: signs.get(r["currency"], "{}").format(grouped(a)))
    return write_csvs(folder, f), {}, ["currency signs checked against the currency column"]


def totals_rows(frames, folder):
    """A totals row under each table, labelled in another language each time; the services
    sheet numbers its rows in a column of its own, and its totals row says so there."""
    f = copy(frames)
    words = {"cases": "Total", "assessments": "សរុប", "barriers": "合计"}
    for table, word in words.items():
        blank = dict.fromkeys(f[table].columns, "")
        f[table].loc[len(f[table])] = {**blank, "case_ref": word, "agency": ""}
    s = f["services"]
    s.insert(0, "No.", [str(i) for i in range(1, len(s) + 1)])
    total = sum(Decimal(v) for v in s["cost"] if v)
    s.loc[len(s)] = {**dict.fromkeys(s.columns, ""), "No.": "Total:", "cost": str(total)}
    b = f["budgets"]
    b.loc[len(b)] = {
        **dict.fromkeys(b.columns, ""),
        "country": "Tổng cộng",
        "budgeted": str(sum(Decimal(v) for v in b["budgeted"])),
    }
    return write_csvs(folder, f), {}, ["1 totals row(s) set aside"]


MONTH_NAMES = [
    ("km", "medium"),
    ("lo", "long"),
    ("th", "medium"),
    ("th", "full"),
    ("vi", "long"),
    ("vi", "full"),
    ("my", "long"),
    ("zh", "long"),
    ("en", "medium"),
]


def month_names(locale: str, width: str):
    def build(frames, folder):
        f = map_dates(frames, lambda d: format_date(d, width, locale=locale))
        return write_csvs(folder, f), {}, ["month in words"]

    build.__name__ = f"month_names_{locale}_{width}"
    return build


SAME_AS_CLEAN = [
    comma_decimals,
    point_grouping_comma_decimals,
    no_break_space_grouping,
    quoted_comma_decimals,
    vietnamese_csv_utf8,
    excel_en_us,
    day_month_dots,
    title_rows_csv,
    excel_sep_line,
    workbook_merged_cells_and_titles,
    workbook_sheets_in_six_languages,
    excel_unicode_text,
    thai_cp874,
    vietnamese_cp1258,
    chinese_gb18030,
    code_page_named_on_the_command_line,
    legacy_text_past_64_kib,
    currency_signs,
    totals_rows,
    *(month_names(loc, width) for loc, width in MONTH_NAMES),
]
# the variants whose published marts are compared too (publishing costs a second each)
PUBLISHED_TOO = {"vietnamese_csv_utf8", "workbook_merged_cells_and_titles", "thai_cp874"}


@pytest.mark.parametrize("build", SAME_AS_CLEAN, ids=lambda b: b.__name__)
def test_variant_loads_exactly_as_the_clean_sample(sample, tmp_path, build):
    inputs, options, said = build(sample.frames, tmp_path / "in")
    kwargs = {}
    if "options_encoding" in options:
        from etl.ingest.sources import ReadOptions

        kwargs["options"] = ReadOptions(encoding=options["options_encoding"])
    publish = build.__name__ in PUBLISHED_TOO
    code, out = load(inputs, tmp_path / "wh", publish=publish, **kwargs)
    assert code == 0, out
    got = snapshot(tmp_path / "wh")
    for table in [*corpus.TABLES, "quarantine"]:
        assert got[table] == sample.reference[table], table
    if publish:
        assert published(tmp_path / "wh") == sample.marts
    for fragment in said:  # the summary says how the file was read
        assert fragment in flat(out), fragment


# --- Thai submissions in the Buddhist era -------------------------------------------------
def _buddhist(frames, dates):
    f = map_dates(of_countries(frames, {"TH"}), dates)
    f["budgets"]["year"] = [str(int(y) + 543) for y in f["budgets"]["year"]]
    return f


@pytest.mark.parametrize(
    "write_date",
    [
        lambda d: f"{d.day}/{d.month}/{d.year + 543}",  # Thai Windows' default calendar
        lambda d: f"{format_date(d, 'd MMM', locale='th')} {d.year + 543}",  # 15 ก.ค. 2563
        lambda d: f"{format_date(d, 'd MMMM', locale='th')} พ.ศ. {d.year + 543}",
        lambda d: f"{d.year + 543}-{d.month:02d}-{d.day:02d}",
    ],
    ids=["numbers", "short month", "long month marked", "iso"],
)
def test_buddhist_era_thai_files_load_as_the_common_era(sample, tmp_path, write_date):
    files = write_csvs(tmp_path / "in", _buddhist(sample.frames, write_date))
    code, out = load(files, tmp_path / "wh")
    assert code == 0, out
    assert snapshot(tmp_path / "wh") == sample.reference_of({"TH"})
    assert "Buddhist-era years" in flat(out)


def test_buddhist_era_is_not_read_in_other_countries_files(sample, tmp_path):
    """Cambodia counts the Buddhist era from another year: a Cambodian 2563 is not read as
    2020 but quarantined, and the summary says why."""
    f = of_countries(sample.frames, {"KH"})
    f["cases"]["opened"] = [
        f"{d.day}/{d.month}/{d.year + 543}"
        for d in map(dt.date.fromisoformat, f["cases"]["opened"])
    ]
    code, out = load(write_csvs(tmp_path / "in", {"cases": f["cases"]}), tmp_path / "wh")
    assert code == 0
    assert snapshot(tmp_path / "wh")["cases"] == []
    assert "only when every row is of Thailand" in flat(out)


# --- variants that must be refused, naming file, row and column ---------------------------
def test_two_digit_years_are_refused_asking_for_four(sample, tmp_path):
    f = map_dates(sample.frames, lambda d: d.strftime("%d/%m/%y"))
    files = write_csvs(tmp_path / "in", {"cases": f["cases"]})
    code, out = load(files, tmp_path / "wh")
    first = f["cases"]["opened"][0]
    assert code == 1
    assert f'cases.csv row 2, column "opened": "{first}" has a two-digit year' in flat(out)
    assert "four digits" in out
    assert not (tmp_path / "wh" / "warehouse.duckdb").exists()


def test_two_digit_years_in_a_workbook_name_the_sheet(sample, tmp_path):
    f = map_dates(sample.frames, lambda d: d.strftime("%d/%m/%y"))
    (tmp_path / "in").mkdir()
    path = write_workbook(
        tmp_path / "in" / "book.xlsx", {"cases": f["cases"]}, title_rows=True, text_dates=True
    )
    code, out = load([path], tmp_path / "wh")
    assert code == 1
    assert 'book.xlsx [cases] row 4, column "opened"' in flat(out) and "two-digit year" in out


def _khmer_cp1252(frames, folder, *, refs: bool = False):
    """Khmer saved as "CSV (Comma delimited)" on an English Windows: every letter a '?'."""
    f = copy(frames) if refs else local_provinces(frames, {"KH"})
    if refs:
        khmer = f["cases"]["country"] == "KH"
        f["cases"].loc[khmer, "case_ref"] = [f"ក-{i:04d}" for i in range(khmer.sum())]
    return f, write_csvs(
        folder, {"cases": f["cases"]}, encoding=lambda t: t.encode("cp1252", errors="replace")
    )


@pytest.mark.parametrize("refs", [False, True], ids=["provinces", "case references"])
def test_text_lost_to_question_marks_is_refused_with_what_to_send(sample, tmp_path, refs):
    f, files = _khmer_cp1252(sample.frames, tmp_path / "in", refs=refs)
    row = int((f["cases"]["country"] == "KH").idxmax()) + 2
    column = "case_ref" if refs else "province"
    code, out = load(files, tmp_path / "wh")
    text = flat(out)
    assert code == 1
    assert f'cases.csv row {row}, column "{column}"' in text
    assert "'?' where letters were" in text and "CSV UTF-8" in text


def test_amounts_disagreeing_on_the_decimal_mark_are_refused_then_decided(sample, tmp_path):
    """16,95 has a decimal comma, 1,515,300 groups thousands by commas: one of them would be
    read wrong whichever way the file is read. Refused; --decimal , decides."""

    def write(a, r):
        return (
            grouped(a, cents=False) if a == a.to_integral() else grouped(a, group="", decimal=",")
        )

    f = map_amounts(sample.frames, write)
    files = write_csvs(tmp_path / "in", {"cases": f["cases"], "services": f["services"]}, sep=";")
    code, out = load(files, tmp_path / "wh")
    text = flat(out)
    assert code == 1
    assert re.search(r'services\.csv: the amounts disagree on the decimal mark: "[\d,]+" '
                     r'\(column "cost", row \d+\) has a decimal comma, "[\d,]+" \(column "cost", '
                     r"row \d+\) thousands grouped by a comma", text), text  # fmt: skip
    assert "--decimal ," in text
    from etl.ingest.sources import ReadOptions

    code, out = load(files, tmp_path / "wh2", options=ReadOptions(decimal=","))
    assert code == 0
    grouped_rows = sum(1 for v in f["services"]["cost"] if re.fullmatch(r"\d{1,3}(,\d{3})+", v))
    assert grouped_rows and f"invalid_amount {grouped_rows:,}" in flat(out)


def test_dates_disagreeing_on_day_and_month_are_refused_then_decided(sample, tmp_path):
    f = copy(sample.frames)
    cases = f["cases"]
    cases["opened"] = [
        f"{d.day}/{d.month}/{d.year}" for d in map(dt.date.fromisoformat, cases["opened"])
    ]
    cases["closed"] = [
        f"{d.month}/{d.day}/{d.year}" if v else ""
        for v, d in ((v, dt.date.fromisoformat(v) if v else None) for v in cases["closed"])
    ]
    files = write_csvs(tmp_path / "in", {"cases": cases})
    code, out = load(files, tmp_path / "wh")
    text = flat(out)
    assert code == 1
    assert re.search(r'\(column "opened", row \d+\) can only be day/month/year, "[\d/]+" '
                     r'\(column "closed", row \d+\) only month/day/year', text), text  # fmt: skip
    assert "--date-order DMY" in text
    from etl.ingest.sources import ReadOptions

    code, out = load(files, tmp_path / "wh2", options=ReadOptions(date_order="DMY"))
    assert code == 0 and "as --date-order says" in flat(out) and "invalid_date" in out


def test_a_currency_sign_that_disagrees_is_quarantined_not_converted(sample, tmp_path):
    f = map_amounts(sample.frames, lambda a, r: f"${grouped(a)}")  # dollars on every row
    files = write_csvs(tmp_path / "in", {"cases": f["cases"], "services": f["services"]})
    code, out = load(files, tmp_path / "wh")
    assert code == 0
    other = sum(
        1
        for c, v in zip(f["services"]["currency"], f["services"]["cost"], strict=True)
        if v and c != "USD"
    )
    assert other and f"currency_disagrees {other:,}" in flat(out)
    import duckdb

    from reference import paths

    con = duckdb.connect(str(paths.warehouse_db(tmp_path / "wh")), read_only=True)
    [(message,)] = con.execute(
        "SELECT message FROM quarantine WHERE reason = 'currency_disagrees' ORDER BY row_number LIMIT 1"
    ).fetchall()
    con.close()
    assert re.fullmatch(
        r'services\.csv row \d+, column "cost": "\$[\d,.]+" is in USD but the row\'s currency is [A-Z]{3}',
        message,
    )
