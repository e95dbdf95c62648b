"""Every string a user sees goes through t(key, **kwargs).

Catalogues are gettext PO files, one per language, read with Babel:
dashboard/locales/<code>/LC_MESSAGES/messages.po. Each message's msgctxt is its key
("filters.country"), its msgid the English text and its msgstr the translation. English is
the source: en/LC_MESSAGES/messages.po holds the interface's messages (msgstr left empty),
and `python -m dashboard.catalogues update` adds the framework's labels, writes the template
(messages.pot) and brings every other catalogue up to date (README, Languages).

The .po files are read directly, not compiled to .mo: a corrected catalogue takes effect on
the next page with no build step to forget, and there is no binary copy to drift from the
text. A file is read again when it changes (checked once per script run, in set_locale()).

An empty or fuzzy translation falls back to the English. A key found nowhere raises in
strict mode (GMS_I18N_STRICT=1, set by the tests) and otherwise yields a readable
stand-in, never the raw key. Nothing here imports streamlit; the language of the current
script run is held in a context variable.
"""

from __future__ import annotations

import contextvars
import gettext
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from dashboard import config, framework_messages

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
TEMPLATE = "messages.pot"
DOMAIN = "messages"
FALLBACK = "en"
# A plural message chooses its form by this keyword argument (a number): t(key, count=n).
COUNT = "count"
log = logging.getLogger(__name__)

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=FALLBACK)
_buddhist: contextvars.ContextVar[bool] = contextvars.ContextVar("buddhist_era", default=False)
# the current language's catalogue and the English, as set_locale() found them
_active: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("catalogues", default=None)


class MissingTranslation(KeyError):
    pass


def po_path(code: str, folder: Path | None = None) -> Path:
    return (folder or LOCALES_DIR) / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Catalogue:
    """One language's usable texts: key -> text, key -> plural forms (msgstr[0..n])."""

    code: str
    texts: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = lambda n: int(n != 1)


def read_catalogue(path: Path, code: str):
    """The Babel catalogue of a .po file (for the tools; t() uses catalogue())."""
    with open(path, "rb") as fh:
        return read_po(fh, locale=code, abort_invalid=True)


def _usable(code: str, path: Path) -> Catalogue:
    po = read_catalogue(path, code)
    texts: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in po:
        if not message.id or not message.context:
            continue
        key = message.context
        if code == FALLBACK:  # the English is the msgid itself
            if isinstance(message.id, tuple | list):
                plurals[key] = tuple(message.id)
            else:
                texts[key] = message.id
            continue
        if message.fuzzy:  # the English changed since it was translated: not used
            continue
        if isinstance(message.string, tuple | list):
            if all(message.string):
                plurals[key] = tuple(message.string)
        elif message.string:
            texts[key] = message.string
    try:
        index = gettext.c2py(po.plural_expr)
    except (ValueError, SyntaxError):  # a broken Plural-Forms header: first form only
        log.warning("catalogue %s: unreadable Plural-Forms %r", path, po.plural_expr)
        index = lambda n: 0  # noqa: E731
    return Catalogue(code=code, texts=texts, plurals=plurals, plural_index=index)


_loaded: dict[Path, tuple[int, Catalogue]] = {}  # file -> (its mtime when read, catalogue)
_lock = threading.Lock()


def _refresh(code: str) -> Catalogue:
    """The catalogue of code, read again if its file changed since it was last read."""
    path = po_path(code)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return Catalogue(code=code)
    held = _loaded.get(path)
    if held is None or held[0] != mtime:
        with _lock:
            held = _loaded.get(path)
            if held is None or held[0] != mtime:
                try:
                    held = (mtime, _usable(code, path))
                except Exception:  # a broken file must not close the dashboard: English
                    log.exception("catalogue %s could not be read; showing English", path)
                    held = (mtime, Catalogue(code=code))
                _loaded[path] = held
    return held[1]


def catalogue(code: str) -> Catalogue:
    """The texts of a language as last read (set_locale() reads a changed file again)."""
    held = _loaded.get(po_path(code))
    return held[1] if held is not None else _refresh(code)


# --- languages --------------------------------------------------------------------------


def available_locales() -> list[str]:
    """Codes with a catalogue: English first, then in the order of dashboard.yaml
    (locale.languages), then any other catalogue found."""
    found = {p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    listed = [c for c in config.settings().languages if c in found]
    ordered = [FALLBACK, *listed, *sorted(found - set(listed))]
    return list(dict.fromkeys(c for c in ordered if c in found or c == FALLBACK))


@cache
def language_name(code: str) -> str:
    """The language's own name for itself (CLDR, via Babel): ខ្មែរ, ລາວ, ไทย, 中文..."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name[:1].isascii() else name


def best_locale(tag: str | None) -> str | None:
    """The catalogue for a browser's language tag ("km-KH", "zh-CN", "en-GB"), or None."""
    if not tag:
        return None
    try:
        language = Locale.parse(str(tag).replace("_", "-"), sep="-").language
    except (ValueError, UnknownLocaleError):
        language = str(tag).split("-")[0].split("_")[0].lower()
    return language if language in available_locales() else None


def set_locale(code: str | None, *, buddhist_era: bool = False) -> str:
    """The language of this script run (and whether Thai years are written in the Buddhist
    era). Reads a catalogue again if its file changed."""
    code = code if code in available_locales() else FALLBACK
    _locale.set(code)
    _buddhist.set(bool(buddhist_era) and code == "th")
    _active.set((_refresh(code), _refresh(FALLBACK)))
    return code


def get_locale() -> str:
    return _locale.get()


def buddhist_era() -> bool:
    """Whether years are written in the Buddhist era (Thai only, when chosen)."""
    return _buddhist.get() and get_locale() == "th"


# --- texts ------------------------------------------------------------------------------


def _strict() -> bool:
    return os.environ.get("GMS_I18N_STRICT", "") not in ("", "0", "false")


def _chain() -> tuple[Catalogue, Catalogue]:
    """The current language's catalogue, then the English."""
    chain = _active.get()
    if chain is None or chain[0].code != get_locale():
        chain = (catalogue(get_locale()), catalogue(FALLBACK))
        _active.set(chain)
    return chain


def _english(key: str) -> str | tuple[str, ...] | None:
    en = _chain()[1]
    found = en.texts.get(key) or en.plurals.get(key)
    return found or framework_messages.english().get(key)


def _lookup(key: str, count: Any = None) -> str | None:
    for cat in _chain():
        if key in cat.plurals:
            forms = cat.plurals[key]
            n = _plural_number(count)
            return forms[min(cat.plural_index(n), len(forms) - 1)]
        if key in cat.texts:
            return cat.texts[key]
    found = _english(key)
    if isinstance(found, tuple):
        return found[0] if _plural_number(count) == 1 else found[-1]
    return found


def _plural_number(count: Any) -> int:
    try:
        return abs(int(round(float(count))))
    except (TypeError, ValueError):
        return 0


def has(key: str) -> bool:
    return _lookup(key) is not None


def t(key: str, **kwargs: Any) -> str:
    """The text for key in the current language, formatted with kwargs. A plural message
    takes its form from kwargs["count"]."""
    text = _lookup(key, kwargs.get(COUNT))
    if text is None:
        if _strict():
            raise MissingTranslation(key)
        log.warning("missing translation: %s", key)
        text = key.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    if kwargs:
        try:
            return text.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            if _strict():
                raise
            log.warning("bad placeholders in translation %s (%s)", key, get_locale())
            english = _english(key)
            if isinstance(english, str):
                try:
                    return english.format(**kwargs)
                except (KeyError, IndexError, ValueError):
                    pass
    return text


# --- labels for codes -------------------------------------------------------------------


def label(kind: str, code: str | None, field: str = "label") -> str:
    """The label of a framework code: outcome, service_area, barrier, sex, form, country,
    province, age_band, duration_band, ... Unknown codes are shown as they are (a code,
    never a catalogue key)."""
    if code is None or code == "":
        return t(f"{kind}.all") if has(f"{kind}.all") else ""
    if kind == "province" and code.endswith("-UNK"):
        return t("province.not_recorded", country=label("country", code.split("-")[0]))
    if kind == "province" and code in framework_messages.country_codes():
        # a country-level role's figures: every province folded into its country
        return t("province.whole_country", country=label("country", code))
    text = _lookup(f"{kind}.{code}.{field}")
    return text if text is not None else str(code)


def quarter_label(quarter: Any) -> str:
    """The quarter starting on that date (date, datetime or Timestamp) as the language
    writes it: "Q3 2024", "ไตรมาส 3 2567", "2024年第3季度"."""
    from dashboard import formats  # formats reads the language from here

    return formats.quarter(quarter)
