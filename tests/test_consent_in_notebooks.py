"""Every list of customers a notebook selects for a purpose goes through the consent rule.

The course picks customers for a purpose (an e-mail campaign, a win-back offer, a personal
offer, a mailing, profiling, targeting) only through :func:`crmlab.consent.select_customers`,
directly or through the library functions built on it (``crmlab.service_levels``:
``service_levels`` and ``win_back_candidates``), which leave out the customers without the
purpose's consent and count them. This test reads the code cells of every notebook (lessons,
cases, exercises, instructor notebooks) in order and reports a cell that

1. **names a customer list for a purpose without the consent rule**: an assignment to a name
   that says a purpose (``win_back``, ``campaign``, ``offers``, ``mailing``, ``recipients``,
   ``targets``, ``profiled``, ... see ``PURPOSE_WORDS``) of a value that picks rows of a table
   (a boolean mask, ``.loc``/``.iloc``, ``.query``, ``.head``, ``.nlargest``, ``.sample``, ...),
   where the value neither calls a consent function nor uses a name that came out of one
   (earlier in the notebook: ``levels = service_levels(profiles)`` makes ``levels`` and
   everything taken from it consented);
2. **checks consent by hand**: a row filter on a consent column (``consent_email``, ...)
   outside ``select_customers``, which would skip its rules (a missing consent is not a
   consent; the count of those left out);
3. **calls a function that builds a list for a purpose** (its name says a purpose, like
   ``send_offers`` or ``mailing_list``) that is not a consent function, on arguments that did
   not come out of one.

What it cannot see: a list shown without a name (``table[mask]`` as the last line of a cell)
whose purpose only the prose states. Name the lists a lesson acts on.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from crmlab.consent import CONSENT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))

#: The functions through which a list of customers for a purpose must come.
CONSENT_FUNCTIONS = frozenset({"select_customers", "win_back_candidates", "service_levels"})
#: Words that make a name (of a variable or a function) a list of customers for a purpose.
PURPOSE_WORDS = re.compile(
    r"win_?back|campaign|offer|mailing|mailshot|mail_?list|recipient|target|promo|invite|"
    r"newsletter|call_?list|contact_?list|coupon|leaflet|profiled|to_profile")
#: Methods that return some of the rows of a table.
ROW_METHODS = frozenset({"query", "head", "tail", "nlargest", "nsmallest", "sample", "where",
                         "mask", "filter", "drop_duplicates", "take", "xs"})
_MAGIC = re.compile(r"^\s*[%!]")


def _name(node) -> str | None:
    """The name a call or subscript is made on: ``f`` for ``f(...)``, ``g`` for ``m.g(...)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _calls_consent(expr) -> bool:
    return any(isinstance(node, ast.Call) and _name(node.func) in CONSENT_FUNCTIONS
               for node in ast.walk(expr))


def _consented(expr, consented: set[str]) -> bool:
    """The value goes through a consent function, or is made from a name that did."""
    return _calls_consent(expr) or any(isinstance(node, ast.Name) and node.id in consented
                                       for node in ast.walk(expr))


def _is_column_key(node) -> bool:
    """``"margin"``, ``["name", "margin"]``, ``0``: a column or element, not a row mask."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(isinstance(item, ast.Constant) for item in node.elts)
    return False


def _row_key(node: ast.Subscript):
    """The rows part of ``t[rows]`` / ``t.loc[rows, columns]``, or None if it picks columns."""
    key = node.slice
    on_loc = isinstance(node.value, ast.Attribute) and node.value.attr in ("loc", "iloc")
    if on_loc and isinstance(key, ast.Tuple) and key.elts:
        key = key.elts[0]
    if not on_loc and _is_column_key(key):
        return None
    return key


def _picks_rows(expr) -> bool:
    for node in ast.walk(expr):
        if isinstance(node, ast.Subscript) and _row_key(node) is not None:
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ROW_METHODS):
            return True
    return False


def _mentions_consent_column(node) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and any(
                column in sub.value for column in CONSENT_COLUMNS):
            return True
        if isinstance(sub, ast.Attribute) and sub.attr in CONSENT_COLUMNS:
            return True
    return False


def _hand_made_consent(expr) -> ast.AST | None:
    """A row filter on a consent column (``t[t["consent_email"]]``, ``t.query("consent_...")``)."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Subscript):
            key = _row_key(node)
            if key is not None and _mentions_consent_column(key):
                return node
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ROW_METHODS and _mentions_consent_column(node)):
            return node
    return None


def _targets(target) -> list[str]:
    """The names an assignment binds (``a``, ``a, b``; ``a.x`` and ``a[k]`` bind ``a``)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for item in target.elts for name in _targets(item)]
    if isinstance(target, (ast.Attribute, ast.Subscript)):
        return _targets(target.value)
    if isinstance(target, ast.Starred):
        return _targets(target.value)
    return []


def _statements(body):
    """Statements in execution order, compound ones followed by their bodies."""
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(stmt, field, []))
        for handler in getattr(stmt, "handlers", []):
            yield from _statements(handler.body)


def scan_cells(sources: list[str]) -> list[tuple[int, int, str]]:
    """The offences in a notebook's cells, given as code: (cell number, line, what is wrong)."""
    consented: set[str] = set()
    found = []
    for cell, source in enumerate(sources):
        code = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
        tree = ast.parse(code)
        for stmt in _statements(tree.body):
            if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                value = stmt.value
            elif isinstance(stmt, ast.For):
                targets, value = [stmt.target], stmt.iter
            else:
                targets, value = [], getattr(stmt, "value", None)
            if value is None:
                continue
            names = [name for target in targets for name in _targets(target)]
            ok = _consented(value, consented)
            hand = _hand_made_consent(value)
            if hand is not None and not _calls_consent(value):
                found.append((cell, stmt.lineno, "checks consent by hand instead of "
                              "select_customers(..., purpose=...)"))
            purpose_names = [name for name in names if PURPOSE_WORDS.search(name.lower())]
            if purpose_names and _picks_rows(value) and not ok:
                found.append((cell, stmt.lineno, f"selects {purpose_names[0]!r} without "
                              "select_customers/win_back_candidates/service_levels"))
            for node in ast.walk(value):
                name = _name(node.func) if isinstance(node, ast.Call) else None
                if (name and name not in CONSENT_FUNCTIONS and PURPOSE_WORDS.search(name.lower())
                        and not any(_consented(arg, consented)
                                    for arg in [*node.args, *(k.value for k in node.keywords)])):
                    found.append((cell, stmt.lineno, f"calls {name}() on customers that did not "
                                  "go through select_customers"))
            for name in names:
                if ok:
                    consented.add(name)
                else:
                    consented.discard(name)
    return found


def _code_cells(path: Path) -> list[str]:
    """The code of every cell, markdown cells as empty code, so offences carry cell numbers."""
    nb = nbformat.read(path, as_version=4)
    return [cell.source if cell.cell_type == "code" else "" for cell in nb.cells]


def test_there_are_notebooks_to_scan():
    kinds = {path.parent.name for path in NOTEBOOKS}
    assert {"notebooks", "exercises"} <= kinds and len(NOTEBOOKS) >= 15


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_every_selection_for_a_purpose_goes_through_the_consent_rule(path):
    assert scan_cells(_code_cells(path)) == []


# (cells, expected offences as (cell, line, start of the message)); each row one behaviour.
CASES = [
    pytest.param(  # L05 before issue 14: quiet top customers picked straight from the scores
        ['action = scores.assign(tier=tiers)',
         'win_back = action[(action["R"] <= 2) & action["tier"].isin(["top", "big"])]'],
        [(1, 1, "selects 'win_back' without")], id="unconsented-win-back-list"),
    pytest.param(
        ['mailing = profiles.sort_values("margin").head(50)'],
        [(0, 1, "selects 'mailing' without")], id="unconsented-mailing-head"),
    pytest.param(
        ['campaign_list = profiles.loc[profiles["city"] == "Baku", ["name", "emails"]]'],
        [(0, 1, "selects 'campaign_list' without")], id="unconsented-loc"),
    pytest.param(
        ['recipients = profiles[profiles["consent_email"]]'],
        [(0, 1, "checks consent by hand"), (0, 1, "selects 'recipients' without")],
        id="consent-checked-by-hand"),
    pytest.param(
        ['chosen = profiles.query("consent_winback and margin > 100")'],
        [(0, 1, "checks consent by hand")], id="consent-checked-by-hand-query"),
    pytest.param(
        ['send_offers(profiles[profiles["margin"] > 100])'],
        [(0, 1, "calls send_offers() on customers")], id="purpose-call-on-raw-table"),
    pytest.param(  # consented once, then replaced by an unconsented table
        ['win_back = win_back_candidates(profiles)',
         'win_back = profiles[profiles["orders"] > 3]'],
        [(1, 1, "selects 'win_back' without")], id="consented-name-reassigned"),
    pytest.param(  # the compliant L04 chain: service levels, win-back consent, e-mail consent
        ['levels = service_levels(profiles)',
         'recently_lost = levels.customers[levels.customers["service_level"] == "recently lost"]',
         'win_back = select_customers(recently_lost, purpose="win_back")\n'
         'by_email = select_customers(win_back.customers, purpose="email_campaign")',
         'top_offers = by_email.customers.sort_values("margin", ascending=False).head()'],
        [], id="compliant-chain"),
    pytest.param(
        ['from crmlab import service_levels as sl\n'
         'win_back = sl.win_back_candidates(profiles)',
         'win_back_top = win_back.customers.nlargest(10, "margin")',
         'send_offers(win_back.customers)'],
        [], id="compliant-win-back-candidates"),
    pytest.param(  # analysis, not a selection: counts, columns, a purpose-named number
        ['%matplotlib inline\nsegments = rfm_segment(scores)',
         'champions = int((segments == "champions").sum())',
         'offer_rate = 0.1\ntarget_columns = profiles[["name", "consent_email"]]',
         'profiles["consent_email"].mean()'],
        [], id="analysis-is-not-a-selection"),
]


@pytest.mark.parametrize("cells, expected", CASES)
def test_the_scan_catches_offending_cells_and_passes_compliant_ones(cells, expected):
    found = scan_cells(cells)
    assert [(cell, line) for cell, line, _ in found] == [(c, n) for c, n, _ in expected]
    for (_, _, message), (_, _, start) in zip(found, expected):
        assert message.startswith(start), message


def test_the_scan_reads_a_notebook_file(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("The win-back list"),
        nbformat.v4.new_code_cell('win_back = action[action["R"] <= 2]')])
    path = tmp_path / "offending.ipynb"
    nbformat.write(nb, path)
    assert scan_cells(_code_cells(path)) == [
        (1, 1, "selects 'win_back' without select_customers/win_back_candidates/service_levels")]
