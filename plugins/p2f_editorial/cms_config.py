"""The web editor's configuration (Decap CMS ``config.yml``), generated from the content model.

One definition: every kind of ``p2f_model.schema.MODELS`` becomes a folder collection
(``content/<folder>/``), every field a widget chosen from its type (text, number, date-time,
select from a ``Literal`` vocabulary, list, object), with its required flag, its bounds and its
pattern. What the type does not say comes from the corpus (site slugs and tags) or from the
references the model's checks enforce (``REFERENCES``). A field added to a model appears in
the editor at the next start without anyone editing YAML.

Translations: Decap's ``multiple_files`` i18n, one sibling file per language; the fields that a
translation file may hold (``schema.Translation``) are the translatable ones, the others are
hidden in the other languages. ``p2f_editorial.cms_files`` maps Decap's ``slug.fr.md`` to our
``slug.md`` and writes what Decap saves back in the hand-written style.

Left out of the editor, kept as written by ``cms_files``: free-form mappings (``rules``, a
site's ``kiosk`` overrides, ``audience_hours``...), which have no form widget and are edited in
the file, and ``imported`` (the importer's bookkeeping). Pure: models and values in, a dict out.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from p2f_model import schema
from p2f_model import vocabulary as v

# Word fields that name another item (checked by p2f_model.corpus._check_references): the
# editor offers the items of that kind instead of a free text box.
REFERENCES = {"place": "place", "partner": "partner", "platform": "partner"}
NOT_EDITED = ("imported",)  # the importer's bookkeeping: reporters leave it alone
# The fields a translation file may hold that the editor shows in every language (alt texts and
# machine_translated are kept as written: they have no place in the original's form).
TRANSLATED = tuple(
    name for name in schema.Translation.model_fields if name in schema.Common.model_fields
)
BODY = "body"
DATE_FORMAT = "YYYY-MM-DD"
TIME_FORMAT = "HH:mm"
# Labels reporters read (French, like the editor's interface); other fields show their name.
LABELS = {
    "title": "Titre",
    "summary": "Résumé (écrans, listes)",
    "status": "État",
    "tags": "Mots-clés",
    "images": "Images",
    "src": "Fichier",
    "alt": "Texte alternatif (ce que montre l'image)",
    "decorative": "Décorative (pas de texte alternatif lu)",
    "credit": "Crédit (auteur, licence)",
    "provenance": "Provenance (qui a vérifié, quand, d'après quoi)",
    "source": "Source",
    "verified_by": "Vérifié par",
    "verified_on": "Vérifié le",
    BODY: "Texte",
}


@dataclass(frozen=True)
class Choices:
    """Values that come from the corpus, not from the model's types."""

    sites: Sequence[str] = ()
    site_tags: Sequence[str] = ()
    subcategories: Sequence[str] = ()  # in use in the corpus beyond the vocabulary


@dataclass(frozen=True)
class Backends:
    """Where the editor saves: the local proxy (``invoke editor``) and production."""

    local_url: str = "http://127.0.0.1:8081/api/v1"
    production: Mapping[str, Any] = field(
        default_factory=lambda: {"name": "git-gateway", "branch": "main"}
    )


class UnsupportedField(TypeError):
    """A model field whose type has no widget here: add one to ``_widget_for``."""


def choices_from(items: Iterable[Any]) -> Choices:
    """The corpus's sites, site tags and subcategories (items of ``p2f_model.corpus``)."""
    sites, tags, subcategories = set(), set(), set()
    for item in items:
        if item.kind == "site":
            sites.add(item.slug)
            tags.update(item.data.tags)
        if item.kind == "place":
            subcategories.add(item.data.subcategory)
    return Choices(sorted(sites), sorted(tags), sorted(subcategories))


def config(
    models: Mapping[str, type[BaseModel]] | None = None,
    choices: Choices | None = None,
    backends: Backends | None = None,
) -> dict[str, Any]:
    """The whole ``config.yml`` as a dict (``models`` default to ``schema.MODELS``)."""
    models = schema.MODELS if models is None else models
    choices = choices or Choices()
    backends = backends or Backends()
    return {
        "backend": dict(backends.production),
        "publish_mode": "editorial_workflow",  # draft -> in review -> ready, a PR each
        "local_backend": {"url": backends.local_url},
        "locale": v.DEFAULT_LANGUAGE,
        "media_folder": "content/images",
        "public_folder": "images",  # an image field holds images/<file>, as the model wants
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "i18n": {
            "structure": "multiple_files",
            "locales": list(v.SITE_LANGUAGES),
            "default_locale": v.DEFAULT_LANGUAGE,
        },
        "collections": [
            collection(kind, model, choices)
            for kind, model in models.items()
            if kind in v.KIND_FOLDERS
        ],
    }


def config_yaml(cfg: Mapping[str, Any]) -> str:
    header = "# Generated by p2f_editorial.cms_config from the content model: do not edit.\n"
    return header + yaml.safe_dump(dict(cfg), allow_unicode=True, sort_keys=False, width=100)


def collection(kind: str, model: type[BaseModel], choices: Choices) -> dict[str, Any]:
    folder = v.KIND_FOLDERS[kind]
    fields = [
        _field(name, info, choices)
        for name, info in _ordered_fields(model)
        if name not in NOT_EDITED and _editable(info.annotation)
    ]
    fields.append(
        {"label": LABELS[BODY], "name": BODY, "widget": "markdown", "required": False,
         "i18n": True}
    )  # fmt: skip
    return {
        "name": folder,
        "label": folder,
        "label_singular": kind,
        "folder": f"content/{folder}",
        "extension": "md",
        "format": "yaml-frontmatter",
        "create": True,
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}",
        "i18n": True,
        "fields": fields,
    }


def managed_fields(model: type[BaseModel]) -> set[str]:
    """The top-level keys the editor shows for ``model`` (and so may clear)."""
    return {
        name
        for name, info in model.model_fields.items()
        if name not in NOT_EDITED and _editable(info.annotation)
    } | {BODY}


def _ordered_fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """The title first, as reporters read a form; then the model's own order."""
    items = list(model.model_fields.items())
    return sorted(items, key=lambda pair: (pair[0] != "title",))


def _field(name: str, info: FieldInfo, choices: Choices, nested: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"label": LABELS.get(name, name.replace("_", " ")), "name": name}
    annotation, metadata = _unwrap(info.annotation, list(info.metadata))
    out |= _widget_for(name, annotation, metadata, choices)
    out["required"] = info.is_required()
    default = info.get_default()
    if not info.is_required() and default not in (None, [], {}, "") and not nested:
        out["default"] = default
    if not nested:
        # hidden in the other languages; Decap's schema allows only true/false on lists and
        # objects, which then show empty there and are ignored on save (cms_files)
        hidden = False if out["widget"] in ("list", "object") else "none"
        out["i18n"] = True if name in TRANSLATED else hidden
    return out


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """Strip ``X | None`` and ``Annotated[X, ...]``, gathering the constraints."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                raise UnsupportedField(f"{annotation}: a union the editor cannot show")
            annotation = args[0]
        else:
            return annotation, metadata


def _editable(annotation: Any) -> bool:
    """Free-form mappings have no widget: they stay as written in the file."""
    inner, _ = _unwrap(annotation, [])
    origin = typing.get_origin(inner)
    if inner is dict or origin is dict or inner is type(None):  # None: a retired field
        return False
    if origin is list:
        (item,) = typing.get_args(inner)
        item, _ = _unwrap(item, [])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return all(_editable(i.annotation) for i in item.model_fields.values())
        return _editable(item)
    return True


def _constraints(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        for key in ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern"):
            value = getattr(item, key, None)
            if value is not None:
                found[key] = value
    return found


def _widget_for(
    name: str, annotation: Any, metadata: list[Any], choices: Choices
) -> dict[str, Any]:
    limits = _constraints(metadata)
    origin = typing.get_origin(annotation)
    if name in REFERENCES and annotation is str:
        folder = v.KIND_FOLDERS[REFERENCES[name]]
        return {
            "widget": "relation", "collection": folder, "value_field": "{{slug}}",
            "search_fields": ["title"], "display_fields": ["title"],
        }  # fmt: skip
    if name == "subcategory":
        known = [s for subs in v.SUBCATEGORIES.values() for s in subs]
        extra = [s for s in choices.subcategories if s not in known]
        return {"widget": "select", "options": [*known, *extra]}
    if name == "screen_sites":
        options = [*choices.sites, *(f"tag:{t}" for t in choices.site_tags)]
        return {"widget": "select", "multiple": True, "options": options}
    if origin is Literal:
        return {"widget": "select", "options": list(typing.get_args(annotation))}
    if annotation is bool:
        return {"widget": "boolean"}
    if annotation in (int, float):
        out: dict[str, Any] = {
            "widget": "number", "value_type": "int" if annotation is int else "float"
        }  # fmt: skip
        low = limits.get("ge", limits.get("gt"))
        high = limits.get("le", limits.get("lt"))
        if low is not None:
            out["min"] = low
        if high is not None:
            out["max"] = high
        if annotation is float:
            out["step"] = 0.0001 if name in ("lat", "lon") else 0.01
        return out
    if annotation is datetime:
        return {"widget": "datetime", "date_format": DATE_FORMAT, "time_format": TIME_FORMAT}
    if annotation is date:
        return {"widget": "datetime", "date_format": DATE_FORMAT, "time_format": False}
    if annotation is str:
        if name == "src":
            return {"widget": "image", "choose_url": False}
        long = limits.get("max_length", 0) > 140
        out = {"widget": "text" if long else "string"}
        if "pattern" in limits:
            out["pattern"] = [limits["pattern"], f"letters, digits and - only ({name})"]
        return out
    if origin is list:
        (item,) = typing.get_args(annotation)
        item, item_meta = _unwrap(item, [])
        if typing.get_origin(item) is Literal:
            return {"widget": "select", "multiple": True, "options": list(typing.get_args(item))}
        if isinstance(item, type) and issubclass(item, BaseModel):
            return {"widget": "list", "fields": _subfields(item, choices)}
        inner = _widget_for(name, item, item_meta, choices)
        return {"widget": "list", "field": {"label": name, "name": name, **inner}}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {"widget": "object", "collapsed": False, "fields": _subfields(annotation, choices)}
    raise UnsupportedField(f"{name}: {annotation!r} has no editor widget")


def _subfields(model: type[BaseModel], choices: Choices) -> list[dict[str, Any]]:
    return [_field(n, i, choices, nested=True) for n, i in model.model_fields.items()]
