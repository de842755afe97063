"""Where each linkage line runs, decided on the grid alone (before any coordinate is known).

Boxes sit in a grid whose columns are separated by vertical gutters (gutter g is left of grid
column g) and whose rows by horizontal gaps (gap k is above grid row k), so lines never cross a box:
a line leaves its child column's row sideways into a gutter, runs along it, crosses over in the gap
next to the parent's row when the parent's side is in another gutter, and enters the parent's key
row from its gutter. Lines to the same parent key may share a lane (they merge into one trunk);
lines to different keys get lanes of their own wherever their spans overlap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

Cell = tuple[int, int, int]  # grid row, grid column, row of the column inside its box
Point = tuple[int, int]  # sortable position along a gutter or a gap
# (gutter or gap, target key, low end, high end, (line number, which leg))
Segment = tuple[tuple[str, int], str, Point, Point, tuple[int, str]]


@dataclass(frozen=True)
class Route:
    start_gutter: int
    start_right: bool  # leaves the child box by its right side
    end_gutter: int
    end_right: bool  # enters the parent box by its right side
    gap: int | None  # the gap it crosses over in; None when both ends share a gutter
    start_lane: int
    gap_lane: int | None
    end_lane: int


@dataclass(frozen=True)
class Routing:
    routes: tuple[Route, ...]
    gutter_lanes: dict[int, int]
    gap_lanes: dict[int, int]


def route(ends: list[tuple[Cell, Cell, str]]) -> Routing:
    """Routes for (child cell, parent cell, target key) triples, in the same order."""
    sides = []
    segments: list[Segment] = []

    def along(resource: tuple[str, int], target: str, a: Point, b: Point, key: tuple[int, str]) -> None:
        segments.append((resource, target, min(a, b), max(a, b), key))

    for n, ((r1, c1, i1), (r2, c2, i2), target) in enumerate(ends):
        if c2 != c1:
            g1, right1, g2, right2 = (c1 + 1, True, c2, False) if c2 > c1 else (c1, False, c2 + 1, True)
        else:  # same grid column (or the box itself): out and back in on the right
            g1, right1, g2, right2 = c1 + 1, True, c1 + 1, True
        start, end = (2 * r1 + 1, i1), (2 * r2 + 1, i2)
        gap = None
        if g1 == g2:
            along(("v", g1), target, start, end, (n, "start"))
        else:
            gap = r2 + 1 if r1 > r2 else r2
            turn = (2 * gap, 0)
            along(("v", g1), target, start, turn, (n, "start"))
            along(("h", gap), target, (g1, 0), (g2, 0), (n, "gap"))
            along(("v", g2), target, turn, end, (n, "end"))
        sides.append((g1, right1, g2, right2, gap))

    lane_of = _allocate(segments)
    routes = []
    for n, (g1, right1, g2, right2, gap) in enumerate(sides):
        start_lane = lane_of[n, "start"]
        end_lane = start_lane if gap is None else lane_of[n, "end"]
        routes.append(Route(g1, right1, g2, right2, gap, start_lane, lane_of.get((n, "gap")), end_lane))
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for resource, _target, _low, _high, key in segments:
        counts[resource] = max(counts[resource], lane_of[key] + 1)
    return Routing(
        tuple(routes),
        {i: c for (kind, i), c in counts.items() if kind == "v"},
        {i: c for (kind, i), c in counts.items() if kind == "h"},
    )


def _allocate(segments: list[Segment]) -> dict[tuple[int, str], int]:
    # Merge overlapping spans of one target in one gutter or gap into a trunk...
    trunks: dict[tuple, list[list]] = defaultdict(list)  # (resource, target) -> [[low, high, keys]]
    for resource, target, low, high, key in sorted(segments, key=lambda s: (s[0], s[1], s[2], s[3])):
        runs = trunks[resource, target]
        if runs and low <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], high)
            runs[-1][2].append(key)
        else:
            runs.append([low, high, [key]])
    # ...then give each trunk the first lane of its gutter or gap that is free over its span.
    by_resource: dict[tuple, list] = defaultdict(list)
    for (resource, target), runs in trunks.items():
        by_resource[resource].extend((low, high, target, keys) for low, high, keys in runs)
    lane_of = {}
    for resource in sorted(by_resource):
        lane_ends: list = []
        for low, high, _target, keys in sorted(by_resource[resource], key=lambda t: (t[0], t[1], t[2])):
            lane = next((j for j, end in enumerate(lane_ends) if end < low), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(high)
            lane_ends[lane] = high
            for key in keys:
                lane_of[key] = lane
    return lane_of
