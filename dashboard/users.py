"""python -m dashboard.users: set up who may sign in to the dashboard.

Users are kept in Streamlit's secrets file (.streamlit/secrets.toml by default, never
committed: see .gitignore), one [users.<name>] table each, holding the role, the
countries and a salted scrypt hash of the password (dashboard/access.py). The running
dashboard reads the file on every page, so changes here take effect on the next click.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Annotated

import tomli_w
import typer

from dashboard import access
from reference import paths

SECRETS = paths.ROOT / ".streamlit" / "secrets.toml"

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.split("\n")[0])
FileOption = Annotated[Path, typer.Option("--file", help="The secrets file.")]


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise typer.BadParameter(f"{path} is not valid TOML ({exc}); correct it first") from exc


def _write(path: Path, secrets: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(tomli_w.dumps(secrets), encoding="utf-8")
    scratch.chmod(0o600)  # password hashes: readable by the dashboard's account only
    scratch.replace(path)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command()
def add(
    name: str,
    role: Annotated[str, typer.Option(help="ministry, secretariat, donor or data_team.")],
    country: Annotated[
        list[str] | None,
        typer.Option(help="A country the user may see (repeat for more; none: all)."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(help="The dashboard's language for this user (en, km, lo, th, vi, my, zh)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input, not a prompt.")
    ] = False,
    file: FileOption = SECRETS,
) -> None:
    """Add a user, or replace their role, countries and password."""
    entry = {"role": role, "countries": [c.upper() for c in country or []]}
    if language:
        entry["language"] = language.lower()
    try:
        access.make_user(name, {**entry, "password_hash": "scrypt$check"})
    except access.AccessConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    password = _password(password_stdin)
    if len(password) < 10:
        typer.echo("error: use a password of at least 10 characters", err=True)
        raise typer.Exit(2)
    secrets = _read(file)
    secrets.setdefault("users", {})[name] = {
        **entry,
        "password_hash": access.hash_password(password),
    }
    _write(file, secrets)
    scope = ", ".join(entry["countries"]) or "every country"
    typer.echo(f"{name}: {role}, {scope}, language {language or 'from the browser'} (in {file})")


@app.command()
def remove(name: str, file: FileOption = SECRETS) -> None:
    """Remove a user; they are signed out on their next click."""
    secrets = _read(file)
    if name not in secrets.get("users", {}):
        typer.echo(f"error: no user {name!r} in {file}", err=True)
        raise typer.Exit(2)
    del secrets["users"][name]
    _write(file, secrets)
    typer.echo(f"removed {name}")


@app.command("list")
def list_users(file: FileOption = SECRETS) -> None:
    """The users, their roles and countries (never their passwords)."""
    for name, entry in sorted(_read(file).get("users", {}).items()):
        countries = ", ".join(entry.get("countries", [])) or "every country"
        typer.echo(f"{name}\t{entry.get('role')}\t{countries}\t{entry.get('language', '')}")


if __name__ == "__main__":
    app(prog_name="python -m dashboard.users")
