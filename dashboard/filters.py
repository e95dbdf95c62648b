"""Sidebar filters, page-level choices, and their reflection in the link (st.query_params).

The sidebar is drawn by dashboard/app.py on every run, whatever the page, so its widgets
keep their values across pages (session state). On the first run of a session the values
come from the link, so a view can be shared; after each run the link is rewritten from the
current values (only those that differ from the defaults).

Link parameters: country, province (repeated), from, to (e.g. 2024Q3), sex, age
(child|adult), form, lang (e.g. km), era (be|ce, Thai years), plus each page's own choices
(page_choice()).

The language: the link's (lang=), else the one chosen in the picker during the session,
else the signed-in user's (users' `language`), else the browser's (st.context.locale),
else dashboard.yaml's default. Switching language keeps every filter: widgets are known
by their keys, not their labels. Every widget's format_func closes over labels made
during the run, in the run's language (AppTest calls format_func after the run).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from dashboard import config, i18n
from dashboard.i18n import t
from dashboard.queries.meta import Options
from dashboard.queries.selection import (
    AGE_GROUPS,
    Selection,
    parse_quarter_code,
    quarter_code,
)
from reference import framework

# session key -> link parameter
KEYS = {
    "f_country": "country",
    "f_provinces": "province",
    "f_from": "from",
    "f_to": "to",
    "f_sex": "sex",
    "f_age": "age",
    "f_form": "form",
}
LANG_KEY, LANG_PARAM = "f_lang", "lang"
ERA_KEY, ERA_PARAM = "f_era", "era"  # Thai years in the Buddhist era (True) or not
_LANG_CHOSEN = "_language_chosen"  # by the link or the picker: the user's own does not win
_LANG_PENDING = "_language_of_signed_in_user"  # set at sign-in, applied on the next run
# what a session keeps of itself when it is cleared at sign-out (dashboard/signin.py)
LANGUAGE_STATE = frozenset({LANG_KEY, ERA_KEY, _LANG_CHOSEN})
_RESTORED = "_filters_restored_from_link"
_PAGE_PARAMS = "_page_params_this_run"
ALL = ""


# --- choices ------------------------------------------------------------------------------


def _choices(opts: Options, key: str, state: dict[str, Any]) -> list[str]:
    fw = framework.load()
    if key == "f_country":
        # a user who may see one country has it chosen, with no "all countries" to pick
        return list(opts.countries) if len(opts.countries) == 1 else [ALL, *opts.countries]
    if key == "f_provinces":
        return sorted(
            opts.provinces_of(state.get("f_country") or None),
            key=lambda c: i18n.label("province", c),
        )
    if key in ("f_from", "f_to"):
        return [quarter_code(q) for q in opts.quarters]
    if key == "f_sex":
        return [ALL, *(s["key"] for s in fw.code_list("sexes"))]
    if key == "f_age":
        return [ALL, *AGE_GROUPS]
    if key == "f_form":
        return [ALL, *(f["key"] for f in fw.code_list("forms_of_trafficking"))]
    raise KeyError(key)


def defaults(opts: Options) -> dict[str, Any]:
    # the default period ends with the last quarter in which anything happened
    quarters = [
        quarter_code(q) for q in opts.quarters if not opts.last_active or q <= opts.last_active
    ]
    quarters = quarters or [quarter_code(q) for q in opts.quarters]
    n = config.settings().default_quarters
    return {
        "f_country": opts.countries[0] if len(opts.countries) == 1 else ALL,
        "f_provinces": [],
        "f_from": quarters[-n] if len(quarters) >= n else (quarters[0] if quarters else ALL),
        "f_to": quarters[-1] if quarters else ALL,
        "f_sex": ALL,
        "f_age": ALL,
        "f_form": ALL,
    }


def _valid(opts: Options, key: str, value: Any, state: dict[str, Any]) -> Any:
    """value if allowed for key, else None."""
    choices = _choices(opts, key, state)
    if key == "f_provinces":
        values = [value] if isinstance(value, str) else list(value or [])
        kept = [v for v in values if v in choices]
        return kept if len(kept) == len(values) else (kept or None)
    if key in ("f_from", "f_to") and isinstance(value, str):
        parsed = parse_quarter_code(value)
        value = quarter_code(parsed) if parsed else value
    return value if value in choices else None


def _from_link(opts: Options) -> None:
    """First run of a session: take the filters from the link."""
    params = st.query_params
    state: dict[str, Any] = {}
    for key, name in KEYS.items():
        if name not in params:
            continue
        raw: Any = params.get_all(name) if key == "f_provinces" else params.get(name)
        value = _valid(opts, key, raw, {**state})
        if value is not None:
            state[key] = value
    for key, value in state.items():
        st.session_state[key] = value


def _sanitize(opts: Options) -> None:
    """Every filter holds an allowed value before its widget is drawn."""
    base = defaults(opts)
    for key in KEYS:
        current = st.session_state.get(key, base[key])
        valid = _valid(opts, key, current, dict(st.session_state))
        st.session_state[key] = base[key] if valid is None else valid


def _reset(opts: Options) -> None:
    for key, value in defaults(opts).items():
        st.session_state[key] = value


def _country_changed() -> None:
    st.session_state["f_provinces"] = []


def set_country(code: str | None) -> None:
    """For page widgets that drill down (call from an on_change callback)."""
    st.session_state["f_country"] = code or ALL
    st.session_state["f_provinces"] = []


# --- language -----------------------------------------------------------------------------


def _default_language() -> str:
    """The browser's language if it has a catalogue, else dashboard.yaml's default."""
    browser = i18n.best_locale(st.context.locale)
    default = config.settings().default_locale
    return browser or (default if default in i18n.available_locales() else i18n.FALLBACK)


def init_language() -> str:
    """Choose the language (and the Thai era) before anything is written."""
    locales = i18n.available_locales()
    if LANG_KEY not in st.session_state:  # the session's first run
        from_link = st.query_params.get(LANG_PARAM)
        chosen = from_link in locales
        st.session_state[LANG_KEY] = from_link if chosen else _default_language()
        st.session_state[_LANG_CHOSEN] = chosen
    pending = st.session_state.pop(_LANG_PENDING, None)
    if pending in locales and not st.session_state.get(_LANG_CHOSEN):
        st.session_state[LANG_KEY] = pending
    if st.session_state[LANG_KEY] not in locales:  # a catalogue removed meanwhile
        st.session_state[LANG_KEY] = i18n.FALLBACK
    if ERA_KEY not in st.session_state:
        era = st.query_params.get(ERA_PARAM)
        st.session_state[ERA_KEY] = era == "be" if era in ("be", "ce") else _era_default()
    return i18n.set_locale(st.session_state[LANG_KEY], buddhist_era=st.session_state[ERA_KEY])


def _era_default() -> bool:
    return config.settings().buddhist_era


def prefer_language(language: str | None) -> None:
    """At sign-in: the user's language, from the next run on, unless the link or the picker
    chose one in this session."""
    if language:
        st.session_state[_LANG_PENDING] = language


def _language_chosen() -> None:
    st.session_state[_LANG_CHOSEN] = True


def language_picker() -> None:
    """The language picker (sidebar, every page), and in Thai the Buddhist-era switch."""
    locales = i18n.available_locales()
    if len(locales) > 1:
        names = {code: i18n.language_name(code) for code in locales}
        st.sidebar.selectbox(
            t("filters.language"),
            locales,
            key=LANG_KEY,
            format_func=names.__getitem__,
            on_change=_language_chosen,
            placeholder=t("filters.choose"),
        )
    if i18n.get_locale() == "th":
        st.sidebar.toggle(t("filters.era"), key=ERA_KEY, help=t("filters.era_help"))
    elif ERA_KEY in st.session_state:
        st.session_state[ERA_KEY] = st.session_state[ERA_KEY]  # kept while not drawn


# --- the sidebar --------------------------------------------------------------------------


def begin_run() -> None:
    st.session_state[_PAGE_PARAMS] = {}


def sidebar(opts: Options) -> Selection:
    """Draw the filters and return the selection."""
    if not st.session_state.get(_RESTORED):
        _from_link(opts)
        st.session_state[_RESTORED] = True
    _sanitize(opts)
    fw = framework.load()
    choose = t("filters.choose")
    with st.sidebar:
        st.header(t("filters.title"))
        countries = _labelled(_choices(opts, "f_country", st.session_state), _country_label)
        st.selectbox(
            t("filters.country"),
            list(countries),
            key="f_country",
            format_func=countries.__getitem__,
            on_change=_country_changed,
            help=t("filters.country_help"),
            placeholder=choose,
        )
        country = st.session_state["f_country"] or None
        provinces = _labelled(
            _choices(opts, "f_provinces", st.session_state), lambda c: i18n.label("province", c)
        )
        if country and not provinces:  # a role whose figures stop at the country
            placeholder = t("filters.no_provinces_for_role")
        else:
            placeholder = (
                t("filters.all_provinces") if country else t("filters.choose_country_first")
            )
        st.multiselect(
            t("filters.province"),
            list(provinces),
            key="f_provinces",
            format_func=provinces.__getitem__,
            placeholder=placeholder,
            disabled=country is None or not provinces,
            select_all=False,  # Streamlit writes "Select all" in English only
        )
        quarters = _labelled(_choices(opts, "f_from", st.session_state), _quarter_text)
        col_from, col_to = st.columns(2)
        for column, key, label in (
            (col_from, "f_from", "filters.from"),
            (col_to, "f_to", "filters.to"),
        ):
            column.selectbox(
                t(label), list(quarters), key=key, format_func=quarters.__getitem__,
                placeholder=choose,
            )  # fmt: skip
        order = list(quarters)
        if order.index(st.session_state["f_from"]) > order.index(st.session_state["f_to"]):
            st.caption(t("filters.period_swapped"))
        ages = {a: t(f"filters.age_{a}", age=fw.child_under_age) for a in AGE_GROUPS}
        for key, label, name in (
            ("f_sex", "filters.sex", lambda s: i18n.label("sex", s)),
            ("f_age", "filters.age", ages.__getitem__),
            ("f_form", "filters.form", lambda f: i18n.label("form", f)),
        ):
            labels = _labelled(
                _choices(opts, key, st.session_state),
                lambda v, n=name: n(v) if v else t("filters.all"),
            )
            st.selectbox(
                t(label), list(labels), key=key, format_func=labels.__getitem__, placeholder=choose
            )
        st.button(t("filters.reset"), on_click=_reset, args=(opts,), width="stretch")
    return current(opts)


def _labelled(options: Sequence[str], name: Callable[[str], str]) -> dict[str, str]:
    """option -> its label, made now (a widget's format_func must not look labels up
    later: AppTest calls it after the run, in no particular language)."""
    return {option: name(option) for option in options}


def _country_label(code: str) -> str:
    return i18n.label("country", code) if code else t("filters.all_countries")


def keep() -> None:
    """On a page without the sidebar filters: keep their values for the next page.

    Streamlit forgets the state of a widget that is not drawn in a run; assigning the
    values back makes them plain session state, which the widgets pick up when drawn again.
    """
    for key in KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def chosen() -> dict[str, Any]:
    """The filters chosen now, named as in the link (for the audit trail): no figures."""
    out: dict[str, Any] = {}
    for key, name in KEYS.items():
        value = st.session_state.get(key)
        if value not in (None, "", []):
            out[name] = list(value) if isinstance(value, list) else value
    return out


def link_items() -> list[tuple[str, str]]:
    """The parameters of the current link, repeated ones (province) included."""
    return [(name, value) for name in st.query_params for value in st.query_params.get_all(name)]


def _quarter_text(code: str) -> str:
    q = parse_quarter_code(code)
    return i18n.quarter_label(q) if q else code


def current(opts: Options) -> Selection:
    """The selection held in session state (valid values only; period in order)."""
    state = {k: st.session_state.get(k) for k in KEYS}
    base = defaults(opts)
    for key in KEYS:
        if state[key] is None or _valid(opts, key, state[key], state) is None:
            state[key] = base[key]
    q_from, q_to = parse_quarter_code(state["f_from"]), parse_quarter_code(state["f_to"])
    if q_from is None or q_to is None:
        raise ValueError("no quarters with data")
    if q_from > q_to:
        q_from, q_to = q_to, q_from
    return Selection(
        q_from=q_from,
        q_to=q_to,
        country=state["f_country"] or None,
        provinces=tuple(state["f_provinces"] or ()),
        sex=state["f_sex"] or None,
        age_group=state["f_age"] or None,
        form=state["f_form"] or None,
    )


def describe(sel: Selection) -> str:
    """One line saying what the figures cover."""
    parts = [i18n.label("country", sel.country) if sel.country else t("filters.all_countries")]
    if sel.provinces:
        parts.append(", ".join(i18n.label("province", p) for p in sel.provinces))
    parts.append(
        t("period.range", first=i18n.quarter_label(sel.q_from), last=i18n.quarter_label(sel.q_to))
    )
    if sel.sex:
        parts.append(i18n.label("sex", sel.sex))
    if sel.age_group:
        parts.append(t(f"filters.age_{sel.age_group}", age=framework.load().child_under_age))
    if sel.form:
        parts.append(i18n.label("form", sel.form))
    return " · ".join(parts)


# --- page-level choices -------------------------------------------------------------------


def page_choice(
    name: str,
    label: str,
    options: Sequence[str],
    *,
    format_func: Callable[[str], str],
    default: str | None = None,
    widget: str = "selectbox",
    help: str | None = None,
    container: Any = None,
    on_change: Callable[[], None] | None = None,
) -> str:
    """A page's own choice (e.g. which dimension), kept in the link as `name`.

    options must come from the framework or the query layer's allow-lists."""
    key = f"p_{name}"
    options = list(options)
    if key not in st.session_state or st.session_state[key] not in options:
        from_link = st.query_params.get(name)
        st.session_state[key] = from_link if from_link in options else (default or options[0])
    where = container or st
    labels = _labelled(options, format_func)  # in this run's language
    if widget == "radio":
        value = where.radio(
            label,
            options,
            key=key,
            format_func=labels.__getitem__,
            help=help,
            horizontal=True,
            on_change=on_change,
        )
    else:
        value = where.selectbox(
            label,
            options,
            key=key,
            format_func=labels.__getitem__,
            help=help,
            on_change=on_change,
            placeholder=t("filters.choose"),
        )
    registered = st.session_state.setdefault(_PAGE_PARAMS, {})
    registered[name] = (value, default or options[0])
    return value


# --- the link -----------------------------------------------------------------------------


def link_params(opts: Options) -> dict[str, str | list[str]]:
    """The link parameters for the current state: only values that differ from defaults."""
    base = defaults(opts)
    out: dict[str, str | list[str]] = {}
    for key, name in KEYS.items():
        value = st.session_state.get(key, base[key])
        if value != base[key] and value not in (None, [], ALL):
            out[name] = list(value) if isinstance(value, list) else str(value)
    lang = st.session_state.get(LANG_KEY)
    if lang and lang != config.settings().default_locale:
        out[LANG_PARAM] = lang
    if lang == "th" and st.session_state.get(ERA_KEY, _era_default()) != _era_default():
        out[ERA_PARAM] = "be" if st.session_state.get(ERA_KEY) else "ce"
    for name, (value, default) in st.session_state.get(_PAGE_PARAMS, {}).items():
        if value != default:
            out[name] = str(value)
    return out


def write_link(opts: Options | None) -> None:
    """Rewrite the link from the current state (left alone when there is no data)."""
    if opts is None or not opts.quarters:
        return
    wanted = link_params(opts)
    current = {
        k: st.query_params.get_all(k) if isinstance(wanted.get(k), list) else st.query_params.get(k)
        for k in st.query_params
    }
    if current != wanted:
        st.query_params.from_dict(wanted)


def drill_country(
    opts: Options, label: str, *, key: str = "p_drill_country", container: Any = None
) -> None:
    """A page selectbox mirroring the sidebar country: choosing here changes the sidebar
    filter (and so every page), e.g. to drill from the regional map into one country."""
    st.session_state[key] = st.session_state.get("f_country", ALL) or ALL
    countries = _labelled(_choices(opts, "f_country", st.session_state), _country_label)
    (container or st).selectbox(
        label,
        list(countries),
        key=key,
        format_func=countries.__getitem__,
        on_change=lambda: set_country(st.session_state[key]),
        placeholder=t("filters.choose"),
    )
