"""The content model (DESIGN.md §3.1): kinds, fields, validation, the loaded corpus.

Pure: reads only the text it is given (the ``load`` module is the one that touches files).
Used by ``invoke check``, by the Pelican plugins and by the kiosk bundle builder.
"""

from p2f_model.corpus import Corpus, Item, validate_corpus
from p2f_model.load import load_corpus
from p2f_model.problems import ContentError, Problem

__all__ = ["ContentError", "Corpus", "Item", "Problem", "load_corpus", "validate_corpus"]
