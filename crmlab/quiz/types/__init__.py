"""Question types as plugins: one module per type, one registry.

The built-in types are ``single``, ``multi``, ``truefalse``, ``numeric``, ``matching`` and
``text`` (graded by hand), registered here in that order (the order error messages list them
in). To add a type, subclass :class:`QuestionType` in a module of its own and decorate the class
with :func:`register`; see ``CONTRIBUTING.md``. Everything else in the engine asks :func:`get_type`.
"""

from crmlab.quiz.types.base import (
    AnswerInput,
    QuestionType,
    get_type,
    gift_escape,
    gift_one_answer,
    gift_weight,
    register,
    type_names,
    unregister,
)
from crmlab.quiz.types.matching import Matching
from crmlab.quiz.types.multi import Multi
from crmlab.quiz.types.numeric import Numeric
from crmlab.quiz.types.single import Single
from crmlab.quiz.types.text import Text
from crmlab.quiz.types.truefalse import TrueFalse

__all__ = ["QuestionType", "AnswerInput", "register", "unregister", "get_type", "type_names",
           "gift_escape", "gift_weight", "gift_one_answer", "BUILTIN"]

#: The built-in types, in the documented order.
BUILTIN = (Single, Multi, TrueFalse, Numeric, Matching, Text)
for _builtin in BUILTIN:
    register(_builtin)
