"""ONNX arithmetic for ``DateTimeFeatures``: the ten date parts of epoch seconds.

ONNX cannot parse date strings, so date-time columns enter the graph as double
seconds since the epoch (``NaN`` when missing); the feed helper parses them with
the featurizers' own parser. The calendar is computed with Howard Hinnant's
``civil_from_days`` / ``days_from_civil`` algorithms in double precision, which
is exact for whole days and seconds. Parts: year, month, day, dayofweek
(Monday = 0), dayofyear, quarter, weekofyear (ISO), hour, minute, second.
"""
from __future__ import annotations

from typing import Any

from automl.export._ops import TensorProto


class _Graph:
    """A tiny expression builder over one skl2onnx scope and container (double tensors)."""

    def __init__(self, scope: Any, container: Any) -> None:
        self.scope, self.container = scope, container
        self._constants: dict[float, str] = {}

    def const(self, value: float) -> str:
        if value not in self._constants:
            name = self.scope.get_unique_variable_name("c")
            self.container.add_initializer(name, TensorProto.DOUBLE, [], [float(value)])
            self._constants[value] = name
        return self._constants[value]

    def op(self, op_type: str, *inputs: str, output: str | None = None, **attrs: Any) -> str:
        out = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(op_type, list(inputs), [out],
                                name=self.scope.get_unique_operator_name(op_type), **attrs)
        return out

    def arg(self, value: str | float) -> str:
        return value if isinstance(value, str) else self.const(value)

    def add(self, a, b) -> str:
        return self.op("Add", self.arg(a), self.arg(b))

    def sub(self, a, b) -> str:
        return self.op("Sub", self.arg(a), self.arg(b))

    def mul(self, a, b) -> str:
        return self.op("Mul", self.arg(a), self.arg(b))

    def fdiv(self, a, b) -> str:
        """``floor(a / b)``."""
        return self.op("Floor", self.op("Div", self.arg(a), self.arg(b)))

    def mod(self, a, b) -> str:
        """Floor modulo, ``a - b * floor(a / b)``."""
        return self.sub(a, self.mul(b, self.fdiv(a, b)))


def _civil(g: _Graph, days: str) -> tuple[str, str, str]:
    """Year, month and day of ``days`` since 1970-01-01 (``civil_from_days``)."""
    z = g.add(days, 719468.0)
    era = g.fdiv(z, 146097.0)
    doe = g.sub(z, g.mul(era, 146097.0))
    yoe = g.fdiv(g.sub(g.add(g.sub(doe, g.fdiv(doe, 1460.0)), g.fdiv(doe, 36524.0)),
                       g.fdiv(doe, 146096.0)), 365.0)
    doy = g.sub(doe, g.sub(g.add(g.mul(yoe, 365.0), g.fdiv(yoe, 4.0)), g.fdiv(yoe, 100.0)))
    mp = g.fdiv(g.add(g.mul(doy, 5.0), 2.0), 153.0)
    day = g.add(g.sub(doy, g.fdiv(g.add(g.mul(mp, 153.0), 2.0), 5.0)), 1.0)
    march_based = g.op("Less", mp, g.const(10.0))
    month = g.op("Where", march_based, g.add(mp, 3.0), g.sub(mp, 9.0))
    early = g.op("Cast", g.op("LessOrEqual", month, g.const(2.0)), to=TensorProto.DOUBLE)
    year = g.add(g.add(yoe, g.mul(era, 400.0)), early)
    return year, month, day


def _january_first(g: _Graph, year: str) -> str:
    """Days since 1970-01-01 of January 1st of ``year`` (``days_from_civil``)."""
    y = g.sub(year, 1.0)  # January counts in the previous March-based year
    era = g.fdiv(y, 400.0)
    yoe = g.sub(y, g.mul(era, 400.0))
    doe = g.add(g.sub(g.add(g.mul(yoe, 365.0), g.fdiv(yoe, 4.0)), g.fdiv(yoe, 100.0)), 306.0)
    return g.sub(g.add(g.mul(era, 146097.0), doe), 719468.0)


def _parts(g: _Graph, seconds: str) -> list[str]:
    """The ten parts of one column of epoch seconds, each of shape ``[N, 1]``."""
    days = g.fdiv(seconds, 86400.0)
    in_day = g.sub(seconds, g.mul(days, 86400.0))
    year, month, day = _civil(g, days)
    weekday = g.mod(g.add(days, 3.0), 7.0)  # 1970-01-01 was a Thursday (3)
    dayofyear = g.add(g.sub(days, _january_first(g, year)), 1.0)
    quarter = g.add(g.fdiv(g.sub(month, 1.0), 3.0), 1.0)
    thursday = g.add(g.sub(days, weekday), 3.0)  # the ISO week belongs to its Thursday's year
    iso_year, _, _ = _civil(g, thursday)
    week = g.add(g.fdiv(g.sub(thursday, _january_first(g, iso_year)), 7.0), 1.0)
    hour = g.fdiv(in_day, 3600.0)
    minute = g.fdiv(g.sub(in_day, g.mul(hour, 3600.0)), 60.0)
    second = g.mod(in_day, 60.0)
    return [year, month, day, weekday, dayofyear, quarter, week, hour, minute, second]


def add_date_parts(scope: Any, container: Any, x: str, n_columns: int, output: str) -> None:
    """Add nodes computing ``output`` (double, ``[N, 10 * n_columns]``) from ``x``.

    Parameters
    ----------
    scope, container : skl2onnx conversion objects
    x : str
        Name of a tensor ``[N, n_columns]`` of epoch seconds (any numeric type).
    n_columns : int
        Date-time columns in ``x``.
    output : str
        Name of the output tensor (double); ``NaN`` seconds give ``NaN`` parts.
    """
    g = _Graph(scope, container)
    seconds = g.op("Cast", x, to=TensorProto.DOUBLE)
    parts: list[str] = []
    for j in range(n_columns):
        index = scope.get_unique_variable_name("col")
        container.add_initializer(index, TensorProto.INT64, [1], [j])
        column = g.op("Gather", seconds, index, axis=1)
        # Whole seconds, as pandas' date parts see them.
        parts.extend(_parts(g, g.op("Floor", column)))
    merged = g.op("Concat", *parts, axis=1)
    g.op("Identity", merged, output=output)
