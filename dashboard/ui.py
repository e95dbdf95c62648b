"""Streamlit building blocks shared by the pages: the cached connection, the page wrapper
(title, plain messages instead of tracebacks), key figures, chart_block() (chart, a
one-line reading, the same numbers as a table, CSV and Excel downloads), and what every
run needs for accessibility (accessibility(): the page's language, the charts' names, the
focus ring; README, Accessibility).

A page is a script pages/<key>.py that defines body(ctx) and ends with
`ui.run_page("<key>", body)`; see pages/overview.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import audit, charts, config, db, filters, fonts, i18n, signin, tables
from dashboard.i18n import t
from dashboard.protect import k_value
from dashboard.queries import base, population
from dashboard.queries import meta as meta_q
from dashboard.queries.meta import Options
from dashboard.queries.selection import Selection

log = logging.getLogger(__name__)

PAGE_KEY = "_page_this_run"  # the page being drawn (the audit trail records downloads by page)
STATIC_TABLE = "static_table"  # container key prefix (CSS class st-key-static_table_<name>)
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
SECTION_KEY = "_section_this_run"  # the last section title drawn: the next chart's name
CHART_BLOCK = "chart_block"  # container key prefix of a chart with its reading and table
A11Y_NAME = "a11y_name"  # layout.meta key: the chart's accessible name (its title)
A11Y_MARK = "gms-a11y"  # class of the hidden element that carries the CSS and script below


# --- data access --------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _published(path: str) -> db.Published:
    return db.Published(Path(path))


def published() -> db.Published:
    """The one read-only connection (per file path), shared by every session."""
    return _published(str(config.published_path()))


def _cut(
    countries: tuple[str, ...] | None, *, exact_records: bool = False, geography: str = "province"
) -> db.Scoped:
    return db.Scoped(published(), countries, exact_records=exact_records, geography=geography)


def database() -> db.Scoped:
    """The published database as the signed-in user may see it: their countries only, at
    their role's finest geography, with exact record counts for a role that may see them."""
    user = signin.run_user()
    return _cut(user.scope, exact_records=user.role.exact_records, geography=user.role.geography)


@st.cache_data(show_spinner=False, max_entries=16)
def _options(
    path: str, version: tuple, countries: tuple[str, ...] | None, geography: str
) -> Options:
    return meta_q.options(_cut(countries, geography=geography), countries, geography=geography)


@st.cache_data(show_spinner=False, max_entries=16)
def _meta(path: str, version: tuple, countries: tuple[str, ...] | None) -> dict[str, str]:
    return meta_q.meta(_cut(countries))


def options() -> Options:
    """The sidebar's choices, from the data the signed-in user may see."""
    pub = published()
    user = signin.run_user()
    return _options(str(pub.path), pub.version(), user.scope, user.role.geography)


def meta_info(*, whole_file: bool = False) -> dict[str, str]:
    """What the published file says about itself, as the signed-in user may be told (their
    countries' flags only); whole_file: the file's own flags, before anyone signs in (they
    decide whether sign-in is needed)."""
    pub = published()
    return _meta(str(pub.path), pub.version(), None if whole_file else signin.scope())


# --- messages -----------------------------------------------------------------------------


def data_missing() -> None:
    st.info(t("data.missing", path=str(config.published_path())), icon=":material/info:")


def synthetic_banner(*, mixed: bool = False) -> None:
    """mixed: real agencies' data is published beside the synthetic sample."""
    st.warning(t("banner.mixed" if mixed else "banner.synthetic"), icon=":material/science:")


# --- accessibility ------------------------------------------------------------------------

# WCAG 2.1 AA rules the theme (.streamlit/config.toml) has no option for, injected once per
# run by accessibility(). {ring} is the theme's primary colour, {faded} the text colour at
# the 60% opacity of Streamlit's captions (4.7:1 on the sidebar), {placeholder} at the 70%
# of its placeholders.
ACCESSIBILITY_CSS = """
/* the element that carries this style and the script takes no room */
.stElementContainer:has(.{mark}) {{ display: none; }}
/* 1.4.3: Streamlit draws a disabled widget's label and placeholder (the province list
   before a country is chosen: "Choose a country first") at 40% of the text colour,
   2.3:1; no theme option reaches them: the label as a caption, the placeholder as an
   enabled one (70%, 6.5:1 on the drop-down's #f1f0ee) */
[data-testid="stWidgetLabel"][disabled] {{ color: {faded}; }}
.stApp input:disabled::placeholder {{ color: {placeholder}; }}
/* 2.4.7 and 1.4.11: one focus ring, 3:1 or more on every background, wherever the
   keyboard is (Streamlit's own is a half-transparent shadow, 2.3:1, and some controls,
   the menu's page links and the drop-downs, show none) */
.stApp :focus-visible {{ outline: 2px solid {ring} !important; outline-offset: 2px; }}
/* the boxes that scroll (the page, a table's grid) take the focus too: ringed inside */
.stApp :is([data-testid="stMain"], .dvn-scroller):focus-visible {{ outline-offset: -2px; }}
/* a drop-down's box and a radio's or a switch's label are ringed, not their inputs */
.stApp input[role="combobox"]:focus-visible {{ outline: none !important; }}
.stApp [role="group"]:has(input[role="combobox"]:focus-visible),
.stApp [data-testid="stRadioOption"]:has(input:focus-visible),
.stApp [data-testid="stCheckbox"] label:has(input:focus-visible) {{
  outline: 2px solid {ring}; outline-offset: 2px; border-radius: 0.5rem;
}}
/* 2.4.7: controls that are invisible until hovered are shown while they have focus:
   the headings' link icons and the charts' tool bar */
[data-testid="stHeaderActionElements"] a:focus-visible {{
  opacity: 1 !important; transition: none !important;
}}
.js-plotly-plot .plotly .modebar--hover:focus-within > :not(.watermark) {{ opacity: 1; }}
"""

# Every run: the page's language (WCAG 3.1.1: a screen reader reads Khmer with a Khmer
# voice); Streamlit's page says lang="en" whatever is shown. Once per browser tab: an
# observer that gives every chart drawn by chart_block() its accessible name (1.1.1): the
# chart's box becomes a figure named by its title (layout.meta.a11y_name) and described
# by the reading line under it; plotly's drawing (axis ticks, hover layers) is hidden from
# screen readers, which find the same numbers in the table just after it. The tool bar's
# labels are plotly's English: marked so (3.1.2).
ACCESSIBILITY_JS = """
(() => {
  document.documentElement.lang = %(lang)s;
  if (window.gmsAccessibility) { window.gmsAccessibility(); return; }
  let readings = 0, pending = false;
  const label = () => {
    document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((box) => {
      const gd = box.querySelector('.js-plotly-plot');
      const meta = gd && gd.layout && gd.layout.meta;
      const name = meta && meta[%(name_key)s];
      if (!name) return;
      if (box.getAttribute('role') !== 'figure') box.setAttribute('role', 'figure');
      if (box.getAttribute('aria-label') !== name) box.setAttribute('aria-label', name);
      box.querySelectorAll('svg.main-svg:not([aria-hidden])')
        .forEach((svg) => svg.setAttribute('aria-hidden', 'true'));
      const bar = box.querySelector('.modebar-container');
      if (bar && bar.lang !== 'en') bar.lang = 'en';
      const block = box.closest('[class*="st-key-%(block)s_"]');
      const reading = block && block.querySelector('[data-testid="stCaptionContainer"]');
      if (reading) {
        if (!reading.id) reading.id = 'gms-reading-' + (++readings);
        if (box.getAttribute('aria-describedby') !== reading.id)
          box.setAttribute('aria-describedby', reading.id);
      }
    });
  };
  window.gmsAccessibility = label;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; label(); });
  }).observe(document.body, {childList: true, subtree: true});
  label();
})();
"""


def _rgba(colour: str, alpha: float) -> str:
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def accessibility() -> None:
    """Once per run, before anything else is drawn: the page's language, the charts'
    accessible names and the rules of ACCESSIBILITY_CSS (README, Accessibility). One
    hidden element (st.html runs its script in the page itself, not in an iframe)."""
    text = st.get_option("theme.textColor") or "#141312"
    css = ACCESSIBILITY_CSS.format(
        mark=A11Y_MARK,
        ring=st.get_option("theme.primaryColor") or "#1f5f8b",
        faded=_rgba(text, 0.6),
        placeholder=_rgba(text, 0.7),
    )
    script = ACCESSIBILITY_JS % {
        "lang": json.dumps(i18n.get_locale()),
        "name_key": json.dumps(A11Y_NAME),
        "block": CHART_BLOCK,
    }
    st.html(
        f'<style>{css}</style><span class="{A11Y_MARK}"></span><script>{script}</script>',
        unsafe_allow_javascript=True,
    )


# --- pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageContext:
    db: db.Published | None
    sel: Selection | None
    options: Options | None
    meta: dict[str, str]


def run_page(
    key: str,
    body: Callable[[PageContext], None],
    *,
    needs_data: bool = True,
    scope: Callable[[Selection], Selection] | None = None,
    small_selections: bool = False,
) -> None:
    """Title and introduction, then body(ctx); any failure becomes a plain message.

    scope: how this page narrows the sidebar selection (e.g. the country comparison drops
    the country filter); the "Showing:" line and ctx.sel follow it.
    small_selections: the page shows a selection of fewer than k cases (every figure about
    cases is protected on its own; the budget page's lines are not about cases); otherwise
    it says that nothing is shown."""
    st.session_state[PAGE_KEY] = key
    st.session_state[SECTION_KEY] = t(f"page.{key}.title")
    st.title(t(f"page.{key}.title"))
    intro = f"page.{key}.intro"
    if i18n.has(intro):
        st.caption(t(intro))
    try:
        pub = database()
        if not pub.exists():
            if needs_data:
                data_missing()
                return
            body(PageContext(db=None, sel=None, options=None, meta={}))
            return
        opts = options()
        if needs_data and not opts.quarters:
            st.info(t("data.empty"), icon=":material/info:")
            return
        sel = filters.current(opts) if opts.quarters else None
        if sel is not None and scope is not None:
            sel = scope(sel)
        if sel is not None and needs_data:
            st.caption(t("filters.showing", what=filters.describe(sel)))
            if signin.run_user().role.geography == "country" and "province" in st.query_params:
                st.info(t("access.geography_note"), icon=":material/info:")
            if not small_selections and 0 < population.cases(pub, sel) < k_value():
                st.info(t("data.small_selection", k=k_value()), icon=":material/shield:")
                return
            st.caption(t("data.adjusted"))
        body(PageContext(db=pub, sel=sel, options=opts, meta=meta_info()))
    except db.DataMissing:
        data_missing()
    except base.DataOutdated:
        st.error(t("data.outdated"), icon=":material/error:")
    except db.DataUnreadable:
        log.exception("published database unreadable")
        st.error(t("error.unreadable"), icon=":material/error:")
    except Exception:
        log.exception("page %s failed", key)
        st.error(t("error.generic"), icon=":material/error:")


# --- figures ------------------------------------------------------------------------------


def kpis(df: pd.DataFrame, columns: int = 3) -> None:
    """st.metric for each row of dashboard.queries.caseload.kpis()."""
    cols = st.columns(columns)
    for i, row in enumerate(df.itertuples(index=False)):
        help_text = "\n\n".join(
            [t(f"kpi.{row.kpi}.help"), t("kpi.cases_behind", n=row.n_label), row.delta_note]
        )
        delta = row.delta_label if isinstance(row.delta_label, str) and row.delta_label else None
        cols[i % columns].metric(
            t(f"kpi.{row.kpi}.label"),
            row.value_label,
            delta=delta,
            delta_color=row.delta_color,
            delta_arrow="off" if row.delta_zero else "auto",  # no change: no arrow
            help=help_text,
            border=True,
        )


def _audited(make: Callable[[], bytes], file_name: str, rows: int) -> Callable[[], bytes]:
    """The download's contents, recording who took them when they are asked for (Streamlit
    calls this when the button is clicked, in a thread of its own: what it records is
    captured now, while this run knows the user, the page and the filters)."""
    user = signin.run_user()
    page = st.session_state.get(PAGE_KEY)
    chosen = filters.chosen()

    def make_and_record() -> bytes:
        data = make()
        audit.trail().record(
            "download", user=user.name or None, role=user.role.key, page=page,
            filters=chosen, file=file_name, rows=rows,
        )  # fmt: skip
        return data

    return make_and_record


def downloads(table: pd.DataFrame, name: str, *, note: str | None = None) -> None:
    """CSV and Excel of exactly the table shown (protected values as "<10"); each download is
    written to the audit trail."""
    tables.require_view(table)
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    note = note or t("download.note", k=k_value())
    font = fonts.spreadsheet_font(i18n.get_locale())  # now: the file is made after the run
    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(
        t("download.csv"),
        data=_audited(lambda: tables.to_csv(table), f"{stem}.csv", len(table)),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"dl_csv_{stem}",
        on_click="ignore",
        icon=":material/download:",
    )
    xlsx_col.download_button(
        t("download.excel"),
        data=_audited(
            lambda: tables.to_excel(table, sheet=stem, note=note, font=font),
            f"{stem}.xlsx",
            len(table),
        ),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{stem}",
        on_click="ignore",
        icon=":material/download:",
    )


def table_block(
    table: pd.DataFrame,
    download_name: str,
    *,
    caption: str | None = None,
    static: bool = False,
    break_anywhere: Sequence[str] = (),
) -> None:
    """A table with its downloads. static=True draws a plain table whose long cells wrap
    (nothing is cut off) instead of the scrolling, sortable one; break_anywhere names its
    columns of long unbroken text (a SHA-256) that may wrap between any two characters,
    so that they do not squeeze the other columns."""
    tables.require_view(table)
    if static:
        key = f"{STATIC_TABLE}_{download_name}"
        columns = list(table.columns)
        rules = [
            f".st-key-{key} td:nth-child({columns.index(c) + 1}) p "
            "{ overflow-wrap: anywhere !important; }"
            for c in break_anywhere
            if c in columns
        ]
        if rules:
            st.html(f"<style>{' '.join(rules)}</style>")
        with st.container(key=key):
            st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch")
    if caption:
        st.caption(caption)
    downloads(table, download_name)


def chart_block(
    fig: go.Figure,
    table: pd.DataFrame,
    reading: str,
    download_name: str,
    *,
    note: str | None = None,
    title: str | None = None,
) -> None:
    """The chart; under it one plain sentence saying what it shows; then the same numbers as
    a table (in an expander) with CSV and Excel downloads of exactly that table.

    title: the chart's accessible name (what a screen reader announces for it, with the
    reading as its description); by default the title of the section it is drawn in."""
    tables.require_view(table)
    charts.name_hidden(fig, t("chart.hidden_note", k=k_value()))
    name = title or st.session_state.get(SECTION_KEY) or ""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(meta={**meta, A11Y_NAME: name})
    with st.container(key=f"{CHART_BLOCK}_{download_name}"):
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=f"chart_{download_name}")
        st.caption(reading)
        if note:
            st.caption(note)
        with st.expander(t("table.show"), icon=":material/table:"):
            table_block(table, download_name)


def text_table(rows: list[dict[str, str]]) -> None:
    """A table of text that is not figures from the data (the audit trail), as it is."""
    st.dataframe(pd.DataFrame(rows, dtype=str), hide_index=True, width="stretch")


def warn(text: str) -> None:
    st.warning(text, icon=":material/warning:")


def reference_table(df: pd.DataFrame) -> None:
    """A table of reference text (the framework), not of figures from the data."""
    if any(pd.api.types.is_numeric_dtype(df[c]) for c in df.columns):
        raise ValueError("reference tables hold text only; figures go through tables.view()")
    st.table(df, hide_index=True)  # static: long descriptions wrap


def section(title: str, text: str | None = None) -> None:
    """A titled section; its title names the charts drawn in it (chart_block)."""
    st.session_state[SECTION_KEY] = title
    st.subheader(title)
    if text:
        st.markdown(text)


def columns(spec: int | list[float]) -> list:
    return st.columns(spec)


def map_height() -> int:
    return config.settings().map_height


def reading(text: str) -> None:
    """One plain sentence saying what the figures above show."""
    st.caption(text)


def no_rows(message_key: str = "data.no_rows") -> None:
    st.info(t(message_key), icon=":material/info:")
