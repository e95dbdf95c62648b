"""The dashboard's entry point and router: `streamlit run dashboard/app.py` (make run).

Every run: choose the language (link, picker, the signed-in user's, the browser's: see
dashboard/filters.py) and tell the page (<html lang>, ui.accessibility()), sign the user in
(dashboard/signin.py; sign-in is off only while no users are set up and no real agency's
case data is published), register the pages of data/reference/dashboard.yaml that the
user's role may open (pages/<key>.py), show the synthetic-data banner when the published
data is synthetic, draw the shared sidebar filters (on the pages that use them), run the
chosen page, then write the filters into the link.

The first page is the default, served at "/". Its own link ("/overview") is registered as
a hidden alias that switches to "/" with the same link parameters, so a bookmarked or typed
/overview never shows Streamlit's "Page not found".

The tab icon is dashboard/static/favicon.svg, which Streamlit sends as a data URI: a
":material/...:" page_icon would make the browser fetch it from fonts.gstatic.com.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

_PROJECT = str(Path(__file__).resolve().parent.parent)
if _PROJECT not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, _PROJECT)

import streamlit as st  # noqa: E402

from dashboard import config, filters, formats, signin, ui  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.queries import meta as meta_q  # noqa: E402

log = logging.getLogger("dashboard")
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.svg"

filters.begin_run()
filters.init_language()
st.set_page_config(page_title=t("app.title"), page_icon=str(FAVICON), layout="wide")
ui.accessibility()  # the page's language, the charts' names, the focus ring

try:
    filters.language_picker()
    published = ui.published()
    whole = ui.meta_info(whole_file=True) if published.exists() else {}
    real = bool(whole) and meta_q.has_real_case_data(whole)  # nothing published: nothing to hide
except Exception:  # without knowing what the file holds, show nothing
    log.exception("published database unreadable")
    st.error(t("error.unreadable"), icon=":material/error:")
    st.stop()

user = signin.current_user(real_data=real)
if user is None:  # the sign-in form, or a message saying why the dashboard is closed
    st.stop()

specs = [spec for spec in config.settings().pages if spec.path.is_file() and user.may_see(spec.key)]
pages = [
    st.Page(
        spec.path,
        title=t(f"page.{spec.key}.title"),
        icon=spec.icon,
        url_path="" if i == 0 else spec.key,
        default=(i == 0),
    )
    for i, spec in enumerate(specs)
]
# "/<first key>" (e.g. /overview): hidden from the menu, it switches to the default page.
alias = st.Page(
    specs[0].path, title=t(f"page.{specs[0].key}.title"), url_path=specs[0].key, visibility="hidden"
)
navigation = st.navigation([*pages, alias])
if navigation is alias:
    filters.keep()
    st.switch_page(pages[0], query_params=filters.link_items())
spec = next(s for s, p in zip(specs, pages, strict=True) if p is navigation)

signin.user_box(user)
opts = None
try:
    if published.exists():
        info = ui.meta_info()  # about the user's countries only
        if meta_q.is_synthetic(info):
            ui.synthetic_banner(mixed=meta_q.has_real_case_data(info))
        opts = ui.options()
        if opts.quarters and spec.filters:
            filters.sidebar(opts)
        elif opts.quarters:
            filters.keep()  # the filters keep their values for the next page
        if info.get("as_of"):
            st.sidebar.caption(t("app.as_of", as_of=formats.date(info["as_of"])))
except Exception:  # the page itself will say what is wrong, in plain words
    log.exception("sidebar failed")
    opts = None

navigation.run()

try:
    filters.write_link(opts)
except Exception:
    log.exception("could not update the link")
