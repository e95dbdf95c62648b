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
GEOGRAPHIES = ("country", "province")  # coarsest first


class AccessConfigError(ValueError):
    """The roles or the users are set up wrongly; the message says where and how to fix it."""


@dataclass(frozen=True)
class Role:
    key: str
    pages: tuple[str, ...]
    one_country: bool  # its users must be given exactly one country
    exact_records: bool = False  # may see exact row counts of files (the loads log)
    geography: str = "province"  # the finest geography its figures may show: country or province


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
        geography = spec.get("geography", "province")
        if geography not in GEOGRAPHIES:
            raise AccessConfigError(
                f"role {key!r}: geography {geography!r} is not one of {', '.join(GEOGRAPHIES)}"
            )
        out[key] = Role(
            key=key,
            pages=ordered,
            one_country=bool(spec.get("one_country", False)),
            exact_records=bool(spec.get("exact_records", False)),
            geography=geography,
        )
    return out


def open_user(view_as: str | None = None) -> User:
    """Everyone, when no users are set up and the data is synthetic (a demonstration): the
    data team, or the role chosen to "view as" (demo_views(): 'donor', 'ministry:KH', ...)."""
    view_as = view_as or OPEN_ROLE
    role, _, country = view_as.partition(":")
    known = roles()
    if role not in known:
        role, country = OPEN_ROLE, ""
    if known[role].one_country and country not in framework.load().country_codes:
        country = framework.load().country_codes[0]
    return User(name="", role=known[role], countries=(country,) if known[role].one_country else ())


def demo_views() -> list[str]:
    """What a visitor of the demonstration may view the dashboard as: each role, and a
    ministry per country ('ministry:KH')."""
    out = []
    for key, role in roles().items():
        if role.one_country:
            out += [f"{key}:{code}" for code in framework.load().country_codes]
        else:
            out.append(key)
    return sorted(out, key=lambda v: v != OPEN_ROLE)


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


def _grant(name: str, entry: Mapping[str, Any]) -> tuple[Role, tuple[str, ...]]:
    """The role and countries an entry gives (a user's, or an identity's)."""
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
    return known[role], countries


def make_user(name: str, entry: Mapping[str, Any]) -> User:
    """A user from their [users.<name>] entry; AccessConfigError says what is wrong."""
    role, countries = _grant(name, entry)
    if not str(entry.get("password_hash", "")).startswith(f"{_SCHEME}$"):
        raise AccessConfigError(
            f"user {name!r} has no password_hash; set one with python -m dashboard.users add"
        )
    return User(name=name, role=role, countries=countries, language=_language(name, entry))


def identity_user(
    identities: Mapping[str, Any] | None, *, email: str | None, subject: str | None
) -> User | None:
    """The user an identity provider's sign-in maps to ([identities."<e-mail or subject>"] in
    the secrets: role, countries), or None when neither is mapped. An e-mail is matched
    whatever its case; a subject exactly."""
    by_email = {str(k).lower(): (str(k), v) for k, v in (identities or {}).items()}
    found = None
    if email and email.lower() in by_email:
        found = by_email[email.lower()]
    elif subject and subject in (identities or {}):
        found = (subject, identities[subject])
    if found is None:
        return None
    name, entry = found
    role, countries = _grant(name, entry)
    return User(name=name, role=role, countries=countries, language=_language(name, entry))


def _language(name: str, entry: Mapping[str, Any]) -> str | None:
    """The dashboard's language an entry gives (a user's, or an identity's), if any."""
    language = entry.get("language") or None
    if language is not None and language not in config.settings().languages:
        raise AccessConfigError(
            f"user {name!r}: language {language!r} is not one of "
            f"{', '.join(config.settings().languages)}"
        )
    return language


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
