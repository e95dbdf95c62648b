"""python -m dashboard.catalogues: keep the translation catalogues in step with the code and
the framework (README, Languages).

  update   writes the framework's labels (data/reference/framework.yaml) into the English
           source catalogue, the template (messages.pot) from the English, and every
           language's catalogue from the template: a changed English text makes its
           translation fuzzy (kept, not shown, until a translator checks it), a removed
           message goes, a new one starts empty (English is shown) or, for a province or
           country, with its name in that language from the data. A language listed in
           data/reference/dashboard.yaml (locale.languages) without a catalogue gets one.
  check    what the tests check: every catalogue readable and up to date, every
           translation with the English's {placeholders}, every key the code uses in the
           catalogues and every message in them used.
  report   how much of each catalogue is translated.

Nothing here imports streamlit.
"""

from __future__ import annotations

import ast
import io
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import unescape, write_po

from dashboard import config, framework_messages, i18n
from reference import framework, paths

PROJECT = "GMS Reintegration Monitor"
WIDTH = 76  # gettext's line width, as Poedit and Weblate write it
CODE_DIRS = ("dashboard", "pages")
# the modules that make the framework's messages and the catalogues: their f-strings build
# every framework key, so they would count every ".label" message as used
NOT_USES = {"framework_messages.py", "catalogues.py"}
# the functions whose first argument is a catalogue key
KEY_CALLS = {"t", "has", "no_rows"}
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+$")

ENGLISH_HEADER = """\
English: the source of every message of the dashboard.

msgctxt is the key the code passes to dashboard.i18n.t(); msgid is the
English text; msgstr stays empty. Edit an English text here (msgid), or
add a message for a new key, then run
`python -m dashboard.catalogues update`: the other languages'
translations of a changed text become fuzzy until a translator checks
them. Messages marked "From data/reference/framework.yaml" are written
by the update: change them in that file."""

LANGUAGE_HEADER = """\
{name} ({native}) catalogue of the {project} dashboard.

REVIEW STATUS: awaits review by a native speaker.
(Change this line when a native speaker has reviewed the catalogue.)

msgctxt is the key the code uses; msgid is the English; write the
translation in msgstr (an empty msgstr shows the English). Keep every
{{placeholder}} as it is, and the **bold** and `code` marks. A fuzzy
message (its English changed since it was translated) is not shown
until a translator checks it and removes the fuzzy mark. Province and
country names start as the local names in data/reference/framework.yaml
and CLDR's country names.
After editing: python -m dashboard.catalogues check (README, Languages)."""

TEMPLATE_HEADER = """\
Template of the {project} dashboard's catalogues, made from
the English (en/LC_MESSAGES/messages.po and data/reference/framework.yaml)
by `python -m dashboard.catalogues update`. Do not edit it: edit the
English, then update."""


# --- the messages ---------------------------------------------------------------------------


def _is_framework(message: Message) -> bool:
    return any(c.startswith(framework_messages.MARK) for c in message.auto_comments)


def _english_path(folder: Path) -> Path:
    return i18n.po_path(i18n.FALLBACK, folder)


def interface_messages(folder: Path) -> list[Message]:
    """The interface's own messages, kept by hand in the English source catalogue."""
    english = i18n.read_catalogue(_english_path(folder), i18n.FALLBACK)
    out = [m for m in english if m.id and not _is_framework(m)]
    missing = [m.id for m in out if not m.context]
    if missing:
        raise ValueError(f"messages without a key (msgctxt) in the English: {missing[:5]}")
    return out


def _languages(folder: Path) -> list[str]:
    found = {p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po")}
    wanted = [*config.settings().languages, *sorted(found)]
    return [c for c in dict.fromkeys(wanted) if c != i18n.FALLBACK]


def template_messages(folder: Path) -> list[tuple[Message, dict[str, str]]]:
    """Every message of the template, with its default translations per language: the
    interface's (in the English's order), then the framework's (in its order)."""
    out: list[tuple[Message, dict[str, str]]] = []
    for m in interface_messages(folder):
        out.append((Message(m.id, "", auto_comments=list(m.auto_comments), context=m.context), {}))
    seen = {m.context for m, _ in out}
    languages = tuple(_languages(folder))
    for fm in framework_messages.messages(framework.load(), languages):
        if fm.key in seen:
            raise ValueError(f"{fm.key} is both an interface message and a framework label")
        seen.add(fm.key)
        out.append(
            (Message(fm.english, "", auto_comments=[fm.comment], context=fm.key), fm.defaults)
        )
    return out


# --- writing ----------------------------------------------------------------------------


def _catalog(code: str | None, header: str, previous: Catalog | None) -> Catalog:
    cat = Catalog(
        locale=code,
        domain=i18n.DOMAIN,
        project=PROJECT,
        version="1",
        header_comment="\n".join(f"# {line}".rstrip() for line in header.splitlines()),
        fuzzy=False,
    )
    if previous is not None:  # keep the dates and the translators' names: stable files
        cat.creation_date = previous.creation_date
        cat.revision_date = previous.revision_date
        cat.last_translator = previous.last_translator
        cat.language_team = previous.language_team
    return cat


def _render(cat: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, cat, width=WIDTH, omit_header=False, include_previous=True)
    return out.getvalue()


def _read(path: Path, code: str | None) -> Catalog | None:
    if not path.is_file():
        return None
    cat = i18n.read_catalogue(path, code)
    previous = _previous_ids(path)  # Babel reads no "#| msgid" line: a fuzzy one keeps it
    for message in cat:
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        if message.context in previous:
            message.previous_id = previous[message.context]
    return cat


def _previous_ids(path: Path) -> dict[str, list[str]]:
    """msgctxt -> the previous msgid(s) written above it ("#| msgid ..." lines)."""
    out: dict[str, list[str]] = {}
    held: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#| msgid"):
            held.append([line.split(" ", 2)[2]])
        elif line.startswith('#| "') and held:
            held[-1].append(line[3:])
        elif line.startswith("msgctxt "):
            if held:
                out[unescape(line[len("msgctxt ") :])] = [
                    "".join(unescape(p) for p in h) for h in held
                ]
            held = []
        elif not line.startswith("#"):
            held = []
    return out


def _empty_string(message: Message, cat: Catalog) -> str | tuple[str, ...]:
    return ("",) * cat.num_plurals if isinstance(message.id, tuple | list) else ""


def _merge(code: str, template: list[tuple[Message, dict]], old: Catalog | None) -> Catalog:
    """The catalogue of a language: the template's messages, each with its old translation
    (found by key; fuzzy when its English changed), or its default, or nothing."""
    native = i18n.language_name(code)
    english_name = Locale.parse(code).english_name
    header = LANGUAGE_HEADER.format(name=english_name, native=native, project=PROJECT)
    if old is not None and old.header_comment and "REVIEW STATUS" in old.header_comment:
        header = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                           for line in old.header_comment.splitlines())  # fmt: skip
    cat = _catalog(code, header, old)
    previous = {m.context: m for m in old if m.id and m.context} if old is not None else {}
    for message, defaults in template:
        was = previous.get(message.context)
        new = Message(
            message.id,
            _empty_string(message, cat),
            auto_comments=list(message.auto_comments),
            context=message.context,
        )
        if was is not None and _has_text(was.string) and _same_shape(was.string, new.string):
            new.string = was.string
            new.user_comments = list(was.user_comments)
            if was.id != message.id:
                new.flags.add("fuzzy")
                new.previous_id = [was.id] if isinstance(was.id, str) else list(was.id)
            elif was.fuzzy:
                new.flags.add("fuzzy")
                new.previous_id = list(was.previous_id)
        elif code in defaults:
            new.string = defaults[code]
            new.user_comments = list(was.user_comments) if was is not None else []
        elif was is not None:
            new.user_comments = list(was.user_comments)
        cat[message.id] = new
    return cat


def _has_text(text: str | tuple | list | None) -> bool:
    return any(text) if isinstance(text, tuple | list) else bool(text)


def _same_shape(a: object, b: object) -> bool:
    return isinstance(a, tuple | list) == isinstance(b, tuple | list)


def plan(folder: Path | None = None) -> dict[Path, bytes]:
    """Every catalogue file as `update` would write it."""
    folder = folder or i18n.LOCALES_DIR
    template = template_messages(folder)
    out: dict[Path, bytes] = {}

    english_path = _english_path(folder)
    english = _catalog(i18n.FALLBACK, ENGLISH_HEADER, _read(english_path, i18n.FALLBACK))
    pot_path = folder / i18n.TEMPLATE
    pot = _catalog(None, TEMPLATE_HEADER.format(project=PROJECT), _read(pot_path, None))
    for message, _ in template:
        for cat in (english, pot):
            cat[message.id] = Message(
                message.id,
                _empty_string(message, cat),
                auto_comments=list(message.auto_comments),
                context=message.context,
            )
    out[english_path] = _render(english)
    out[pot_path] = _render(pot)
    for code in _languages(folder):
        path = i18n.po_path(code, folder)
        out[path] = _render(_merge(code, template, _read(path, code)))
    return out


def stale(folder: Path | None = None) -> list[Path]:
    """The catalogue files that `update` would change."""
    return [p for p, data in plan(folder).items() if not p.is_file() or p.read_bytes() != data]


def update(folder: Path | None = None) -> list[Path]:
    written = []
    for path, data in plan(folder).items():
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    return written


# --- checks -----------------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    """The {names} of a text (ValueError when its braces are broken)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _texts(value: str | tuple | list | None) -> list[str]:
    if isinstance(value, tuple | list):
        return [v for v in value if v]
    return [value] if value else []


def placeholder_problems(code: str, path: Path) -> list[str]:
    """Translations whose {placeholders} differ from the English's, or whose braces are
    broken (the dashboard would fall back to the English there)."""
    problems = []
    for m in i18n.read_catalogue(path, code):
        if not m.id or not m.context:
            continue
        english = set().union(*(placeholders(e) for e in _texts(m.id)))
        for text in _texts(m.string):
            try:
                found = placeholders(text)
            except ValueError as exc:
                problems.append(f"{path}: {m.context}: broken braces in {text!r} ({exc})")
                continue
            if found != english:
                want = ", ".join(sorted(f"{{{p}}}" for p in english)) or "none"
                got = ", ".join(sorted(f"{{{p}}}" for p in found)) or "none"
                problems.append(f"{path}: {m.context}: placeholders {got}, the English has {want}")
    return problems


@dataclass
class CodeKeys:
    """The catalogue keys the code names: `called` are passed to t(), has() or no_rows();
    `named` appear anywhere as a key-shaped string. Patterns stand for f-strings."""

    called: dict[str, str] = field(default_factory=dict)  # key -> where
    named: set[str] = field(default_factory=set)
    called_patterns: dict[str, str] = field(default_factory=dict)  # regex -> where
    named_patterns: set[str] = field(default_factory=set)

    def uses(self, key: str) -> bool:
        return key in self.named or any(re.fullmatch(p, key) for p in self.named_patterns)


def _pattern(node: ast.JoinedStr) -> str | None:
    """A regular expression for an f-string that builds a key, e.g. f"page.{key}.title" ->
    page\\.[^.]+\\.title; None when it has no fixed text to go by."""
    parts, fixed = [], ""
    for i, value in enumerate(node.values):
        if isinstance(value, ast.Constant):
            parts.append(re.escape(str(value.value)))
            fixed += str(value.value)
        else:  # a leading value may hold dots ("budget.kpi.cost" in f"{label}_help")
            parts.append(".+" if i == 0 else "[^.]+")
            fixed += "x" if i else "x.x"
    if not re.search(r"[a-z]{2}", fixed.replace("x.x", "").replace("x", "")):
        return None
    return "".join(parts) if KEY_SHAPE.match(fixed) else None


def _label_pattern(call: ast.Call) -> str | None:
    """The keys an i18n.label(kind, code, field) call reads, as a pattern."""
    args = [*call.args, *(k.value for k in call.keywords if k.arg == "field")]
    literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args]
    if not args or not literal[0]:
        return None
    field = args[2].value if len(args) > 2 and literal[2] else "label"
    return rf"{re.escape(args[0].value)}\.[^.]+\.{re.escape(field)}"


def code_keys(roots: Iterable[Path] | None = None) -> CodeKeys:
    found = CodeKeys()
    roots = list(roots) if roots is not None else [paths.ROOT / d for d in CODE_DIRS]
    for root in roots:
        for path in sorted(p for p in root.rglob("*.py") if p.name not in NOT_USES):
            where = (
                str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)
            )
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if KEY_SHAPE.match(node.value):
                        found.named.add(node.value)
                elif isinstance(node, ast.JoinedStr) and (pattern := _pattern(node)):
                    found.named_patterns.add(pattern)
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name == "label" and (pattern := _label_pattern(node)):
                    found.named_patterns.add(pattern)  # i18n.label("sex", code) names sex.*.label
                if name not in KEY_CALLS:
                    continue
                first = node.args[0]
                at = f"{where}:{node.lineno}"
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.called[first.value] = at
                elif isinstance(first, ast.JoinedStr) and (pattern := _pattern(first)):
                    found.called_patterns[pattern] = at
    return found


def usage_problems(folder: Path | None = None, keys: CodeKeys | None = None) -> list[str]:
    """Keys the code uses that the template lacks, and interface messages no code uses."""
    folder = folder or i18n.LOCALES_DIR
    keys = keys or code_keys()
    template = {m.context for m, _ in template_messages(folder)}
    interface = [m.context for m in interface_messages(folder)]
    problems = [
        f"{where}: the key {key!r} is in no catalogue (add it to the English, then update)"
        for key, where in sorted(keys.called.items())
        if key not in template
    ]
    problems += [
        f"{where}: no catalogue key matches {pattern!r}"
        for pattern, where in sorted(keys.called_patterns.items())
        if not any(re.fullmatch(pattern, k) for k in template)
    ]
    problems += [
        f"{_english_path(folder)}: {key!r} is used nowhere in the code (remove it, then update)"
        for key in interface
        if not keys.uses(key)
    ]
    return problems


def problems(folder: Path | None = None) -> list[str]:
    folder = folder or i18n.LOCALES_DIR
    out = []
    for path in stale(folder):
        out.append(f"{path} is not up to date: run python -m dashboard.catalogues update")
    for code in _languages(folder):
        path = i18n.po_path(code, folder)
        if path.is_file():
            out += placeholder_problems(code, path)
    out += usage_problems(folder)
    return out


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    code: str
    messages: int
    translated: int
    fuzzy: int
    untranslated: int
    interface_untranslated: int  # of the interface's own messages (not the framework's)


def completeness(folder: Path | None = None) -> list[Completeness]:
    folder = folder or i18n.LOCALES_DIR
    out = []
    for code in _languages(folder):
        path = i18n.po_path(code, folder)
        if not path.is_file():
            continue
        rows = [m for m in i18n.read_catalogue(path, code) if m.id and m.context]
        done = [m for m in rows if _has_text(m.string) and not m.fuzzy]
        fuzzy = [m for m in rows if m.fuzzy]
        empty = [m for m in rows if not _has_text(m.string)]
        interface = [m for m in empty if not framework_messages.is_framework_key(m.context)]
        out.append(Completeness(code, len(rows), len(done), len(fuzzy), len(empty), len(interface)))
    return out


# --- the command ------------------------------------------------------------------------

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.split("\n")[0])
FolderOption = Annotated[Path, typer.Option("--folder", help="The catalogues' folder.")]


@app.command("update")
def update_command(folder: FolderOption = i18n.LOCALES_DIR) -> None:
    """Bring every catalogue up to date with the English and the framework."""
    written = update(folder)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(written)} file(s) changed" if written else "every catalogue is up to date")


@app.command("check")
def check_command(folder: FolderOption = i18n.LOCALES_DIR) -> None:
    """Check the catalogues as the tests do; exit 1 and say what is wrong."""
    found = problems(folder)
    for line in found:
        typer.echo(line, err=True)
    if found:
        raise typer.Exit(1)
    typer.echo("the catalogues are consistent")


@app.command("report")
def report_command(folder: FolderOption = i18n.LOCALES_DIR) -> None:
    """How much of each catalogue is translated (untranslated messages show in English)."""
    typer.echo(f"{'language':<18}{'messages':>9}{'translated':>11}{'fuzzy':>7}"
               f"{'untranslated':>13}{'of which interface':>20}")  # fmt: skip
    for row in completeness(folder):
        name = f"{row.code} {i18n.language_name(row.code)}"
        typer.echo(f"{name:<18}{row.messages:>9}{row.translated:>11}{row.fuzzy:>7}"
                   f"{row.untranslated:>13}{row.interface_untranslated:>20}")  # fmt: skip


if __name__ == "__main__":
    app(prog_name="python -m dashboard.catalogues")
