"""Time spans: the one span type and the ways spans are combined (covered, merged, grouped).

A span is closed, [start, end], of dates or of aware instants. Code that gathers "what changed" (dirty
ranges, touched buckets, rows of an import) widens one span per meter or site with ``spans_cover_by``
and splits a set of spans into disjoint pieces with ``spans_merge``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T", dt.date, dt.datetime)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, order=True)
class Span(Generic[T]):
    """[start, end], start <= end."""

    start: T
    end: T

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a span ends after it starts: {self.start!r} > {self.end!r}")

    def cover(self, other: Span[T]) -> Span[T]:
        """The smallest span holding both."""
        return Span(min(self.start, other.start), max(self.end, other.end))

    def overlaps(self, other: Span[T]) -> bool:
        """Whether they share an instant (touching ends count)."""
        return self.start <= other.end and other.start <= self.end


def span_cover(spans: Iterable[Span[T]]) -> Span[T] | None:
    """The smallest span holding every span (None when there is none)."""
    covered: Span[T] | None = None
    for span in spans:
        covered = span if covered is None else covered.cover(span)
    return covered


def spans_cover_by(items: Iterable[tuple[K, T, T]]) -> dict[K, Span[T]]:
    """Per key, the smallest span holding every (key, start, end) given for it, in first-seen order."""
    covered: dict[K, Span[T]] = {}
    for key, start, end in items:
        span = Span(start, end)
        previous = covered.get(key)
        covered[key] = span if previous is None else previous.cover(span)
    return covered


def spans_merge(spans: Iterable[Span[T]]) -> list[Span[T]]:
    """The disjoint spans holding exactly the instants of ``spans``, in order: overlapping or touching
    spans become one."""
    merged: list[Span[T]] = []
    for span in sorted(spans):
        if merged and merged[-1].overlaps(span):
            merged[-1] = merged[-1].cover(span)
        else:
            merged.append(span)
    return merged
