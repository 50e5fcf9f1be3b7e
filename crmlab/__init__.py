"""crmlab: the Python package behind the course *Customer and supplier relationships in the enterprise*.

Import is kept cheap (heavy libraries such as matplotlib, ipywidgets and papermill load lazily,
inside the functions that need them): ``make bench`` measures it.
"""

#: The package version.
__version__ = "0.1.0"

from crmlab.core.i18n import (  # noqa: E402  (cheap: no third-party import)
    _install_for_session,  # noqa: E402
    get_language,
    message,
    set_language,
)

_install_for_session()  # a language from CRMLAB_LANG or the student's setting, in IPython

#: ``message(key, **fields)``: a sentence of the catalog in the language in effect, for what a
#: lesson prints or a figure says (``print(message("lesson.payback", month=9))``).
__all__ = ["__version__", "set_language", "get_language", "message"]
