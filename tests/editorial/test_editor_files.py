"""What the web editor saves is rewritten in the house style (p2f_editorial.cms_files)."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

from p2f_editorial import cms_config, cms_files

from p2f_model.load import load_corpus
from p2f_model.schema import MODELS
from tests.conftest import PLACE, ROOT, WriteContent

# Decap CMS's own front-matter writer (decap-cms-core formats/frontmatter.js and yaml.js, with
# the same gray-matter and yaml packages): it loads a file and writes it back as Decap does.
DECAP_FORMAT = r"""
// Decap CMS's own front-matter round trip (decap-cms-core formats/frontmatter.js + yaml.js):
// stdin: JSON [{text, order}] -> stdout: JSON [text as Decap writes it after loading it].
const matter = require('gray-matter');
const yaml = require('yaml');
const fromFile = (content) => {
  if (content && content.trim().endsWith('---')) content = content.trim().slice(0, -3);
  const doc = yaml.parseDocument(content);
  if (doc.errors.length > 0) throw new Error(doc.errors.map(e => e.message).join('\n'));
  return doc.toJSON();
};
const sortKeys = (order) => (a, b) => {
  const ia = order.indexOf(a.key.toString()), ib = order.indexOf(b.key.toString());
  if (ia === -1 && ib === -1) return 0; if (ia === -1) return 1; if (ib === -1) return -1;
  return ia - ib;
};
const engines = { yaml: { parse: fromFile, stringify: (data, opts) => {
  const contents = yaml.createNode(data);
  contents.items.sort(sortKeys((opts && opts.sortedKeys) || []));
  const doc = new yaml.Document(); doc.contents = contents; return doc.toString();
} } };
let input = ''; process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(({ text, order }) => {
    const result = matter(text, { engines, language: 'yaml', delimiters: '---' });
    const data = { ...result.data, ...(result.content.trim() && { body: result.content }) };
    const { body = '', ...meta } = data;
    const trim = body.slice(-1) !== '\n';
    const file = matter.stringify(body, meta, { engines, sortedKeys: order, language: 'yaml', delimiters: '---' });
    return trim && file.slice(-1) === '\n' ? file.slice(0, -1) : file;
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def decap_rewrites(texts: list[tuple[str, str]]) -> list[str]:
    """Each ``(folder, text)`` as Decap writes it after loading it, fields in form order."""
    orders = {
        c["name"]: [f["name"] for f in c["fields"]] for c in cms_config.config()["collections"]
    }
    request = [{"text": text, "order": orders[folder]} for folder, text in texts]
    done = subprocess.run(
        ["node", "-e", DECAP_FORMAT],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NODE_PATH": str(ROOT / "node_modules")},
    )
    return list(json.loads(done.stdout))


def save(path: str, sent: str, existing: str | None) -> str | None:
    found = cms_files.target(cms_files.to_editor(path))
    assert found is not None
    managed = cms_config.managed_fields(MODELS[found.kind])
    return cms_files.normalise(sent, existing, found.kind, found.lang, managed)


def test_every_sample_file_survives_decap_unchanged() -> None:
    files = sorted(
        p for p in (ROOT / "content").rglob("*.md") if p.parent.name in cms_files.v.FOLDERS
    )
    texts = [p.read_text(encoding="utf-8") for p in files]
    rewritten = decap_rewrites([(p.parent.name, t) for p, t in zip(files, texts, strict=True)])
    assert len(files) > 300
    assert sum(a != b for a, b in zip(texts, rewritten, strict=True)) > 300  # Decap's own style
    for path, text, sent in zip(files, texts, rewritten, strict=True):
        assert save(str(path.relative_to(ROOT)), sent, text) == text, path


def test_a_changed_field_is_one_changed_line_in_the_house_style() -> None:
    original = textwrap.dedent(PLACE)
    (sent,) = decap_rewrites([("lieux", original.replace("7 j/7.", "7 j/7, même la nuit."))])
    result = save("content/lieux/veto-pinede.md", sent, original)
    assert result is not None
    changed = [
        (a, b) for a, b in zip(original.splitlines(), result.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        (
            "summary: Urgences vétérinaires 7 j/7.",
            "summary: Urgences vétérinaires 7 j/7, même la nuit.",
        )
    ]


def test_a_new_item_is_written_as_a_reporter_writes_it(
    write_content: WriteContent,
) -> None:
    sent = (
        "---\ntitle: Fête du port\nstatus: published\nsummary: ''\ntags: []\n"
        "provenance:\n  source: mairie\n  verified_by: Léa Martin\n  verified_on: 2026-11-20\n"
        "starts: 2027-07-14T19:00\nends: 2027-07-14T23:00\nplace: veto-pinede\nprice: 0\n"
        "rules:\n  sites:\n    - gare\n---\nGrand bal.\n"
    )
    text = save("content/agenda/fete-du-port.fr.md", sent, None)
    assert text == (
        "---\ntitle: Fête du port\nrules:\n  sites: [gare]\n"
        "provenance: {source: mairie, verified_by: Léa Martin, verified_on: 2026-11-20}\n"
        "starts: 2027-07-14T19:00\nends: 2027-07-14T23:00\nplace: veto-pinede\nprice: 0\n"
        "---\n\nGrand bal.\n"
    )  # empty fields and the form's pre-set default (status: published) left out
    content = write_content({"agenda/fete-du-port.md": text})
    assert load_corpus(content).problems == []


def test_fields_the_editor_does_not_show_are_kept_and_cleared_ones_removed() -> None:
    existing = (
        "---\n# proposed through the website form; contact: a@b.example\n"
        "title: Fête\nsummary: Un bal.\nrules: {sites: [gare]}\n"
        "provenance: {source: x y z, verified_by: L, verified_on: 2026-11-20}\n"
        "starts: 2027-07-14T19:00\nends: 2027-07-14T23:00\nplace: p\n---\n\nTexte.\n"
    )
    # Decap without rules (not in its form), the summary cleared, the title changed
    sent = (
        "---\ntitle: Fête du port\nsummary: ''\nprovenance:\n  source: x y z\n"
        "  verified_by: L\n  verified_on: 2026-11-20\nstarts: 2027-07-14T19:00\n"
        "ends: 2027-07-14T23:00\nplace: p\n---\nTexte.\n"
    )
    assert save("content/agenda/fete.md", sent, existing) == existing.replace(
        "title: Fête\nsummary: Un bal.\n", "title: Fête du port\n"
    )


def test_translations() -> None:
    existing = "---\n{title: Harbour party, alt: [A quay]}\n---\n\nA ball.\n"
    same = "---\ntitle: Harbour party\nalt:\n  - A quay\n---\nA ball.\n"
    assert save("content/agenda/fete.en.md", same, existing) == existing
    changed = same.replace("Harbour party", "Harbour ball")
    assert save("content/agenda/fete.en.md", changed, existing) == (
        "---\ntitle: Harbour ball\nalt: [A quay]\n---\n\nA ball.\n"
    )
    # a language left empty, or fields of the original sent with a translation
    assert save("content/agenda/fete.de.md", "", None) is None
    assert save("content/agenda/fete.de.md", "---\nimages: []\n---\n", None) is None
    sent = "---\ntitle: Fiesta\nprovenance:\n  source: ''\n---\nBaile.\n"
    assert save("content/agenda/fete.es.md", sent, None) == "---\ntitle: Fiesta\n---\n\nBaile.\n"


def test_paths() -> None:
    assert cms_files.to_editor("content/lieux/x.md") == "content/lieux/x.fr.md"
    assert cms_files.to_disk("content/lieux/x.fr.md") == "content/lieux/x.md"
    assert cms_files.to_disk("content/lieux/x.en.md") == "content/lieux/x.en.md"
    assert cms_files.to_editor("content/lieux/x.en.md") == "content/lieux/x.en.md"
    assert cms_files.to_disk("content/images/x.png") == "content/images/x.png"
    assert cms_files.target("content/reglages/ecrans.md") is None
    assert cms_files.target("content/lieux/x.md") == cms_files.Target(
        "content/lieux/x.md", "place", None
    )
