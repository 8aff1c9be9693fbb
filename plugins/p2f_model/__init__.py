"""The content model (DESIGN.md §3.1): kinds, fields, validation, the loaded corpus.

Pure: reads only the text it is given (the ``load`` module is the one that touches files).
Used by ``invoke check``, by the Pelican plugins and by the kiosk bundle builder.

The names below are imported on first use, not with the package: ``import p2f_model.problems``
(a build deciding whether anything changed) then costs no pydantic schema (~0.2 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from p2f_model.corpus import Corpus, Item, validate_corpus
    from p2f_model.load import load_corpus
    from p2f_model.problems import ContentError, Problem

_HOMES = {
    "Corpus": "p2f_model.corpus",
    "Item": "p2f_model.corpus",
    "validate_corpus": "p2f_model.corpus",
    "load_corpus": "p2f_model.load",
    "ContentError": "p2f_model.problems",
    "Problem": "p2f_model.problems",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'p2f_model' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = ["ContentError", "Corpus", "Item", "Problem", "load_corpus", "validate_corpus"]
