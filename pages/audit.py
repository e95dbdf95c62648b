"""Audit trail (the data team): who signed in, failed, signed out or was timed out, and who
downloaded what; whether the trail's chain of hashes is whole."""

import datetime as dt

from dashboard import audit, filters, ui
from dashboard.i18n import t


def body(ctx: ui.PageContext) -> None:
    trail = audit.trail()
    problems = trail.verify()
    if problems:
        ui.warn(t("audit.broken", problems="; ".join(problems)))
    else:
        ui.reading(t("audit.whole", n=len(trail.entries()), file=str(trail.path)))
    entries = list(reversed(trail.entries()))  # newest first
    if not entries:
        ui.no_rows("audit.empty")
        return
    events = ["all", *audit.EVENTS]
    event = filters.page_choice(
        "event", t("audit.event"), events, format_func=_event_labels().__getitem__
    )
    users = ["all", *sorted({e["user"] for e in entries if e.get("user")})]
    who = filters.page_choice(
        "user",
        t("audit.user"),
        users,
        format_func={u: t("audit.anyone") if u == "all" else u for u in users}.__getitem__,
    )
    days = sorted({e["time"][:10] for e in entries})
    since = filters.page_choice("since", t("audit.since"), days, default=days[0], format_func=str)
    shown = [
        e
        for e in entries
        if (event == "all" or e["event"] == event)
        and (who == "all" or e.get("user") == who)
        and e["time"][:10] >= since
    ]
    ui.text_table(audit_rows(shown))


def _event_labels() -> dict[str, str]:
    return {e: t(f"audit.events.{e}") for e in ["all", *audit.EVENTS]}


def audit_rows(entries: list[dict]) -> list[dict[str, str]]:
    labels = _event_labels()
    return [
        {
            t("audit.col.time"): dt.datetime.fromisoformat(e["time"]).strftime(
                "%Y-%m-%d %H:%M:%S UTC"
            ),
            t("audit.col.event"): labels.get(e["event"], e["event"]),
            t("audit.col.user"): e.get("user") or "",
            t("audit.col.role"): t(f"access.role.{e['role']}") if e.get("role") else "",
            t("audit.col.page"): t(f"page.{e['page']}.title") if e.get("page") else "",
            t("audit.col.filters"): ", ".join(
                f"{k}={v}" for k, v in (e.get("filters") or {}).items()
            ),
            t("audit.col.file"): e.get("file") or "",
            t("audit.col.rows"): "" if e.get("rows") is None else str(e["rows"]),
            t("audit.col.detail"): e.get("detail") or "",
        }
        for e in entries
    ]


ui.run_page("audit", body, needs_data=False)
