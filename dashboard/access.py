"""Who may see what: roles (data/reference/dashboard.yaml, `access`), users and passwords.

A user has one role and, optionally, the countries they may see (a ministry exactly one).
The role decides the pages; the countries decide the data, enforced below the pages by
db.Scoped, so a page that forgot a filter still cannot show another country.

Users live in Streamlit's secrets (.streamlit/secrets.toml, [users.<name>]), written by
`python -m dashboard.users add`. Only a salted scrypt hash of each password is stored.

Nothing here imports streamlit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from dashboard import config
from reference import framework

# scrypt cost: about 25 ms per check on this machine, 16 MiB of memory
_N, _R, _P = 2**14, 8, 1
_SCHEME = "scrypt"
OPEN_ROLE = "data_team"  # what everyone gets when sign-in is off (synthetic data only)


class AccessConfigError(ValueError):
    """The roles or the users are set up wrongly; the message says where and how to fix it."""


@dataclass(frozen=True)
class Role:
    key: str
    pages: tuple[str, ...]
    one_country: bool  # its users must be given exactly one country
    exact_records: bool = False  # may see exact row counts of files (the loads log)


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    countries: tuple[str, ...] = ()  # empty: every country
    language: str | None = None  # the dashboard's language for them, unless they choose

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The countries whose data this user may see; None for all."""
        return self.countries or None

    def may_see(self, page: str) -> bool:
        return page in self.role.pages


def roles() -> dict[str, Role]:
    pages = [p.key for p in config.settings().pages]
    out = {}
    for key, spec in config.settings().data["access"]["roles"].items():
        wanted = pages if spec["pages"] == "all" else list(spec["pages"])
        unknown = sorted(set(wanted) - set(pages))
        if unknown:
            raise AccessConfigError(f"role {key!r} lists unknown pages: {', '.join(unknown)}")
        # menu order is the pages list's order, whatever order the role names them in
        ordered = tuple(p for p in pages if p in wanted)
        out[key] = Role(
            key=key,
            pages=ordered,
            one_country=bool(spec.get("one_country", False)),
            exact_records=bool(spec.get("exact_records", False)),
        )
    return out


def open_user() -> User:
    """Everyone, when no users are set up and the data is synthetic (a demonstration)."""
    return User(name="", role=roles()[OPEN_ROLE])


# --- passwords ----------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    if not password:
        raise ValueError("the password is empty")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


@cache
def _stand_in_hash() -> str:
    return hash_password("no such user")


# --- users --------------------------------------------------------------------------------


def make_user(name: str, entry: Mapping[str, Any]) -> User:
    """A user from their [users.<name>] entry; AccessConfigError says what is wrong."""
    known = roles()
    role = entry.get("role")
    if role not in known:
        raise AccessConfigError(
            f"user {name!r}: role {role!r} is not one of {', '.join(sorted(known))}"
        )
    countries = entry.get("countries", [])
    if isinstance(countries, str):
        countries = [countries]
    countries = tuple(str(c).upper() for c in countries)
    valid = set(framework.load().country_codes)
    unknown = sorted(set(countries) - valid)
    if unknown:
        raise AccessConfigError(
            f"user {name!r}: unknown countries {', '.join(unknown)} "
            f"(use the codes {', '.join(framework.load().country_codes)})"
        )
    if known[role].one_country and len(countries) != 1:
        raise AccessConfigError(f"user {name!r}: a {role} user is given exactly one country")
    language = entry.get("language") or None
    if language is not None and language not in config.settings().languages:
        raise AccessConfigError(
            f"user {name!r}: language {language!r} is not one of "
            f"{', '.join(config.settings().languages)}"
        )
    if not str(entry.get("password_hash", "")).startswith(f"{_SCHEME}$"):
        raise AccessConfigError(
            f"user {name!r} has no password_hash; set one with python -m dashboard.users add"
        )
    return User(name=name, role=known[role], countries=countries, language=language)


def users(entries: Mapping[str, Any] | None) -> dict[str, User]:
    """Every user set up in the secrets' [users] table (checked, so a typo fails loudly)."""
    return {name: make_user(name, entry) for name, entry in (entries or {}).items()}


def sign_in(entries: Mapping[str, Any] | None, name: str, password: str) -> User | None:
    """The user if the name and password match, else None (which one was wrong is not said)."""
    entry = (entries or {}).get(name.strip())
    if entry is None:
        # spend the same time as a real check, so timing does not tell which names exist
        verify_password(password, _stand_in_hash())
        return None
    if not verify_password(password, str(entry.get("password_hash", ""))):
        return None
    return make_user(name.strip(), entry)
