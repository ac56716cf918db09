"""Where a number answer can lie among some numbers: one value per place, with room.

The verifier tries a number at each of some *points* (thresholds, range ends, values
kept from earlier rounds) and at one value inside each gap between two. A value chosen
in a gap must leave room for the rounds still to come: every order their values may take
there must remain possible. Halving a gap of at least ``2^r - 1`` answers leaves
``2^(r-1) - 1`` on each side, enough for the ``r - 1`` rounds after this one (by
induction); a smaller gap is tried at every answer inside it (whole numbers, or floats
very close together), and past ``MAX_ENUMERATED`` answers the place is sampled and said
so.
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal

from triagebot.flows.answers import AnswerValue

MAX_ENUMERATED = 64
"""Most values tried in one gap too small to halve for the rounds still to come."""

Place = tuple[str, float, float]
"""``("at", point, point)`` or ``("between", low, high)``: where a tried value lies."""


def positions(
    points: list[float], integer: bool, rounds: int | None
) -> tuple[list[tuple[Place, AnswerValue]], str | None]:
    """One value per place among ``points`` (sorted; the range ends first and last): each
    point that is an answer, and a value inside each gap between two. With ``rounds`` (the
    rounds still to come, this one included) a gap value leaves room for every later
    order, or each answer of a small gap is tried; the second item says why the places
    are sampled when neither is possible (None: exact)."""
    found: list[tuple[Place, AnswerValue]] = []
    sampled = None
    for index, point in enumerate(points):
        if not integer or point.is_integer():
            found.append((("at", point, point), int(point) if integer else tidy(point)))
        if index + 1 == len(points):
            break
        following = points[index + 1]
        inside = _inside(point, following, integer)
        if inside is None:
            continue
        need = 2 ** (rounds - 1) - 1 if rounds else 0
        room = min(count_inside(point, inside, integer), count_inside(inside, following, integer))
        if rounds is None or room >= need:
            found.append((("between", point, following), inside))
            continue
        every = _every_inside(point, following, integer)
        if every is None:
            sampled = "numbers too close together to keep every order of the rounds to come"
            found.append((("between", point, following), inside))
        else:
            found.extend((("at", float(v), float(v)), v) for v in every)
    return found, sampled


def _inside(low: float, high: float, integer: bool) -> int | float | None:
    """A value strictly inside (low, high) halving it, a whole number where one fits."""
    if integer:
        first, last = math.floor(low) + 1, math.ceil(high) - 1
        return (first + last) // 2 if first <= last else None
    if count_inside(low, high, False) == 0:
        return None
    return tidy(between(low, high))


SHORT = 16
"""Longest decimal a value the verifier picks between two numbers may need as typed:
beyond, a shorter decimal inside the gap is picked (an answers file takes it as typed)."""


def between(first: float, second: float) -> float:
    """A value strictly inside (first, second): a whole number when one fits, else the
    middle; where the middle needs a long decimal (``5e-324`` is 0.000...5), the decimal
    with fewest digits inside."""
    middle = (first + second) / 2
    whole = math.floor(middle)
    if first < whole < second:
        return float(whole)
    if len(plain(middle)) <= SHORT or not first < middle < second:
        return middle
    return _shortest_inside(first, second, middle)


def _shortest_inside(first: float, second: float, middle: float) -> float:
    """The decimal with fewest digits strictly inside (first, second), nearest ``middle``."""
    for digits in range(1, 400):
        step = Decimal(1).scaleb(-digits)
        near = Decimal(repr(middle)).quantize(step)
        for found in (float(near), float(near - step), float(near + step)):
            if first < found < second:
                return found
    return middle


def plain(value: float) -> str:
    """A number as a plain decimal, never in exponent form (``1e-05`` is ``0.00001``):
    what any reader of numbers accepts, and YAML does not take for text."""
    if isinstance(value, int) or not math.isfinite(value):
        return str(value)
    text = repr(float(value))
    return format(Decimal(text), "f") if "e" in text or "E" in text else text


def tidy(value: float) -> int | float:
    """A whole float as an int (as answers are shown and written)."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _ordinal(value: float) -> int:
    """Floats in order as integers: consecutive floats are consecutive integers."""
    bits: int = struct.unpack("<q", struct.pack("<d", float(value) + 0.0))[0]
    return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)


def count_inside(low: float, high: float, integer: bool) -> int:
    """How many answers lie strictly between ``low`` and ``high``."""
    if integer:
        return max(0, math.ceil(high) - math.floor(low) - 1)
    return max(0, _ordinal(high) - _ordinal(low) - 1)


def _every_inside(low: float, high: float, integer: bool) -> list[int | float] | None:
    if count_inside(low, high, integer) > MAX_ENUMERATED:
        return None
    if integer:
        return list(range(math.floor(low) + 1, math.ceil(high)))
    values: list[int | float] = []
    value = math.nextafter(low, math.inf)
    while value < high:
        values.append(value)
        value = math.nextafter(value, math.inf)
    return values


def rank(value: float, cuts: list[float], kept: list[float]) -> tuple[object, ...]:
    """A number as its place among the thresholds and range ends (``cuts``, sorted): at
    threshold i, or the k-th distinct ``kept`` value between thresholds i and i + 1. Any
    increasing map that keeps the thresholds in place keeps these places."""
    if value in cuts:
        return ("at", cuts.index(value))
    gap = sum(1 for cut in cuts if cut < value) - 1
    low, high = cuts[gap], cuts[gap + 1]
    inside = sorted({v for v in kept if low < v < high})
    return ("in", gap, inside.index(value))
