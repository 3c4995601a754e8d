"""linesift: tell a web page's real content from its boilerplate, line by line.

    >>> from linesift import load_model
    >>> model = load_model()            # the built-in model
    >>> clean_text = model.clean(page_text)
    >>> html_model = load_model(input="html")  # the built-in model of HTML pages
    >>> clean_text = html_model.clean_html(page_html)

A page, text or HTML, is a ``str``; decode bytes first (the ``linesift`` command reads files as UTF-8). A threshold,
where one is taken, is None (the model's rule) or a number from 0 to 1. Wrong inputs raise
``TypeError`` or ``ValueError`` naming what was expected: see :class:`Sifter` for each method's contract.
"""

import logging

from linesift.explain import LineExplanation, explain_lines
from linesift.limits import PageTooLargeError
from linesift.model.modelfile import ModelFileError, load_model, save_model
from linesift.model.sifter import Line, Sifter

__all__ = ["Line", "LineExplanation", "ModelFileError", "PageTooLargeError", "Sifter", "explain_lines", "load_model", "save_model"]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
