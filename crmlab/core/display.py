"""Display of widget-backed objects in notebooks."""

from __future__ import annotations

__all__ = ["StableWidgetRepr"]


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
