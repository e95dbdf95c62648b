"""Roles, users and sign-in: passwords are checked, each role opens only its pages, a user
given countries sees only their data (cut beneath the pages), and real data stays closed
until users are set up."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard import access, audit, config, db, users
from dashboard.queries import base, budget, caseload, meta
from dashboard.queries.selection import Selection
from reference.sql import strip_comments
from tests.dashboard.conftest import QUARTERS, write_published
from tests.dashboard.test_pages import APP, assert_clean, metrics
from tests.dashboard.test_queries import expected_kpis, shown

DEFAULT = Selection(q_from=QUARTERS[-4], q_to=QUARTERS[-1])
PASSWORD = "a-long-password-1"


@pytest.fixture(scope="module")
def secrets() -> dict:
    digest = access.hash_password(PASSWORD)
    return {
        "users": {
            "sokha": {"role": "ministry", "countries": ["KH"], "password_hash": digest},
            "dana": {"role": "donor", "countries": [], "password_hash": digest},
            "sec": {"role": "secretariat", "password_hash": digest},
        }
    }


# --- passwords and users ------------------------------------------------------------------


def test_password_hash_verifies_only_the_same_password():
    stored = access.hash_password(PASSWORD)
    assert PASSWORD not in stored and stored.startswith("scrypt$")
    assert access.verify_password(PASSWORD, stored)
    assert not access.verify_password(PASSWORD + "x", stored)
    assert not access.verify_password(PASSWORD, "scrypt$garbage")
    assert not access.verify_password(PASSWORD, "")
    assert access.hash_password(PASSWORD) != stored  # salted


def test_sign_in_needs_the_right_name_and_password(secrets):
    entries = secrets["users"]
    user = access.sign_in(entries, " sokha ", PASSWORD)
    assert user is not None and user.role.key == "ministry" and user.scope == ("KH",)
    assert access.sign_in(entries, "sokha", "wrong-password") is None
    assert access.sign_in(entries, "nobody", PASSWORD) is None
    assert access.sign_in(entries, "dana", PASSWORD).scope is None  # donor: every country


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"role": "king", "password_hash": "scrypt$x"}, "role 'king' is not one of"),
        ({"role": "ministry", "password_hash": "scrypt$x"}, "exactly one country"),
        (
            {"role": "ministry", "countries": ["KH", "LA"], "password_hash": "scrypt$x"},
            "exactly one",
        ),
        (
            {"role": "donor", "countries": ["XX"], "password_hash": "scrypt$x"},
            "unknown countries XX",
        ),
        ({"role": "donor"}, "has no password_hash"),
    ],
)
def test_a_wrong_user_entry_is_refused_with_what_to_fix(entry, message):
    with pytest.raises(access.AccessConfigError, match=message):
        access.make_user("someone", entry)


def test_roles_name_known_pages_and_have_labels():
    pages = [p.key for p in config.settings().pages]
    roles = access.roles()
    assert set(roles) == {"ministry", "secretariat", "donor", "data_team"}
    assert roles["data_team"].pages == tuple(pages)
    assert "budget" in roles["donor"].pages and "outcomes_by_province" not in roles["donor"].pages
    assert "country_comparison" not in roles["ministry"].pages
    assert roles["ministry"].one_country
    for role in roles.values():
        assert "methodology" in role.pages  # every reader may see how figures are made


# --- the data cut beneath the pages -------------------------------------------------------


def test_scoped_database_holds_only_the_users_countries(published):
    scoped = db.Scoped(published, ("KH",))
    tables = published.query(
        "SELECT table_name, bool_or(column_name = 'country') AS has_country "
        "FROM information_schema.columns WHERE table_schema = 'main' GROUP BY table_name"
    )
    assert len(tables) > 5
    for name, has_country in zip(tables["table_name"], tables["has_country"], strict=True):
        seen = scoped.query(f'SELECT * FROM "{name}"')  # noqa: S608
        if has_country:
            whole = published.query(f"SELECT count(*) AS n FROM \"{name}\" WHERE country = 'KH'")  # noqa: S608
            assert len(seen) == whole["n"][0], name
            assert set(seen["country"].dropna()) <= {"KH"}, name
        elif name == "meta":  # the file's facts, and the flags of the user's countries only
            assert not seen["key"].str.contains(":").any()
            assert set(seen["key"]) >= {
                "as_of",
                "record_key_modulus",
                "synthetic",
                "real_case_data",
            }
        else:
            assert seen.empty, name  # e.g. the load log: other countries' agencies


def test_a_query_without_a_country_filter_still_sees_one_country(published, frames):
    # what a page that forgot the filter would ask: every country
    cut = caseload.kpis(db.Scoped(published, ("KH",)), DEFAULT)
    alone = caseload.kpis(published, DEFAULT.replace(country="KH"))
    assert cut.equals(alone)
    exp = expected_kpis(frames, DEFAULT.replace(country="KH"))
    everyone = expected_kpis(frames, DEFAULT)
    assert exp["active_cases"] < everyone["active_cases"]


def test_scoped_database_refuses_codes_that_are_not_countries(published):
    for bad in [(), ("KH') OR true --",), ("XX",)]:
        with pytest.raises(ValueError):
            db.Scoped(published, bad)


def test_a_users_view_refuses_relations_out_of_reach(published):
    # the stored tables and other catalogs are not cut by country: no query may name them
    for countries in (("KH",), None):
        view = db.Scoped(published, countries)
        for sql in (
            "SELECT * FROM store.mart_caseload",
            "SELECT * FROM main.mart_caseload",
            'SELECT * FROM "published".main.meta',
            "SELECT count(*) FROM mart_caseload, store.cells",
            "SELECT * FROM mart_caseload WHERE cell_id IN (SELECT cell_id FROM store.cells)",
        ):
            with pytest.raises(PermissionError, match="out of reach"):
                view.query(sql)
        assert not view.query(
            "WITH t AS (SELECT * FROM mart_caseload) SELECT count(*) FROM t"
        ).empty


def test_meta_tells_a_country_limited_user_about_their_countries_only(tmp_path, frames):
    changed = {name: frame.copy() for name, frame in frames.items()}
    meta = changed["meta"]
    meta.loc[meta["key"] == "real_case_data", "value"] = "true"  # some country has real data
    meta.loc[meta["key"] == "real_case_data:VN", "value"] = "true"
    write_published(tmp_path / "published.duckdb", changed)
    pub = db.Published(tmp_path / "published.duckdb")
    try:
        flags = lambda view: dict(view.query("SELECT key, value FROM meta").to_numpy())  # noqa: E731
        assert flags(db.Scoped(pub, ("KH",)))["real_case_data"] == "false"
        assert flags(db.Scoped(pub, ("VN",)))["real_case_data"] == "true"
        assert flags(db.Scoped(pub, ("KH", "VN")))["real_case_data"] == "true"
        assert flags(pub)["real_case_data"] == "true"  # the whole file: the sign-in gate
    finally:
        pub.close()


def test_dashboard_sql_names_no_catalog_or_stored_table():
    # the shadowing views replace main's relations; a catalog- or store-qualified name
    # would read past them
    for path in base.SQL_DIR.glob("*.sql"):
        sql = strip_comments(path.read_text(encoding="utf-8")).lower()
        assert not re.search(r"\b(published|store|main|temp)\s*\.", sql), path.name


# --- the app ------------------------------------------------------------------------------


def start(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    if secrets:
        at.secrets["users"] = secrets["users"]
    return at.run()


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def data_filters(at: AppTest) -> list:
    """The selectboxes but the language picker (there before sign-in, for the form)."""
    return [s for s in at.selectbox if s.key != "f_lang"]


def test_with_users_nothing_shows_before_sign_in(secrets):
    at = start(secrets)
    assert_clean(at)
    assert (
        at.text_input(key="sign_in_password").proto.type
        == at.text_input(key="sign_in_password").proto.PASSWORD
    )
    assert not at.metric and not at.dataframe and not data_filters(at)
    at = sign_in(at, "sokha", "not-the-password")
    assert any("do not match" in e.value for e in at.error)
    assert not at.metric


def test_a_ministry_user_sees_its_country_only(secrets, frames):
    at = sign_in(start(secrets), "sokha", PASSWORD)
    assert_clean(at)
    assert at.selectbox(key="f_country").options == ["Cambodia"]
    exp = expected_kpis(frames, DEFAULT.replace(country="KH"))
    assert metrics(at)["Active cases"][0] == shown(exp, "active_cases")
    assert any("sokha" in c.value and "ministry" in c.value for c in at.sidebar.caption)
    # a page outside the role is not even registered with the router
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/country_comparison.py")
    at.button(key="sign_out").click().run()
    assert at.text_input(key="sign_in_password") is not None and not at.metric


def test_a_donor_opens_the_budget_but_not_the_province_pages(secrets):
    at = sign_in(start(secrets), "dana", PASSWORD)
    assert_clean(at)
    at.switch_page("../pages/budget.py").run()
    assert_clean(at)
    assert at.title[0].value == "Budget"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/outcomes_by_province.py")


def _published_copy(folder: Path, warehouse: Path, **meta: str) -> None:
    real = folder / "published.duckdb"
    shutil.copy(warehouse / "published.duckdb", real)
    with duckdb.connect(str(real)) as con:
        for key, value in meta.items():
            con.execute("UPDATE meta SET value = $v WHERE key = $k", {"k": key, "v": value})


def test_without_users_synthetic_data_is_open(warehouse):
    at = start()
    assert_clean(at)
    assert any(
        "Demonstration: synthetic data, seen as Data team" in c.value for c in at.sidebar.caption
    )
    assert any("Synthetic data:" in w.value for w in at.warning)
    assert at.metric


def test_demo_mode_views_the_dashboard_as_each_role(warehouse):
    at = start()
    view_as = at.selectbox(key="demo_view_as")
    assert view_as.options[0] == "Data team"  # the default: everything
    assert {"Donor", "COMMIT secretariat", "Ministry of Lao PDR"} <= set(view_as.options)
    view_as.set_value("ministry:VN").run()
    assert_clean(at)
    assert at.selectbox(key="f_country").options == ["Viet Nam"]  # its country only
    assert any("seen as Ministry of Viet Nam" in c.value for c in at.sidebar.caption)
    at.selectbox(key="demo_view_as").set_value("donor").run()
    assert_clean(at)
    assert at.multiselect(key="f_provinces").disabled  # a donor sees countries, no province
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/case_management.py")


def test_demo_mode_vanishes_with_users_or_real_data(tmp_path, monkeypatch, warehouse, secrets):
    assert not [s for s in start(secrets).selectbox if s.key == "demo_view_as"]
    _published_copy(tmp_path, warehouse, synthetic="true", real_case_data="true")
    monkeypatch.setenv("GMS_WAREHOUSE_DIR", str(tmp_path))
    assert not [s for s in start().selectbox if s.key == "demo_view_as"]


@pytest.mark.parametrize(
    "meta",
    [
        {"synthetic": "false", "real_case_data": "true"},
        # real agencies' files loaded on top of the sample: still real data
        {"synthetic": "true", "real_case_data": "true"},
    ],
)
def test_without_users_real_data_stays_closed(tmp_path, monkeypatch, warehouse, meta):
    _published_copy(tmp_path, warehouse, **meta)
    monkeypatch.setenv("GMS_WAREHOUSE_DIR", str(tmp_path))
    at = start()
    assert any("no users are set up" in e.value for e in at.error)
    assert not at.metric and not data_filters(at)


def test_mixed_data_says_so_once_signed_in(tmp_path, monkeypatch, warehouse, secrets):
    _published_copy(tmp_path, warehouse, synthetic="true", real_case_data="true")
    monkeypatch.setenv("GMS_WAREHOUSE_DIR", str(tmp_path))
    at = sign_in(start(secrets), "sec", PASSWORD)
    assert_clean(at)
    assert any("Synthetic and real data mixed" in w.value for w in at.warning)
    assert at.metric


def test_a_mistyped_user_closes_the_dashboard_with_a_plain_message(secrets):
    broken = {
        "users": {**secrets["users"], "eve": {"role": "ministry", "password_hash": "scrypt$x"}}
    }
    at = start(broken)
    assert any("exactly one country" in e.value and "secrets.toml" in e.value for e in at.error)
    assert not at.text_input


def test_a_broken_secrets_file_closes_the_dashboard(tmp_path):
    from streamlit import config as st_config

    broken = tmp_path / "secrets.toml"
    broken.write_text('[users.sokha]\nrole = "ministry\n', encoding="utf-8")  # unclosed quote
    kept = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(broken)])
    try:
        at = start()
    finally:
        st_config.set_option("secrets.files", kept)
    assert any("could not be read" in e.value and "secrets.toml" in e.value for e in at.error)
    assert not at.metric and not at.text_input


# --- python -m dashboard.users ------------------------------------------------------------


def test_users_command_adds_lists_and_removes(tmp_path: Path):
    file = tmp_path / ".streamlit" / "secrets.toml"
    run = CliRunner().invoke
    args = ["--file", str(file), "--password-stdin"]
    ok = run(
        users.app,
        ["add", "sokha", "--role", "ministry", "--country", "kh", *args],
        input=PASSWORD + "\n",
    )
    assert ok.exit_code == 0, ok.output
    entry = tomllib.loads(file.read_text())["users"]["sokha"]
    assert entry["countries"] == ["KH"] and access.verify_password(PASSWORD, entry["password_hash"])
    assert file.stat().st_mode & 0o077 == 0  # hashes readable by their owner only

    refused = run(users.app, ["add", "x", "--role", "ministry", *args], input=PASSWORD + "\n")
    assert refused.exit_code == 2 and "exactly one country" in refused.output
    short = run(users.app, ["add", "x", "--role", "donor", *args], input="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.output

    listed = run(users.app, ["list", "--file", str(file)])
    assert "sokha\tministry\tKH" in listed.output and "scrypt" not in listed.output
    assert run(users.app, ["remove", "sokha", "--file", str(file)]).exit_code == 0
    assert tomllib.loads(file.read_text())["users"] == {}


def test_users_command_refuses_a_broken_secrets_file(tmp_path: Path):
    file = tmp_path / "secrets.toml"
    file.write_text("[users\n", encoding="utf-8")
    result = CliRunner().invoke(
        users.app,
        ["add", "dana", "--role", "donor", "--file", str(file), "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 2 and "is not valid TOML" in result.output
    assert file.read_text(encoding="utf-8") == "[users\n"  # left as it was


def test_methodology_says_who_sees_what():
    at = start()
    at.switch_page("../pages/methodology.py").run()
    assert_clean(at)
    roles = next(t.value for t in at.table if "Role" in t.value.columns).set_index("Role")
    assert roles.loc["Ministry", "Countries"] == "its own country only"
    assert "Country comparison" not in roles.loc["Ministry", "Pages"]
    assert roles.loc["Donor", "Pages"] == "Overview, Budget, Methodology"
    assert "COMMIT secretariat" in roles.index


# --- detail by role -----------------------------------------------------------------------


def test_a_country_level_view_folds_every_province_into_its_country(published):
    donor = db.Scoped(published, None, geography="country")
    seen = donor.query("SELECT DISTINCT country, province FROM mart_caseload")
    assert (seen["province"] == seen["country"]).all()
    for table in (
        "mart_outcomes",
        "mart_services",
        "mart_budget",
        "mart_quality",
        "mart_service_costs",
    ):
        rows = donor.query(f'SELECT count(*) AS n FROM "{table}" WHERE province <> country')  # noqa: S608
        assert rows["n"][0] == 0, table
    # a province asked for gets nothing; the country gets all its figures
    kh12 = caseload.kpis(donor, DEFAULT.replace(country="KH", provinces=("KH-12",))).set_index(
        "kpi"
    )
    assert kh12.loc["active_cases", "value_label"] == "0"
    country = caseload.kpis(donor, DEFAULT.replace(country="KH")).set_index("kpi")
    assert country.equals(caseload.kpis(published, DEFAULT.replace(country="KH")).set_index("kpi"))
    assert meta.options(donor, geography="country").provinces == {}
    by_province = budget.breakdown(donor, DEFAULT.replace(country="KH"), "province")
    assert by_province["group_label"].tolist() == ["Cambodia (all provinces)"]


def test_a_donor_reaches_no_province_figure_by_link_or_filter(secrets):
    at = start(secrets)
    at.query_params["province"] = "KH-12"
    at.query_params["country"] = "KH"
    at = sign_in(at, "dana", PASSWORD)
    assert_clean(at)
    assert at.multiselect(key="f_provinces").value == []
    assert at.multiselect(key="f_provinces").disabled
    assert any("Province figures are not shown to your role" in i.value for i in at.info)
    assert not any("Phnom Penh" in c.value for c in at.caption)


# --- sign-in limits, sessions, the audit trail ---------------------------------------------


def test_failed_attempts_lock_a_name_even_with_the_right_password(secrets, monkeypatch):
    from dashboard import signin
    from dashboard.sign_in_limits import Policy, Throttle

    clock = [1000.0]
    throttle = Throttle(
        Policy(slow_after=99, lock_after=3, lock_minutes=15), clock=lambda: clock[0]
    )
    monkeypatch.setattr(signin, "_throttle", lambda: throttle)
    at = start(secrets)
    for _ in range(3):
        at = sign_in(at, "sokha", "wrong-password")
    assert any("Too many failed attempts" in e.value and "15 minutes" in e.value for e in at.error)
    at = sign_in(at, "sokha", PASSWORD)  # the right password: still refused
    assert any("Too many failed attempts" in e.value for e in at.error) and not at.metric
    clock[0] += 15 * 60 + 1
    at = sign_in(at, "sokha", PASSWORD)
    assert_clean(at)
    assert at.metric
    events = [e["event"] for e in audit.trail().entries()][-6:]
    assert events == [
        "sign_in_failed",
        "sign_in_failed",
        "sign_in_failed",
        "locked_out",
        "locked_out",
        "sign_in",
    ]


def test_an_expired_session_must_sign_in_again(secrets, monkeypatch):
    at = sign_in(start(secrets), "sec", PASSWORD)
    assert at.metric
    at.session_state["_last_seen"] = at.session_state["_last_seen"] - 31 * 60  # idle 31 minutes
    at.run()
    assert not at.metric
    assert any("without using the dashboard" in i.value for i in at.info)
    assert at.text_input(key="sign_in_password")
    assert audit.trail().entries()[-1]["event"] == "session_expired"
    at = sign_in(at, "sec", PASSWORD)
    at.session_state["_signed_in_at"] = at.session_state["_signed_in_at"] - 13 * 3600  # 13 hours
    at.run()
    assert any("longest time" in i.value for i in at.info)


def test_sign_out_clears_the_session_and_is_recorded(secrets):
    at = sign_in(start(secrets), "sokha", PASSWORD)
    at.selectbox(key="f_sex").set_value("female").run()
    at.button(key="sign_out").click().run()
    assert not at.metric and at.text_input(key="sign_in_password")
    assert "f_sex" not in at.session_state and "_signed_in_as" not in at.session_state
    last = audit.trail().entries()[-1]
    assert (last["event"], last["user"], last["role"]) == ("sign_out", "sokha", "ministry")


def test_the_trail_never_holds_a_password_or_an_unknown_name(secrets):
    at = sign_in(start(secrets), PASSWORD, "sokha")  # the password typed in the name box
    at = sign_in(at, "sokha", "my-wrong-guess-1")
    text = audit.trail().path.read_text(encoding="utf-8")
    for secret in (PASSWORD, "my-wrong-guess-1", secrets["users"]["sokha"]["password_hash"]):
        assert secret not in text
    failed = [e for e in audit.trail().entries() if e["event"] == "sign_in_failed"][-2:]
    assert [e["user"] for e in failed] == [None, "sokha"]


# --- an identity provider -------------------------------------------------------------------


def test_identities_map_an_e_mail_or_a_subject_to_a_role():
    identities = {
        "Sokha@Ministry.gov.kh": {"role": "ministry", "countries": ["KH"]},
        "auth0|12345": {"role": "donor"},
    }
    user = access.identity_user(identities, email="sokha@ministry.gov.kh", subject="x")
    assert (user.name, user.role.key, user.scope) == ("Sokha@Ministry.gov.kh", "ministry", ("KH",))
    assert access.identity_user(identities, email=None, subject="auth0|12345").role.key == "donor"
    assert access.identity_user(identities, email="someone@else.org", subject="nope") is None
    with pytest.raises(access.AccessConfigError, match="exactly one country"):
        access.identity_user({"a@b.c": {"role": "ministry"}}, email="a@b.c", subject=None)


def test_with_an_identity_provider_nothing_shows_before_its_sign_in(secrets):
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
    }
    at.secrets["identities"] = {"a@b.c": {"role": "donor"}}
    at.run()
    assert_clean(at)
    assert any(b.label == "Sign in with your organisation" for b in at.button)
    assert not at.metric and not data_filters(at)
