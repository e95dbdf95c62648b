"""The dashboard's entry point and router: `streamlit run dashboard/app.py` (make run).

Every run: choose the language, register the pages listed in data/reference/dashboard.yaml
(pages/<key>.py), show the synthetic-data banner when the published data is synthetic,
draw the shared sidebar filters, run the chosen page, then write the filters into the link.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import config, filters, ui  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.queries import meta as meta_q  # noqa: E402

log = logging.getLogger("dashboard")

filters.begin_run()
filters.init_language()
st.set_page_config(page_title=t("app.title"), page_icon=":material/diversity_3:", layout="wide")

pages = [
    st.Page(
        spec.path,
        title=t(f"page.{spec.key}.title"),
        icon=spec.icon,
        url_path=spec.key,
        default=(i == 0),
    )
    for i, spec in enumerate(config.settings().pages)
    if spec.path.is_file()
]
navigation = st.navigation(pages)

opts = None
try:
    filters.language_picker()
    published = ui.published()
    if published.exists():
        info = ui.meta_info()
        if meta_q.is_synthetic(info):
            ui.synthetic_banner()
        opts = ui.options()
        if opts.quarters:
            filters.sidebar(opts)
        if info.get("as_of"):
            st.sidebar.caption(t("app.as_of", as_of=info["as_of"]))
except Exception:  # the page itself will say what is wrong, in plain words
    log.exception("sidebar failed")
    opts = None

navigation.run()

try:
    filters.write_link(opts)
except Exception:
    log.exception("could not update the link")
