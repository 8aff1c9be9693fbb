"""The end of a run: a one-line summary for the terminal, a Markdown report for the reviewer.

Pure: a ``run.Result`` in, text out. Nothing from a request (an API key) ever reaches a
``Result``, so nothing of it can reach a report.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from p2f_import.run import Result

MAX_LISTED = 200  # per section: a first run over a whole region lists thousands


def summary(result: Result) -> str:
    reasons = Counter(s.reason for s in result.skipped)
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(reasons.items())) or "none"
    conflicts = sum(len(o.conflicts) for o in result.outcomes)
    extra = "".join(
        f", {n} {what}"
        for n, what in (
            (len(result.venues), "venue place(s) created"),
            (len(result.pictures), "picture(s) stored"),
            (len(result.missed), "picture(s) not stored"),
            (len(result.gone), "gone upstream"),
        )
        if n
    )
    return (
        f"import {result.source}: {result.count('created')} created, "
        f"{result.count('updated')} updated, {result.count('unchanged')} unchanged, "
        f"{len(result.skipped)} skipped ({skipped}), {conflicts} conflict(s){extra}"
    )


def _listed(title: str, entries: list[str]) -> list[str]:
    if not entries:
        return []
    lines = [f"## {title} ({len(entries)})", ""]
    lines += [f"- {entry}" for entry in entries[:MAX_LISTED]]
    if len(entries) > MAX_LISTED:
        lines.append(f"- … and {len(entries) - MAX_LISTED} more")
    return [*lines, ""]


def _shown(value: Any) -> str:
    text = str(value).replace("\n", " ")
    return f"`{text[:80]}{'…' if len(text) > 80 else ''}`"


def markdown(result: Result, when: str) -> str:
    lines = [f"# Import {result.source} — {when}", "", summary(result), ""]
    lines += [
        "Every created item is a **draft** (`status: draft`): it is checked but shown on no",
        "screen and on no page until a reviewer reads it, fixes it and sets",
        '`status: published`. See docs/importing.md, "Reviewing an import".',
        "",
    ]
    if result.notes:
        lines += ["## About the input", ""] + [f"- {note}" for note in result.notes] + [""]
    conflicts = [(o, c) for o in result.outcomes for c in o.conflicts]
    if conflicts:
        lines += ["## Conflicts: a reporter's edit was kept", ""]
        for _outcome, conflict in conflicts[:MAX_LISTED]:
            lines.append(
                f"- content/{conflict.path}: `{conflict.field}` kept {_shown(conflict.kept)}; "
                f"upstream now says {_shown(conflict.upstream)}"
            )
        lines.append("")
    if result.cancelled:
        lines += ["## Cancelled upstream", ""]
        lines += [f"- content/{path}: remove it or say it is cancelled" for path in
                  result.cancelled] + [""]  # fmt: skip
    lines += _listed(
        "Gone upstream — check whether it was cancelled (nothing was deleted)",
        [f"content/{path}: {why}" for path, why in result.gone],
    )
    lines += _listed(
        "Pictures whose alt text is a placeholder: describe each picture before publishing",
        [f"content/{path}" for path in result.placeholders],
    )
    lines += _listed(
        "Pictures not stored (still listed in imported.media)",
        [f"{m.record_id}: {m.url} — {m.reason}" for m in result.missed],
    )
    lines += _listed(
        "Places created as the venue of an event: check name, address and category",
        [f"content/{path}" for path in result.venues],
    )
    for action, title in (("created", "Created"), ("updated", "Updated")):
        chosen = [o for o in result.outcomes if o.action == action]
        if not chosen:
            continue
        lines += [f"## {title} ({len(chosen)})", ""]
        for outcome in chosen[:MAX_LISTED]:
            fields = "" if action == "created" else f": {', '.join(outcome.changed)}"
            lines.append(f"- content/{outcome.path}{fields}")
        if len(chosen) > MAX_LISTED:
            lines.append(f"- … and {len(chosen) - MAX_LISTED} more")
        lines.append("")
    if result.skipped:
        lines += ["## Skipped, by reason", ""]
        by_reason: dict[str, list[str]] = {}
        for skipped in result.skipped:
            detail = f" — {skipped.detail}" if skipped.detail else ""
            by_reason.setdefault(skipped.reason, []).append(f"{skipped.record_id}{detail}")
        for reason, entries in sorted(by_reason.items()):
            lines += [f"### {reason} ({len(entries)})", ""]
            lines += [f"- {entry}" for entry in entries[:MAX_LISTED]]
            if len(entries) > MAX_LISTED:
                lines.append(f"- … and {len(entries) - MAX_LISTED} more")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
