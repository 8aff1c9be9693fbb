"""What is not yet translated, per language, ranked by how often it would play on the screens.

For each site, the slides its bundle would carry (``plan.plan_site``) and the language turns
each plays in: a turn whose language has no text for the item plays French (or is skipped),
so translating it first helps most where it plays most. "How often" is the item's share of
each screen's loop (its rules' ``weight`` over the sum of the weights of the site's slides),
added up over the screens: 1.0 would be one whole screen. Items that play nowhere but lack a
translation for the website are counted apart. Pure: corpus and ``now`` in, rows out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from p2f_kiosk.plan import plan_site
from p2f_model.corpus import Corpus
from p2f_model.vocabulary import TRANSLATION_LANGUAGES


@dataclass
class Missing:
    lang: str
    slug: str
    kind: str
    path: str
    share: float = 0.0  # of a screen's loop, summed over screens
    sites: list[str] = field(default_factory=list)


def missing_translations(corpus: Corpus, now: datetime) -> list[Missing]:
    """Rows per (language, item) with no text in that language, most played first."""
    rows: dict[tuple[str, str], Missing] = {}
    for site in sorted(item.slug for item in corpus.of_kind("site")):
        planned = plan_site(corpus, site, now)
        total = sum(p.item.rules.weight for p in planned) or 1.0
        turns = corpus.items[site].data.languages  # a turn may skip what is not translated
        for slide in planned:
            wanted = slide.item.rules.languages
            for lang in turns:
                if lang in slide.item.texts or (wanted and lang not in wanted):
                    continue
                key = (lang, slide.item.slug)
                row = rows.setdefault(
                    key, Missing(lang, slide.item.slug, slide.item.kind, slide.item.path)
                )
                row.share += slide.item.rules.weight / total
                row.sites.append(site)
    for item in corpus.items.values():
        if item.kind == "site":
            continue
        for lang in TRANSLATION_LANGUAGES:
            if lang not in item.texts:
                rows.setdefault((lang, item.slug), Missing(lang, item.slug, item.kind, item.path))
    return sorted(rows.values(), key=lambda r: (r.lang, -r.share, -len(r.sites), r.slug))


def table(rows: list[Missing], limit: int = 15) -> str:
    """A plain-text table per language: the ``limit`` most played, then how many others."""
    by_lang: dict[str, list[Missing]] = defaultdict(list)
    for row in rows:
        by_lang[row.lang].append(row)
    lines = []
    for lang in sorted(by_lang):
        group = by_lang[lang]
        playing = [r for r in group if r.sites]
        lines.append(
            f"== {lang}: {len(group)} items not translated, {len(playing)} of them on screens"
        )
        lines.append(f"{'share':>7}  {'screens':>7}  {'kind':<6}  file")
        for row in group[:limit]:
            share = f"{row.share * 100:6.1f}%" if row.sites else "      -"
            lines.append(f"{share}  {len(row.sites):>7}  {row.kind:<6}  {row.path}")
        if len(group) > limit:
            lines.append(f"   ... and {len(group) - limit} more (website only or rarely played)")
        lines.append("")
    return "\n".join(lines) if lines else "Every item is translated in every language.\n"
