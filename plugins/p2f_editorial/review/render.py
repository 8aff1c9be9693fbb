"""The reviewer's page (one HTML file, screenshots beside it) and the Markdown summary.

Pure: a ``Review`` in, text out. The HTML page is for people: French-speaking reviewers read
it, but field names stay as they are written in the content files so that they can be found.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from p2f_editorial.review.kiosks import top_plays
from p2f_editorial.review.model import Review
from p2f_player.contract.rules import to_local

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def moment_words(review: Review) -> str:
    local = to_local(review.moment)
    return f"{WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M} (Paris)"


def html(review: Review) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("review.html").render(
        review=review, moment=moment_words(review), top_plays=top_plays
    )


def _cell(text: str | None) -> str:
    if text is None:
        return "—"
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def markdown(review: Review, page_name: str = "review.html") -> str:
    """The summary for a pull-request comment; the HTML page holds the details."""
    head = review.head
    lines = [f"## Review of {head.rev[:10]} against {review.base.rev[:10]}", ""]
    if not head.check_ok:
        lines += ["**check: FAILED** — fix these lines first:", "", "```"]
        lines += [*head.check_output.splitlines()[:30], "```", ""]
    elif not head.built:
        lines += ["**check: ok, build: FAILED**", "", "```", head.build_error[-1500:], "```", ""]
    else:
        last = head.check_output.splitlines()[-1] if head.check_output else "check: ok"
        lines += [f"**{last}**", ""]
    counts = {
        s: sum(1 for i in review.items if i.status == s) for s in ("added", "changed", "removed")
    }
    lines.append(
        f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed; "
        f"{review.warnings} warning(s); {len(review.pages)} website page(s) change; "
        f"{len(review.kiosks)} screen(s) affected."
    )
    lines.append("")
    if review.items:
        lines += ["| item | | fields | provenance | warnings |", "|---|---|---|---|---|"]
        for item in review.items:
            if item.status == "changed":
                fields = "; ".join(
                    f"`{c.path}`: {_cell(c.before)} → {_cell(c.after)}" for c in item.fields[:6]
                )
                if len(item.fields) > 6:
                    fields += f"; … {len(item.fields) - 6} more"
            else:
                fields = f"{item.kind}, {len(item.fields)} fields"
            if item.body_diff and item.status == "changed":
                fields += ("; " if fields else "") + "text changed"
            prov = item.provenance
            who = (
                f"{prov.get('verified_by', '?')}, {prov.get('verified_on', '?')}, "
                f"{_cell(prov.get('source'))}"
                if prov
                else "—"
            )
            warns = "<br>".join(f"⚠ {_cell(w)}" for w in item.warnings)
            if item.error:
                warns = f"⛔ {_cell(item.error)}<br>" + warns
            lines.append(
                f"| `{item.path}` {_cell(item.title)} | {item.status} | {fields or '—'} | "
                f"{who} | {warns or 'none'} |"
            )
        lines.append("")
    if review.kiosks:
        lines.append(f"### Screens, {moment_words(review)}")
        lines.append("")
        for kiosk in review.kiosks:
            parts = []
            if kiosk.added:
                parts.append("new slides " + ", ".join(kiosk.added))
            if kiosk.removed:
                parts.append("slides gone " + ", ".join(kiosk.removed))
            if kiosk.changed:
                parts.append("changed " + ", ".join(kiosk.changed))
            for sponsor, (old, new) in kiosk.sponsors.items():
                played = (
                    kiosk.before.sponsor_share(sponsor) if kiosk.before else 0.0,
                    kiosk.after.sponsor_share(sponsor) if kiosk.after else 0.0,
                )
                parts.append(
                    f"sponsor {sponsor}: booked {old:.0%} → {new:.0%}, "
                    f"played this hour {played[0]:.0%} → {played[1]:.0%}"
                )
            if kiosk.plays_differ:
                parts.append("what it plays this hour changes")
            lines.append(f"- **{kiosk.site}**: " + "; ".join(parts or ["no change"]))
        lines.append("")
    if review.hard_limit:
        lines.append(
            f"{len(review.hard_limit)} published item(s) are past their hard verification "
            "limit (see the page)."
        )
        lines.append("")
    lines.append(f"Details, screenshots and each screen's hour before/after: `{page_name}`.")
    return "\n".join(lines) + "\n"
