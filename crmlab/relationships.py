"""Supplier relationship types: the opportunism-partnership scale, a classifier that explains
itself, and what each type looks like in practice.

The source (seed 000, after a purchasing trainer's article series) cuts the scale between
opportunism and partnership into four types and describes types 1 and 2 in depth; its text on
types 3 and 4 was never written. Their entries here are the course's, marked ``derived``: they
follow the ideas of the purchasing-portfolio literature (Kraljic, P. (1983), "Purchasing must
become supply management", Harvard Business Review 61(5)), which sorts purchased *items* by profit
impact and supply risk and does not itself contain these four relationship types or their
practices.

The classifier reads the criteria table through one set of rules (:func:`rules_table`): every
value a criterion can take points to the types whose column of :func:`criteria_table` it matches.

Examples
--------
>>> result = classify_supplier({
...     "product_criticality": "non-critical", "supply_risk": "low", "profit_share": 0.002,
...     "quality_standardised": True, "buyer_power": "high", "n_alternatives": 12,
...     "switching_ease": "easy", "mutual_dependence": "low", "value_creation_share": 0.01})
>>> result.type.label
'economically expedient'
>>> result.reasons[0]
Reason(criterion='product_criticality', value='non-critical', points_to=(1,))
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

import pandas as pd

from crmlab.core.content import Domain
from crmlab.core.display import text_table
from crmlab.core.i18n import get_language, message
from crmlab.core.validation import (
    check_choice,
    check_column_options,
    check_columns,
    check_rate,
    check_whole,
    expected,
)

__all__ = ["RelationshipType", "Reason", "Classification", "Practices", "criteria_table",
           "rules_table", "classify_supplier", "special_cases", "practices", "ways_out",
           "WAYS_OUT", "COSTLY_FIFTH", "REQUIRED", "OPTIONAL", "CRITERIA_FIELDS",
           "MONOPOLY_FLAG", "UNINTERESTED_FLAG", "CONTENT"]


class RelationshipType(IntEnum):
    """The four types, from opportunism (1) to partnership (4)."""

    ECONOMICALLY_EXPEDIENT = 1
    PARTIAL_COMPETITION = 2
    SELECTIVE_COOPERATION = 3
    PARTNERSHIP = 4

    @property
    def label(self) -> str:
        """The type's name, e.g. "partial competition" (an identifier: tables hold it)."""
        return _LABELS[self]

    @property
    def title(self) -> str:
        """The type's name in the language in effect (``relationship.type_<n>``), to print."""
        return message(f"relationship.type_{self.value}")

    @property
    def derived(self) -> bool:
        """True for types 3 and 4, which the source does not describe (Kraljic 1983)."""
        return self >= 3


_LABELS = {1: "economically expedient", 2: "partial competition", 3: "selective cooperation",
           4: "partnership / alliance"}

#: The criteria table: (criterion, type 1, type 2, type 3, type 4). Types 1-2 from the source
#: (seed 000 ends its account of each with this list), 3-4 the course's, after Kraljic (1983).
#: Type 2's criteria list names no buyer power, but the source's summary of type 2 gives it
#: ("markets where the buyer's power dominates or power is balanced"); the cell says so.
_CRITERIA = [
    ("purchased product", "non-critical", "key (basic, simple)", "key, customised",
     "strategic"),
    ("risk level", "low", "medium and high", "high", "high"),
    ("share of profit", "little or none", "fairly high", "high", "high"),
    ("quality", "standardised", "standardised", "partly specific", "specific to us"),
    ("supply market: buyer power", "buyer dominates",
     "buyer dominates or balanced (source: the summary of type 2)", "balanced",
     "supplier dominates"),
    ("supply market: number of suppliers", "many", "many", "few", "one or very few"),
    ("supply market: switching", "easy", "easy", "costly", "very hard"),
    ("supply market: mutual dependence", "low", "moderate", "considerable", "high"),
    ("share of value creation", "low", "fairly high", "high", "high"),
]
_DERIVED = ["no (source)", "no (source)", "yes (the course's, after Kraljic 1983)",
            "yes (the course's, after Kraljic 1983)"]


def criteria_table(*, lang: str | None = None) -> pd.DataFrame:
    """The criteria of each type as a table; the ``derived`` row marks the course's columns.

    A table of words, shown whole (a :class:`~crmlab.core.display.TextTable`), its cells in
    ``lang`` (default: the language in effect); its columns and rows keep the English a lesson
    indexes, and the display shows them in the reader's language (:data:`CONTENT`).

    Examples
    --------
    >>> table = criteria_table()
    >>> table.loc["quality", "1 economically expedient"]
    'standardised'
    >>> table.loc["risk level", "2 partial competition"]
    'medium and high'
    >>> table.loc["supply market: buyer power", "2 partial competition"]
    'buyer dominates or balanced (source: the summary of type 2)'
    >>> table.loc["derived"].tolist()[1:3]
    ['no (source)', "yes (the course's, after Kraljic 1983)"]
    """
    columns = [f"{t.value} {t.label}" for t in RelationshipType]
    rows = {criterion: values for criterion, *values in _CRITERIA}
    rows["derived"] = _DERIVED
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table.index.name = "criterion"
    return text_table(CONTENT.frame(table, lang=lang))


# --------------------------------------------------------------------------- classifier
#: The criteria a supplier profile must give, in the order of the criteria table.
REQUIRED = ("product_criticality", "supply_risk", "profit_share", "quality_standardised",
            "buyer_power", "n_alternatives", "switching_ease", "mutual_dependence",
            "value_creation_share")
#: The row of :func:`criteria_table` each field of a profile reads.
CRITERIA_FIELDS = dict(zip(REQUIRED, (row[0] for row in _CRITERIA)))
#: The criteria that trigger the source's special cases when given.
OPTIONAL = ("interested_in_our_volume", "monopoly_market")
#: Columns of the suppliers dataset that the classifier does not use.
IGNORED = ("supplier_id", "name", "category", "annual_spend", "unit_cost")
#: Profit share and value creation share are cut at these shares (a course convention: the
#: source says "little", "fairly high", "high" without numbers), the number of alternative
#: suppliers at 2 and 5 (the source says "many"; "few" and "one or very few" are the course's).
PROFIT_CUTS = (0.01, 0.04)
VALUE_CUTS = (0.05, 0.15)
ALTERNATIVE_CUTS = (2, 5)

#: The rules: for each field, the types each value points to. A value points to every type
#: whose column of the criteria table it matches, so a type-2 "medium and high" risk makes
#: "high" point to 2 as well as to 3 and 4, and a balanced power ("medium") points to 2 and 3.
_LEVEL_RULES = {
    "product_criticality": {"non-critical": (1,), "key": (2, 3), "strategic": (4,)},
    "supply_risk": {"low": (1,), "medium": (2,), "high": (2, 3, 4)},
    "quality_standardised": {True: (1, 2), False: (3, 4)},
    "buyer_power": {"high": (1, 2), "medium": (2, 3), "low": (4,)},
    "switching_ease": {"easy": (1, 2), "moderate": (3,), "hard": (4,)},
    "mutual_dependence": {"low": (1,), "medium": (2,), "considerable": (3,), "high": (4,)},
}
#: Numeric fields: (cuts, the types below the first cut, between the cuts, from the second on).
_CUT_RULES = {
    "profit_share": (PROFIT_CUTS, ((1,), (2,), (3, 4))),
    "n_alternatives": (ALTERNATIVE_CUTS, ((4,), (3,), (1, 2))),
    "value_creation_share": (VALUE_CUTS, ((1,), (2,), (3, 4))),
}
_ALLOWED = {field: tuple(rules) for field, rules in _LEVEL_RULES.items()
            if field != "quality_standardised"}

#: The source's four ways out when a key supplier is not interested in our small volumes.
WAYS_OUT = (
    "make it yourself (make-or-buy)",
    "choose a small supplier keen to grow, and grow it",
    "join other companies for joint purchasing",
    "negotiate creatively to make the large supplier interested",
)
#: How the flag of a standard product from a monopoly-like market begins.
MONOPOLY_FLAG = "standard product from a monopoly-like market"
#: How the flag of a supplier not interested in our volumes begins.
UNINTERESTED_FLAG = "supplier is not interested in our small volumes"

#: The fifth way, which the source names and advises against.
COSTLY_FIFTH = ("do nothing: keep the unsatisfactory supplier and pay for poor quality, extra "
                "safety stock against late deliveries and extra handling")


@dataclass(frozen=True)
class Reason:
    """One criterion of a classification: its value and the types it points to."""

    criterion: str
    value: object
    points_to: tuple[int, ...]


@dataclass(frozen=True)
class Classification:
    """The type, the criteria that pointed where, flags and (if flagged) ways out."""

    type: RelationshipType
    reasons: tuple[Reason, ...]
    votes: dict
    flags: tuple[str, ...] = ()
    ways_out: tuple[str, ...] = ()

    def explain(self, *, lang: str | None = None) -> str:
        """The type and, one line each, the criteria, the types they point to and the flags,
        in ``lang`` (default: the language in effect; the criteria keep their field names and
        values, which a profile is written in)."""
        lang = lang or get_language()
        lines = [message("relationships.explain.type", lang, number=self.type.value,
                         label=message(f"relationship.type_{self.type.value}", lang))]
        for r in self.reasons:
            lines.append(message("relationships.explain.reason", lang, criterion=r.criterion,
                                 value=repr(r.value), types=", ".join(map(str, r.points_to))))
        lines += [message("relationships.explain.flag", lang, flag=CONTENT(flag, lang))
                  for flag in self.flags]
        return "\n".join(lines)


def _votes(field, value) -> tuple[int, ...]:
    if field in _CUT_RULES:
        (low, high), (below, between, above) = _CUT_RULES[field]
        return below if value < low else between if value < high else above
    return _LEVEL_RULES[field][value]


def _range_label(field, part) -> str:
    (low, high), _ = _CUT_RULES[field]
    if field == "n_alternatives":
        return (f"0 to {low - 1}", f"{low} to {high - 1}", f"{high} or more")[part]
    return (f"below {low}", f"{low} to below {high}", f"{high} or more")[part]


def rules_table() -> pd.DataFrame:
    """How the classifier reads the criteria table: each value of a field and the types it
    points to.

    One row per value (per range, for the numeric fields), in the order of the criteria table;
    ``criterion`` names its row of :func:`criteria_table`. :meth:`Classification.explain`
    prints the same ``points_to`` for each criterion of a profile.

    Examples
    --------
    >>> rules = rules_table()
    >>> rules.loc[("supply_risk", "high"), "points_to"]
    '2, 3, 4'
    >>> rules.loc[("mutual_dependence", "considerable"), "points_to"]
    '3'
    >>> rules.loc[("n_alternatives", "5 or more"), ["criterion", "points_to"]].tolist()
    ['supply market: number of suppliers', '1, 2']
    """
    rows = []
    for field in REQUIRED:
        if field in _CUT_RULES:
            values = [(_range_label(field, part), types)
                      for part, types in enumerate(_CUT_RULES[field][1])]
        else:
            values = list(_LEVEL_RULES[field].items())
        rows += [(field, str(value), CRITERIA_FIELDS[field], ", ".join(map(str, types)))
                 for value, types in values]
    table = pd.DataFrame(rows, columns=["field", "value", "criterion", "points_to"])
    return table.set_index(["field", "value"])


def _check(profile: dict, name) -> dict:
    where = f" for supplier {name!r}" if name is not None else ""
    for field in profile:
        check_choice("field", field, REQUIRED + OPTIONAL + IGNORED, where=where)
    given = {field: value for field, value in profile.items()
             if value is not None and value == value}  # None and NaN are missing
    check_columns(given, REQUIRED, kind="field",
                  table=f"the profile of supplier {name!r}" if name is not None else "a profile")
    clean = {}
    for field in REQUIRED + OPTIONAL:
        if field not in given:
            continue
        value = given[field]
        if field in _ALLOWED:
            check_choice(field, value, _ALLOWED[field], where=where)
        elif field in ("profit_share", "value_creation_share"):
            check_rate(field, value, where=where)
        elif field == "n_alternatives":
            value = check_whole(field, value, minimum=0, where=where)
        else:
            check_choice(field, value, (True, False), where=where)
            value = bool(value)
        clean[field] = value
    return clean


def _vote_winner(votes: dict, criticality: str) -> int:
    """The type with most votes; a tie goes to the type the purchased product itself points
    to, then to the less committed type (partnership is expensive: choose it only when needed)."""
    product = _votes("product_criticality", criticality)
    best = max(votes.values())
    tied = [int(t) for t in votes if abs(votes[t] - best) < 1e-9]
    return next((t for t in tied if t in product), min(tied))


def _classify_one(profile: dict, name=None) -> Classification:
    p = _check(profile, name)
    reasons = tuple(Reason(field, p[field], _votes(field, p[field])) for field in REQUIRED)
    votes = {t: 0.0 for t in (1, 2, 3, 4)}
    for reason in reasons:
        for t in reason.points_to:
            votes[t] += 1 / len(reason.points_to)
    chosen = _vote_winner(votes, p["product_criticality"])
    flags, exits = [], ()
    standard = p["quality_standardised"]
    monopoly = p.get("monopoly_market", False) or p["n_alternatives"] <= 1
    if standard and monopoly:
        if p["product_criticality"] == "non-critical":
            # The source allows this exception for non-critical items: still no need for a
            # partnership with the supplier of something the business can do without.
            flags.append(_FLAGS[0])
        else:
            flags.append(_FLAGS[1])
            if chosen <= 2:
                chosen = 4 if p["product_criticality"] == "strategic" else 3
    if p.get("interested_in_our_volume") is False:
        flags.append(_FLAGS[2])
        exits = WAYS_OUT + (COSTLY_FIFTH,)
        if chosen <= 2 and p["product_criticality"] != "non-critical":
            chosen = 3
    rounded = {RelationshipType(t): round(v, 3) for t, v in votes.items()}
    return Classification(RelationshipType(chosen), reasons, rounded, tuple(flags), exits)


def classify_supplier(profile, *, name_column: str = "supplier_id"):
    """Classify a supplier (a dict or Series) or every row of a DataFrame of suppliers.

    Each criterion points to one or more types (see :func:`rules_table`) and shares one vote
    among them; the type with most votes wins, a tie going to the type the purchased product
    points to and then to the less committed type. A profile with at most
    one alternative supplier counts as a monopoly-like market even without ``monopoly_market``
    (a course convention). Two situations from the source override the vote and are flagged: a standard
    product from a monopoly-like market (types 1-2 no longer apply), and a supplier not
    interested in our volumes (the four ways out and the costly fifth are listed).

    Parameters
    ----------
    profile : dict, Series or DataFrame
        Fields ``REQUIRED`` and optionally ``OPTIONAL``; the other columns of the suppliers
        dataset (id, name, category, spend, unit cost) are ignored.
    name_column : str
        For a DataFrame: the column naming suppliers in errors and in the result.

    Returns
    -------
    Classification, or a DataFrame with one row per supplier (type, relationship, reasons, special_cases).

    Raises
    ------
    ValueError
        Unknown field, missing criterion or a value out of range, naming field and value.

    Examples
    --------
    >>> classify_supplier({"product_criticality": "key"})
    Traceback (most recent call last):
    ...
    ValueError: Got a profile without the field 'supply_risk' instead, expected the fields \
'product_criticality', 'supply_risk', 'profit_share', 'quality_standardised', 'buyer_power', \
'n_alternatives', 'switching_ease', 'mutual_dependence', 'value_creation_share'.
    """
    if isinstance(profile, pd.DataFrame):
        rows = []
        for _, row in profile.iterrows():
            name = row.get(name_column)
            record = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            result = _classify_one(record, name)
            rows.append({name_column: name, "type": int(result.type),
                         "relationship": result.type.label,
                         "reasons": "; ".join(f"{r.criterion}->{'/'.join(map(str, r.points_to))}"
                                              for r in result.reasons),
                         "special_cases": " | ".join(result.flags)})
        return pd.DataFrame(rows)
    if isinstance(profile, pd.Series):
        profile = profile.to_dict()
    if not isinstance(profile, dict):
        raise expected("profile", profile, "a dict, Series or DataFrame")
    return _classify_one(dict(profile))


_CASE_NAMES = {MONOPOLY_FLAG: "monopoly-like market", UNINTERESTED_FLAG: "uninterested in our volumes"}


def special_cases(suppliers: pd.DataFrame, *, name_column: str = "supplier_id") -> pd.DataFrame:
    """The suppliers that hit a special case of the source, with the vote and the verdict.

    A flag overrides the vote only when the purchased product is key or strategic and the
    criteria vote for type 1 or 2: a standard product from a monopoly-like market then goes to
    selective cooperation (key) or partnership (strategic), and a supplier not interested in our
    volumes to selective cooperation. For a non-critical product the flag stays a note and the
    vote stands: the source finds such exceptions rare and sees no need for a partnership with
    the supplier of something the business can do without.

    Parameters
    ----------
    suppliers : DataFrame
        Supplier profiles as for :func:`classify_supplier`; not modified.
    name_column : str
        The column naming the suppliers.

    Returns
    -------
    DataFrame
        One row per flagged supplier, in input order: ``name_column``, ``product_criticality``,
        ``special_case`` ("monopoly-like market", "uninterested in our volumes" or both, joined
        by " + "), ``vote`` (the type the criteria vote for), ``type`` (the verdict),
        ``relationship`` (its name) and ``overridden`` (the verdict is not the vote).

    Examples
    --------
    >>> market = dict(supply_risk="high", profit_share=0.02, quality_standardised=True,
    ...               buyer_power="low", n_alternatives=0, switching_ease="hard",
    ...               mutual_dependence="medium", value_creation_share=0.08,
    ...               monopoly_market=True)
    >>> suppliers = pd.DataFrame([
    ...     {"supplier_id": "water", "product_criticality": "key", **market},
    ...     {"supplier_id": "bulbs", "product_criticality": "non-critical", **market,
    ...      "profit_share": 0.002, "value_creation_share": 0.01, "mutual_dependence": "low"},
    ... ])
    >>> special_cases(suppliers)[["supplier_id", "special_case", "vote", "type", "overridden"]]
      supplier_id          special_case  vote  type  overridden
    0       water  monopoly-like market     2     3        True
    1       bulbs  monopoly-like market     1     1       False
    """
    if not isinstance(suppliers, pd.DataFrame):
        raise expected("suppliers", type(suppliers).__name__, "a DataFrame of supplier profiles")
    check_column_options(suppliers, name_column=name_column)
    rows = []
    for _, row in suppliers.iterrows():
        name = row[name_column]
        record = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        result = _classify_one(record, name)
        if not result.flags:
            continue
        criticality = record["product_criticality"]
        vote = _vote_winner(result.votes, criticality)
        cases = [case for prefix, case in _CASE_NAMES.items()
                 if any(flag.startswith(prefix) for flag in result.flags)]
        rows.append({name_column: name, "product_criticality": criticality,
                     "special_case": " + ".join(cases), "vote": vote,
                     "type": int(result.type), "relationship": result.type.label,
                     "overridden": int(result.type) != vote})
    columns = [name_column, "product_criticality", "special_case", "vote", "type",
               "relationship", "overridden"]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- practice
@dataclass(frozen=True)
class Practices:
    """What a relationship type looks like in practice (``derived`` for types 3 and 4)."""

    type: RelationshipType
    procurement_method: str
    contract_form: str
    contact_level: str
    volume_split: str
    horizon: str
    checklist: tuple[str, ...] = ()
    derived: bool = False


_PRACTICES = {
    1: Practices(RelationshipType(1),
                 "competitive negotiation, request for quotation or tender: the lowest price "
                 "wins, other things (quality guarantees, convenience) equal; filter bidders "
                 "carefully by references, clients and financial history",
                 "standard contracts or contract-invoices; monthly invoicing and payment",
                 "minimal: e-procurement, standard order forms filled by the end user",
                 "whoever meets the requirements; switch when switching pays",
                 "as long as it is convenient; 'New Year card' relations: a thank-you note at "
                 "the end of the year",
                 ("standardise the product or service as far as possible",
                  "automate the process with the supplier (e-procurement, standard orders)",
                  "keep paperwork minimal (deliveries every 2 days, one invoice a month)",
                  "ask for maximal service (delivery to each department)",
                  "ask for a maximal assortment from one supplier",
                  "have the supplier control quality, so acceptance costs nothing",
                  "'New Year card' principle: choose well, then forget the supplier")),
    2: Practices(RelationshipType(2),
                 "competitive purchasing or competitive negotiation among several short-listed "
                 "suppliers; request for quotation for small and medium volumes",
                 "more complex but standard contracts",
                 "purchasing manager and head of department; supplier visits and "
                 "pre-qualification; regular performance reviews with feedback",
                 "needs split between suppliers, often 30:70 between a main and a background "
                 "supplier, sometimes a reserve supplier with occasional orders",
                 "short to medium term"),
    3: Practices(RelationshipType(3),
                 "negotiation with a few pre-qualified suppliers; joint cost and quality "
                 "improvement", "framework agreements over several years with service levels",
                 "category managers and the supplier's key-account managers; joint projects",
                 "one preferred supplier per item with an approved alternative",
                 "medium to long term", derived=True),
    4: Practices(RelationshipType(4),
                 "no tender: joint planning and development with the partner",
                 "long-term partnership or alliance agreements sharing risks and benefits",
                 "top management on both sides; integrated teams and shared information",
                 "single source, deliberately", "long term", derived=True),
}


def practices(relationship, *, lang: str | None = None) -> Practices:
    """What a relationship type looks like in practice, in ``lang`` (default: the language in
    effect).

    Examples
    --------
    >>> practices(2).volume_split.split(",")[1].strip()
    'often 30:70 between a main and a background supplier'
    >>> practices(5)
    Traceback (most recent call last):
    ...
    ValueError: Got relationship=5 instead, expected one of 1, 2, 3, 4 (or a RelationshipType).
    """
    try:
        found = _PRACTICES[int(RelationshipType(relationship))]
    except (ValueError, TypeError):
        raise expected("relationship", relationship,
                       "one of 1, 2, 3, 4 (or a RelationshipType)") from None
    fields = {name: CONTENT(getattr(found, name), lang) for name in _PRACTICE_FIELDS}
    return replace(found, checklist=CONTENT.each(found.checklist, lang), **fields)


def ways_out(*, lang: str | None = None) -> tuple[str, ...]:
    """The source's four ways out when a key supplier is not interested in our small volumes,
    then the costly fifth it advises against, in ``lang`` (default: the language in effect).

    Examples
    --------
    >>> len(ways_out()), ways_out()[0]
    (5, 'make it yourself (make-or-buy)')
    """
    return CONTENT.each(WAYS_OUT + (COSTLY_FIFTH,), lang)


_PRACTICE_FIELDS = ("procurement_method", "contract_form", "contact_level", "volume_split",
                    "horizon")
#: The flags :func:`classify_supplier` raises: a standard non-critical item from a monopoly-like
#: market, a standard key or strategic one, a supplier not interested in our volumes.
_FLAGS = (
    f"{MONOPOLY_FLAG}: a rare exception for a non-critical item; keep the relationship light, "
    "no partnership needed",
    f"{MONOPOLY_FLAG}: partial competition no longer applies; consider selective cooperation "
    "or partnership, by the product's importance",
    f"{UNINTERESTED_FLAG}: first find out whether the supplier itself has spare capacity; if it "
    "has, its stance may be unfounded and that capacity is a strong card in the negotiation",
)


def _texts():
    """Every English text of the module's content: the criteria table (its columns too), the
    rules' ranges, the flags, the ways out, the practices."""
    table = criteria_table(lang="en")
    yield from table.columns
    yield from table.index
    yield from (cell for row in table.to_numpy() for cell in row)
    yield from rules_table().index.get_level_values("value")
    yield from _FLAGS
    yield from WAYS_OUT + (COSTLY_FIFTH,)
    for found in _PRACTICES.values():
        yield from (getattr(found, name) for name in _PRACTICE_FIELDS)
        yield from found.checklist


#: The content of the module in every language (``crmlab/data/content/<lang>/relationships.yaml``).
#: The criteria table, the rules and the classifier's tables keep their English (lessons index
#: them) and the display shows them translated; the practices, the ways out and the
#: explanations are given in the reader's language.
CONTENT = Domain("relationships", _texts)
