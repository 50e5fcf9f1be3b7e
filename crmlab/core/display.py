"""How crmlab's objects show in a notebook: stable widget reprs and text tables shown whole.

* :class:`StableWidgetRepr`: a widget-backed object with one stable text/plain line, so that
  committed notebooks stay comparable under strict nbval;
* :class:`TextTable` and :func:`text_table`: a table of sentences (the sources' lists, the data
  dictionary, the course map) that shows every cell whole. pandas cuts a cell at
  ``display.max_colwidth`` (50 characters) with "...", which leaves a source's list unreadable
  mid-sentence; every function of crmlab that returns such a table returns a ``TextTable``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["StableWidgetRepr", "TextTable", "text_table"]


class StableWidgetRepr:
    """Shows ``self.widget`` in Jupyter, with ``self.summary()`` as the text/plain output.

    The widget view carries model ids that change on every run; a stable text/plain line keeps
    the committed notebooks comparable under strict nbval.
    """

    widget = None

    def summary(self) -> str:
        """The one stable text line of the object (subclasses say what it is)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.summary()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["text/plain"] = self.summary()
        return bundle


#: The class of a text table's HTML, and its style: text reads from the left, wraps inside its
#: cell and starts at the top of the row. JupyterLab (and the course site, built with its lab
#: template) right-aligns output table cells with a rule of two classes and an element, so the
#: first selector carries its class to win; the second serves other front ends.
TEXT_TABLE_CLASS = "crmlab-text-table"
_STYLE = (
    "<style>"
    f".jp-RenderedHTMLCommon table.{TEXT_TABLE_CLASS} td, "
    f".jp-RenderedHTMLCommon table.{TEXT_TABLE_CLASS} th, "
    f"table.{TEXT_TABLE_CLASS} td, table.{TEXT_TABLE_CLASS} th "
    "{text-align: left; vertical-align: top; white-space: normal; overflow-wrap: break-word;}"
    "</style>"
)
#: Shown whole: every character of every cell, every row.
_WHOLE = ("display.max_colwidth", None, "display.max_rows", None)


class TextTable(pd.DataFrame):
    """A DataFrame of text that shows every cell and every row whole.

    It is a DataFrame in every other way (indexing, ``tolist()``, ``assign``; selections of it
    stay text tables). Its text/plain output is pandas' own layout without the cut at
    ``display.max_colwidth``; its HTML output lets long text wrap inside its cell, aligned left.

    Examples
    --------
    >>> table = text_table(pd.DataFrame({"goal": ["raise the turnover of each account: "
    ...                                           "repeat purchases, recurring sales"]}))
    >>> "recurring sales" in repr(table), "recurring sales" in table._repr_html_()
    (True, True)
    >>> "..." in repr(pd.DataFrame(table))
    True
    """

    @property
    def _constructor(self):
        return TextTable

    def __repr__(self) -> str:
        with pd.option_context(*_WHOLE):
            return super().__repr__()

    def _repr_html_(self) -> str:
        with pd.option_context(*_WHOLE):
            body = self.to_html(classes=TEXT_TABLE_CLASS, notebook=True)
        return _STYLE + body


def text_table(frame: pd.DataFrame) -> TextTable:
    """``frame`` as a :class:`TextTable`: the same data (a shallow copy), shown whole.

    Parameters
    ----------
    frame : DataFrame
        Not modified; its ``attrs`` (a data dictionary's provenance, say) carry over.

    Examples
    --------
    >>> shown = text_table(pd.DataFrame({"step": ["know your target market better"]}))
    >>> type(shown).__name__, shown["step"].tolist()
    ('TextTable', ['know your target market better'])
    >>> text_table(["not", "a", "frame"])
    Traceback (most recent call last):
    ...
    ValueError: Got frame of type list instead, expected a pandas DataFrame.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"Got frame of type {type(frame).__name__} instead, expected a pandas "
                         "DataFrame.")
    shown = TextTable(frame, copy=False)
    shown.attrs = dict(frame.attrs)
    return shown
