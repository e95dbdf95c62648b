"""Sign-in: the Streamlit side of dashboard/access.py.

Only the signed-in user's name is kept in the session; their role and countries are read
again from the secrets on every run, so removing a user or changing a role takes effect
on their next click.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import access, config, filters, i18n
from dashboard.i18n import t

log = logging.getLogger(__name__)
USER_KEY = "_signed_in_as"
_RUN_USER = "_user_this_run"  # the User current_user() resolved in this run


def _entries() -> dict[str, Any]:
    """The [users] table of the secrets; {} when there is no secrets file or no such table.

    Raises AccessConfigError when a secrets file exists but cannot be read: a broken file
    must close the dashboard, not open it as if no users were set up."""
    try:
        found = st.secrets.get("users") or {}
    except Exception as exc:  # Streamlit raises both for no file and for a broken one
        files = [Path(p) for p in st.get_option("secrets.files")]
        broken = [str(p) for p in files if p.is_file()]
        if broken:
            raise access.AccessConfigError(
                f"{', '.join(broken)} could not be read ({exc})"
            ) from exc
        return {}
    return {str(name): dict(entry) for name, entry in found.items()}


def current_user(*, real_data: bool) -> access.User | None:
    """The user of this session. None when nobody may see anything yet: the sign-in form or
    a message saying why has been drawn, and the caller stops.

    real_data: whether the published data holds any real agency's case data; without users,
    the dashboard is open only when it does not."""
    st.session_state[_RUN_USER] = None  # stays None if the form reruns or stops the script
    user = _resolve(real_data)
    st.session_state[_RUN_USER] = user
    return user


def _resolve(real_data: bool) -> access.User | None:
    try:
        entries = _entries()
        known = access.users(entries)  # a mistyped entry closes the dashboard, saying which
    except access.AccessConfigError as exc:
        st.error(t("access.misconfigured", problem=str(exc)), icon=":material/lock:")
        return None
    if not entries:
        if real_data:
            st.error(t("access.no_users"), icon=":material/lock:")
            return None
        st.sidebar.caption(t("access.open"))
        return access.open_user()
    name = st.session_state.get(USER_KEY)
    if name in known:
        return known[name]
    st.session_state.pop(USER_KEY, None)
    _gate(entries)
    return None


def _gate(entries: dict[str, Any]) -> None:
    """The sign-in form, served at every page's link: a bookmarked or shared link to a page
    keeps its path (and parameters) through sign-in and opens that page afterwards, if the
    user's role has it."""
    specs = config.settings().pages
    paths = ["", *(spec.key for spec in specs)]  # "/" and each page, the first one's too
    pages = [
        st.Page(lambda: _form(entries), title=t("access.title"), url_path=path, default=not path)
        for path in paths
    ]
    st.navigation(pages, position="hidden").run()


def _form(entries: dict[str, Any]) -> None:
    st.title(t("app.title"))
    st.caption(t("access.intro"))
    with st.form("sign_in"):
        name = st.text_input(t("access.name"), key="sign_in_name")
        password = st.text_input(t("access.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("access.submit"))
    if submitted:
        user = access.sign_in(entries, name, password)
        if user is None:
            log.warning("failed sign-in for %r", name[:40])
            st.error(t("access.wrong"), icon=":material/lock:")
            return
        st.session_state[USER_KEY] = user.name
        filters.prefer_language(user.language)  # unless the link or the picker chose one
        st.rerun()


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)


def run_user() -> access.User:
    """This run's user, as current_user() resolved them at the start of the run."""
    user = st.session_state.get(_RUN_USER)
    if user is None:
        raise PermissionError("nobody is signed in")  # fail closed, never open
    return user


def scope() -> tuple[str, ...] | None:
    """The countries this run's user may see (None for every country)."""
    return run_user().scope


def user_box(user: access.User) -> None:
    """Who is signed in, their countries, and the sign-out button (sidebar)."""
    if not user.name:
        return
    with st.sidebar:
        st.caption(t("access.signed_in", name=user.name, role=t(f"access.role.{user.role.key}")))
        if user.countries:
            names = ", ".join(i18n.label("country", c) for c in user.countries)
            st.caption(t("access.countries", countries=names))
        st.button(t("access.sign_out"), on_click=sign_out, key="sign_out")
