"""A pay point deleted from the NJC spine, handled as the NJC handles it: everyone on
the deleted point moves, from the date of deletion, to the lowest point that remains above it
(SCP 1 went on 1 April 2023 and its holders moved to SCP 2; SCP 2 goes on 1 April 2026 and its
holders move to SCP 3). A grade band whose range starts on a deleted point is not changed here:
its realignment (start on that same point) is proposed for an administrator to make. Pure."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass


def point_after_deletion(scp: int, remaining: Collection[int]) -> int | None:
    """The point someone on `scp` is on once it is deleted: the lowest remaining point above it
    (for points deleted at the bottom of the spine, the lowest point that remains). None if no
    point above remains."""
    above = [p for p in remaining if p > scp]
    return min(above) if above else None


@dataclass(frozen=True)
class BandRealignment:
    grade: str
    scp_min: int
    scp_max: int
    proposed_min: int | None  # None: no point of the band remains
    proposed_max: int
    note: str


def band_realignments(bands: Iterable[tuple[str, int, int]], deleted: Collection[int],
                      remaining: Collection[int]) -> list[BandRealignment]:
    """Each band (grade, first SCP, last SCP) whose range starts on a deleted point, with the
    proposed range: from the lowest remaining point within it to its last point."""
    out = []
    for grade, low, high in bands:
        if low not in deleted:
            continue
        inside = sorted(p for p in remaining if low < p <= high)
        if not inside:
            out.append(BandRealignment(grade, low, high, None, high,
                                       f"no point of SCP {low}-{high} remains: the band needs new points"))
            continue
        start = inside[0]
        single = " (a single point)" if start == high else ""
        out.append(BandRealignment(grade, low, high, start, high,
                                   f"starts on deleted SCP {low}: proposed SCP {start}-{high}{single}"))
    return out
