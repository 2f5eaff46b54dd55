"""``filter``: row-filter expressions, parsed safely.

An expression such as ``col("age") > 32 and col("country") == "UK"`` is parsed
with :func:`ast.parse` (which only parses) and compiled, node by node, into
plain functions over a DataFrame. Only the node types in :data:`_COMPILERS`
are accepted; anything else (attribute access, names, subscripts, calls other
than ``col("name")``, lambdas...) is rejected before anything runs. Nothing is
ever passed to ``eval`` or ``exec``.

Grammar: ``col("name")``; string, number, boolean and ``None`` constants;
comparisons ``== != < <= > >=`` (chains too), ``in`` / ``not in`` a list of
constants, ``is None`` / ``is not None``; arithmetic ``+ - * / // %`` and unary
``- +``; ``and``, ``or``, ``not`` and parentheses.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from functools import reduce
from typing import Any

import pandas as pd

from automl.data.mltable._columns import check_columns
from automl.data.mltable._origin import Origin

__all__ = ["FilterExpression", "apply", "parse"]

MAX_LENGTH = 10_000
Evaluator = Callable[[pd.DataFrame], Any]

_ALLOWED = (
    'Allowed: col("name"), constants, comparisons (== != < <= > >=, in / not in a '
    "list, is None / is not None), arithmetic (+ - * / // %), and / or / not. "
    'Example: col("age") > 32 and col("country") == "UK".'
)


class _Rejected(Exception):
    """A node outside the whitelist; carries the node for its position."""

    def __init__(self, reason: str, node: ast.AST):
        super().__init__(reason)
        self.node = node


def _is_condition(value: Any) -> bool:
    if isinstance(value, pd.Series):
        return pd.api.types.is_bool_dtype(value)
    return isinstance(value, bool)


def _condition(value: Any, what: str) -> Any:
    if not _is_condition(value):
        raise TypeError(f"the operand of `{what}` is not a condition (true/false)")
    return value


def _not(value: Any) -> Any:
    value = _condition(value, "not")
    return ~value if isinstance(value, pd.Series) else not value


def _constant(node: ast.Constant, columns: list[str]) -> Evaluator:
    if type(node.value) not in (str, int, float, bool, type(None)):
        raise _Rejected(f"constant {node.value!r} is not allowed", node)
    value = node.value
    return lambda frame: value


def _call(node: ast.Call, columns: list[str]) -> Evaluator:
    func = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
    if func != "col":
        raise _Rejected(f'only col("name") can be called, not {func}()', node)
    args = node.args
    quoted = len(args) == 1 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
    if node.keywords or not quoted:
        raise _Rejected('col() takes one quoted column name, as in col("age")', node)
    name = args[0].value
    columns.append(name)
    return lambda frame: frame[name]


_BOOL_OPS = {ast.And: ("and", operator.and_), ast.Or: ("or", operator.or_)}


def _bool_op(node: ast.BoolOp, columns: list[str]) -> Evaluator:
    word, combine = _BOOL_OPS[type(node.op)]
    parts = [_compile(v, columns) for v in node.values]
    return lambda frame: reduce(combine, (_condition(p(frame), word) for p in parts))


_UNARY_OPS = {ast.Not: _not, ast.USub: operator.neg, ast.UAdd: operator.pos}


def _unary_op(node: ast.UnaryOp, columns: list[str]) -> Evaluator:
    if type(node.op) not in _UNARY_OPS:
        raise _Rejected(f"operator {type(node.op).__name__} is not allowed", node)
    func, operand = _UNARY_OPS[type(node.op)], _compile(node.operand, columns)
    return lambda frame: func(operand(frame))


_BIN_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


def _bin_op(node: ast.BinOp, columns: list[str]) -> Evaluator:
    if type(node.op) not in _BIN_OPS:
        raise _Rejected(f"operator {type(node.op).__name__} is not allowed", node)
    func = _BIN_OPS[type(node.op)]
    left, right = _compile(node.left, columns), _compile(node.right, columns)
    return lambda frame: func(left(frame), right(frame))


def _membership(negate: bool) -> Callable[[Any, list], Any]:
    def test(value: Any, options: list) -> Any:
        if not isinstance(value, pd.Series):
            raise TypeError("the left side of `in` must be a column")
        result = value.isin(options)
        return ~result if negate else result

    return test


def _missing(negate: bool) -> Callable[[Any, None], Any]:
    def test(value: Any, _: None) -> Any:
        if isinstance(value, pd.Series):
            return value.notna() if negate else value.isna()
        return (value is not None) if negate else (value is None)

    return test


_COMPARE_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: _membership(False),
    ast.NotIn: _membership(True),
    ast.Is: _missing(False),
    ast.IsNot: _missing(True),
}


def _operand(op: ast.cmpop, node: ast.expr, columns: list[str]) -> Evaluator:
    """The right side of one comparison: a list for ``in``, ``None`` for ``is``."""
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            raise _Rejected("`in` needs a list of constants, as in [\"UK\", \"FR\"]", node)
        values = [_constant_value(v) for v in node.elts]
        return lambda frame: values
    is_none = isinstance(node, ast.Constant) and node.value is None
    if isinstance(op, (ast.Is, ast.IsNot)) and not is_none:
        raise _Rejected("`is` / `is not` can only test None", node)
    return _compile(node, columns)


def _constant_value(node: ast.expr) -> Any:
    """The value of a constant expression (``"UK"``, ``-1``); columns are rejected."""
    named: list[str] = []
    value = _compile(node, named)
    if named:
        raise _Rejected("a list for `in` may only hold constants", node)
    try:
        return value(None)
    except (ArithmeticError, TypeError) as err:
        raise _Rejected(f"the list item cannot be computed ({err})", node) from None


def _compare(node: ast.Compare, columns: list[str]) -> Evaluator:
    terms = [_compile(node.left, columns)]
    tests = []
    for op, right in zip(node.ops, node.comparators, strict=True):
        tests.append(_COMPARE_OPS[type(op)])
        terms.append(_operand(op, right, columns))

    def evaluate(frame: pd.DataFrame) -> Any:
        values = [term(frame) for term in terms]
        pairs = zip(tests, values[:-1], values[1:], strict=True)
        results = [test(a, b) for test, a, b in pairs]
        return reduce(operator.and_, results)

    return evaluate


def _name(node: ast.Name, columns: list[str]) -> Evaluator:
    raise _Rejected(f'bare name {node.id!r}: refer to a column as col("{node.id}")', node)


_COMPILERS: dict[type, Callable[[Any, list[str]], Evaluator]] = {
    ast.Constant: _constant,
    ast.Call: _call,
    ast.BoolOp: _bool_op,
    ast.UnaryOp: _unary_op,
    ast.BinOp: _bin_op,
    ast.Compare: _compare,
    ast.Name: _name,
}


def _compile(node: ast.AST, columns: list[str]) -> Evaluator:
    compiler = _COMPILERS.get(type(node))
    if compiler is None:
        raise _Rejected(f"{type(node).__name__} expressions are not allowed", node)
    return compiler(node, columns)


class FilterExpression:
    """A filter expression, parsed and checked against the whitelist.

    Parameters
    ----------
    text : str
        The expression, e.g. ``col("age") > 32 and col("country") == "UK"``.

    Attributes
    ----------
    columns : list of str
        The columns the expression names, in order.

    Raises
    ------
    ValueError
        When ``text`` is not an expression or uses anything outside the grammar.
    """

    def __init__(self, text: str):
        self.text = text
        self.columns: list[str] = []
        if len(text) > MAX_LENGTH:
            raise ValueError(f"it is longer than {MAX_LENGTH} characters")
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as err:
            raise ValueError(f"{err.msg} (at column {err.offset})") from None
        except (ValueError, RecursionError, MemoryError) as err:
            raise ValueError(f"it cannot be parsed ({type(err).__name__})") from None
        try:
            self._evaluate = _compile(tree.body, self.columns)
        except _Rejected as err:
            where = getattr(err.node, "col_offset", None)
            suffix = f" (at column {where + 1})" if where is not None else ""
            raise ValueError(f"{err}{suffix}") from None
        except RecursionError:
            raise ValueError("it is nested too deeply") from None

    def __call__(self, frame: pd.DataFrame) -> pd.Series:
        """The boolean row mask of ``frame`` (missing values count as false)."""
        result = self._evaluate(frame)
        if isinstance(result, bool):
            return pd.Series(result, index=frame.index)
        if not _is_condition(result):
            raise TypeError("the expression is not a condition (it does not give true/false)")
        return result.fillna(False).astype(bool)

    def __repr__(self) -> str:
        return f"FilterExpression({self.text!r})"


def parse(value: Any, origin: Origin) -> FilterExpression:
    """Parse the ``filter`` value; a DataError names what is not allowed."""
    if not isinstance(value, str):
        raise origin.error(f"expected an expression as a string, got {value!r}.", _ALLOWED)
    try:
        return FilterExpression(value)
    except ValueError as err:
        problem = f"filter {value!r} is not a valid expression: {err}."
        raise origin.error(problem, _ALLOWED) from None


def apply(frame: pd.DataFrame, expression: FilterExpression, origin: Origin) -> pd.DataFrame:
    """Keep the rows where ``expression`` is true."""
    check_columns(frame, expression.columns, origin)
    try:
        mask = expression(frame)
    except (TypeError, ValueError, ArithmeticError) as err:
        raise origin.error(
            f"filter {expression.text!r} cannot be evaluated: {err}.",
            "Compare each column with a value of its type (numbers with numbers, text "
            "with quoted text); convert types first with convert_column_types.",
        ) from None
    return frame.loc[mask.to_numpy()].reset_index(drop=True)
