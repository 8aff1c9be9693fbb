"""DATAtourisme JSON-LD read honestly: expanded with the flux's own context, offline.

A flux object is compact JSON-LD without its ``@context`` (the flux ships one
``context.jsonld`` beside ``objects/``). Expanding with that context (pyld) turns every
generation of the format into the same shape: full IRIs, every value a list, literals as
``{"@value", "@language"}`` whether upstream wrote ``{"fr": ["x"]}``, ``{"fr": "x"}`` or
``"x"``, and ``hasAddressCity`` a list whether it was an object or a list. ``short`` then
maps both ontology namespaces (``datatourisme.gouv.fr`` before 2021, ``datatourisme.fr``
since) to the same local names.

No context is ever fetched from the internet: ``refuse_remote`` is pyld's document loader,
and any ``@context`` URL inside an object is replaced by the local context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld import jsonld

from p2f_import.model import RecordError

NAMESPACES = (
    ("https://www.datatourisme.gouv.fr/ontology/core#", ""),
    ("https://www.datatourisme.fr/ontology/core#", ""),
    ("http://schema.org/", "schema:"),
    ("https://schema.org/", "schema:"),
    ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"),
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"),
    ("http://purl.org/dc/elements/1.1/", "dc:"),
    ("http://purl.org/dc/terms/", "dct:"),
    ("http://www.ebu.ch/metadata/ontologies/ebucore/ebucore#", "ebucore:"),
    ("http://xmlns.com/foaf/0.1/", "foaf:"),
)

Node = dict[str, Any]


def refuse_remote(url: str, options: Any = None) -> Any:
    """pyld document loader: nothing is loaded over the network, ever."""
    raise jsonld.JsonLdError(
        f"{url}: remote JSON-LD documents are not loaded; the flux's context.jsonld is read "
        "from disk",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def short(iri: str) -> str:
    for namespace, prefix in NAMESPACES:
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return iri


def context_of(document: Any) -> dict[str, Any]:
    """The context inside a ``context.jsonld`` (with or without an ``@context`` wrapper)."""
    if isinstance(document, Mapping) and isinstance(document.get("@context"), Mapping):
        return dict(document["@context"])
    if isinstance(document, Mapping):
        return dict(document)
    raise RecordError("context.jsonld is not a JSON object")


def expand(obj: Mapping[str, Any], context: Mapping[str, Any]) -> Node:
    """The object's own node, expanded with ``context`` and with short property names."""
    record_id = obj.get("@id")
    if not isinstance(record_id, str):
        raise RecordError("the object has no @id")
    document = {k: v for k, v in obj.items() if k != "@context"}
    document["@context"] = dict(context)
    try:
        expanded = jsonld.expand(document, {"documentLoader": refuse_remote})
    except jsonld.JsonLdError as error:
        raise RecordError(f"not JSON-LD this context can read ({error})") from None
    for node in expanded:
        if node.get("@id") == record_id:
            return _shorten(node)
    raise RecordError("the object's @id is not a node of the expanded document")


def _shorten(value: Any) -> Any:
    if isinstance(value, list):
        return [_shorten(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "@value" in value:
        return value
    out: Node = {}
    for key, item in value.items():
        if key == "@type":
            out[key] = [short(t) for t in item]
        elif key == "@id":
            out[key] = short(item)
        else:
            out[short(key)] = _shorten(item)
    return out


def nodes(node: Node, prop: str) -> list[Node]:
    return [v for v in node.get(prop, []) if isinstance(v, dict) and "@value" not in v]


def strings(node: Node, prop: str) -> list[str]:
    """Plain values of ``prop`` (literals, and IRIs of linked resources)."""
    out = []
    for value in node.get(prop, []):
        if isinstance(value, dict) and "@value" in value:
            out.append(str(value["@value"]))
        elif isinstance(value, dict) and set(value) == {"@id"}:
            out.append(value["@id"])
    return out


def texts(node: Node, prop: str) -> dict[str, str]:
    """Language -> text of a language-tagged property ("" for untagged values)."""
    found: dict[str, list[str]] = {}
    for value in node.get(prop, []):
        if isinstance(value, dict) and "@value" in value:
            found.setdefault(str(value.get("@language", "")), []).append(str(value["@value"]))
    return {lang: "\n\n".join(parts) for lang, parts in found.items()}


def first(node: Node, prop: str) -> str | None:
    found = strings(node, prop)
    return found[0] if found else None


def booleans(node: Any, prop: str) -> bool:
    """True if ``prop`` is true anywhere under ``node``."""
    if isinstance(node, list):
        return any(booleans(v, prop) for v in node)
    if not isinstance(node, dict) or "@value" in node:
        return False
    for key, value in node.items():
        if key == prop and any(isinstance(v, dict) and v.get("@value") is True for v in value):
            return True
        if isinstance(value, list) and booleans(value, prop):
            return True
    return False
