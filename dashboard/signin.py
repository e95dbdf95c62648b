"""Sign-in: the Streamlit side of dashboard/access.py.

Three ways in, decided by the secrets:
- users with passwords ([users.<name>], python -m dashboard.users): the dashboard's own form,
  with attempts slowed and then refused after failures (dashboard/sign_in_limits.py);
- an identity provider (an [auth] section: Streamlit's st.login, OpenID Connect), its users
  mapped to roles in [identities."<e-mail or subject>"];
- neither, over synthetic data only: open, as the data team or whichever role the visitor
  chooses to "view as" (demo mode). Real data without users stays closed.

Only the signed-in user's name is kept in the session; their role and countries are read
again from the secrets on every run, so removing a user or changing a role takes effect on
their next click. Sessions end after an idle time and a maximum age. Every sign-in, failed
sign-in, refusal, sign-out and expiry is written to the audit trail (dashboard/audit.py).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import access, audit, config, filters, i18n
from dashboard.i18n import t
from dashboard.sign_in_limits import Policy, Throttle, expired

log = logging.getLogger(__name__)
USER_KEY = "_signed_in_as"
_RUN_USER = "_user_this_run"  # the User current_user() resolved in this run
_SIGNED_IN_AT, _LAST_SEEN = "_signed_in_at", "_last_seen"
_EXPIRED = "_session_expired"  # why the last session ended, told on the sign-in form
VIEW_AS = "demo_view_as"


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    """One per process, shared by every session: an attacker cannot reset it with a new tab."""
    return Throttle(Policy.from_settings())


def _secrets(section: str) -> dict[str, Any]:
    """A table of the secrets; {} when there is no secrets file or no such table.

    Raises AccessConfigError when a secrets file exists but cannot be read: a broken file
    must close the dashboard, not open it as if no users were set up."""
    try:
        found = st.secrets.get(section) or {}
    except Exception as exc:  # Streamlit raises both for no file and for a broken one
        files = [Path(p) for p in st.get_option("secrets.files")]
        broken = [str(p) for p in files if p.is_file()]
        if broken:
            raise access.AccessConfigError(
                f"{', '.join(broken)} could not be read ({exc})"
            ) from exc
        return {}
    return {
        str(name): (dict(entry) if hasattr(entry, "items") else entry)
        for name, entry in found.items()
    }


def _entries() -> dict[str, Any]:
    return _secrets("users")


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
        identities = _secrets("identities")
        provider = bool(_secrets("auth"))
    except access.AccessConfigError as exc:
        st.error(t("access.misconfigured", problem=str(exc)), icon=":material/lock:")
        return None
    if provider:
        return _identity_provider(identities)
    if not entries:
        if real_data:
            st.error(t("access.no_users"), icon=":material/lock:")
            return None
        return _demo()
    name = st.session_state.get(USER_KEY)
    if name in known and not _expire_if_due(known[name]):
        return known[name]
    st.session_state.pop(USER_KEY, None)
    _gate(entries)
    return None


# --- sessions -----------------------------------------------------------------------------


def _start_session(user: access.User) -> None:
    now = time.time()
    st.session_state[USER_KEY] = user.name
    st.session_state[_SIGNED_IN_AT] = st.session_state[_LAST_SEEN] = now
    filters.prefer_language(user.language)  # from the next run, unless the link or picker chose
    audit.trail().record("sign_in", user=user.name, role=user.role.key)


def _expire_if_due(user: access.User) -> bool:
    """End the session if it was idle too long or is too old; whether it ended."""
    now = time.time()
    why = expired(
        st.session_state.get(_SIGNED_IN_AT, 0.0),
        st.session_state.get(_LAST_SEEN, 0.0),
        now,
        _throttle().policy,
    )
    if why is None:
        st.session_state[_LAST_SEEN] = now
        return False
    audit.trail().record("session_expired", user=user.name, role=user.role.key, detail=why)
    _clear()
    st.session_state[_EXPIRED] = why
    return True


def _clear() -> None:
    """Forget everything of this session but its language (the picker's state is kept as
    it is: the picker was drawn in this run, and a widget's key deleted and set again in
    the same run loses its value)."""
    for key in list(st.session_state.keys()):
        if key not in filters.LANGUAGE_STATE:
            del st.session_state[key]


def sign_out() -> None:
    user = st.session_state.get(_RUN_USER)
    if user is not None and user.name:
        audit.trail().record("sign_out", user=user.name, role=user.role.key)
    _clear()


# --- the form -----------------------------------------------------------------------------


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
    why = st.session_state.pop(_EXPIRED, None)
    if why:
        st.info(t(f"access.expired.{why}"), icon=":material/timer_off:")
    with st.form("sign_in"):
        name = st.text_input(t("access.name"), key="sign_in_name")
        password = st.text_input(t("access.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("access.submit"))
    if not submitted:
        return
    throttle = _throttle()
    verdict = throttle.check(name)
    known = name.strip() in entries
    who = name.strip() if known else None  # an unknown name may be a password: never kept
    if not verdict.allowed:
        audit.trail().record("locked_out", user=who, detail="attempt refused")
        st.error(
            t("access.locked", minutes=_minutes(verdict.wait_seconds)), icon=":material/lock_clock:"
        )
        return
    if verdict.delay_seconds:
        time.sleep(verdict.delay_seconds)  # slows guessing; the sign-in check itself is scrypt
    user = access.sign_in(entries, name, password)
    if user is None:
        audit.trail().record("sign_in_failed", user=who)
        log.warning("failed sign-in%s", "" if known else " under an unknown name")
        after = throttle.failed(name)
        if not after.allowed:
            audit.trail().record("locked_out", user=who, detail="too many failed attempts")
            st.error(
                t("access.locked", minutes=_minutes(after.wait_seconds)),
                icon=":material/lock_clock:",
            )
        else:
            st.error(t("access.wrong"), icon=":material/lock:")
        return
    throttle.succeeded(name)
    _start_session(user)
    st.rerun()


def _minutes(seconds: float) -> int:
    return max(1, int(-(-seconds // 60)))


# --- an identity provider -----------------------------------------------------------------


def _identity_provider(identities: dict[str, Any]) -> access.User | None:
    """st.login (OpenID Connect, the [auth] section of the secrets): the provider's user
    mapped to a role by [identities]."""
    if not st.user.get("is_logged_in", False):
        st.title(t("app.title"))
        st.caption(t("access.provider_intro"))
        if st.button(t("access.provider_sign_in"), key="provider_sign_in"):
            st.login()
        return None
    email, subject = st.user.get("email"), st.user.get("sub")
    try:
        user = access.identity_user(identities, email=email, subject=subject)
    except access.AccessConfigError as exc:
        st.error(t("access.misconfigured", problem=str(exc)), icon=":material/lock:")
        return None
    if user is None:
        st.error(t("access.provider_unknown"), icon=":material/lock:")
        st.button(t("access.sign_out"), on_click=st.logout, key="provider_sign_out")
        return None
    if st.session_state.get(USER_KEY) != user.name:
        _start_session(user)
    elif _expire_if_due(user):
        st.logout()
        return None
    return user


# --- demo mode ----------------------------------------------------------------------------


def _demo() -> access.User:
    """No users, synthetic data only: open, as the role the visitor chooses to view as."""
    views = access.demo_views()
    labels = {v: _view_label(v) for v in views}  # precomputed: format_func runs outside the run
    with st.sidebar:
        choice = st.selectbox(
            t("access.demo.view_as"),
            views,
            key=VIEW_AS,
            format_func=labels.__getitem__,
            help=t("access.demo.help"),
        )
        st.caption(t("access.demo.note", view=labels[choice]))
    return access.open_user(choice)


def _view_label(view: str) -> str:
    role, _, country = view.partition(":")
    name = t(f"access.role.{role}")
    return (
        t("access.demo.ministry_of", country=i18n.label("country", country))
        if country
        else name[:1].upper() + name[1:]
    )


# --- this run's user ----------------------------------------------------------------------


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
        provider = bool(_secrets("auth"))
        st.button(
            t("access.sign_out"),
            on_click=(lambda: (sign_out(), st.logout())) if provider else sign_out,
            key="sign_out",
        )
