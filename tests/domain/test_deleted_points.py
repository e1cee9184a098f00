"""A deleted pay point as the NJC handles it (issue 14; hrtool/domain/deleted_points.py): holders
move to the lowest point that remains above it; bands starting on it get a proposed realignment."""
from __future__ import annotations

from hrtool.domain.deleted_points import BandRealignment, band_realignments, point_after_deletion

AFTER_2026 = set(range(3, 44))  # SCP 2 deleted from 1 April 2026: SCP 3-43 remain
AFTER_2023 = set(range(2, 44))  # SCP 1 deleted from 1 April 2023


def test_holders_move_to_the_lowest_point_that_remains():
    assert point_after_deletion(2, AFTER_2026) == 3
    assert point_after_deletion(1, AFTER_2023) == 2
    # A point deleted mid-spine (the NJC has not done it): the next one up, never a lower one.
    assert point_after_deletion(10, set(range(2, 44)) - {10}) == 11
    assert point_after_deletion(43, set(range(2, 43))) is None


def test_bands_starting_on_a_deleted_point_get_a_proposal():
    bands = [("A", 2, 4), ("Grade 1", 2, 3), ("B", 5, 8), ("Z", 2, 2)]
    assert band_realignments(bands, {2}, AFTER_2026) == [
        BandRealignment("A", 2, 4, 3, 4, "starts on deleted SCP 2: proposed SCP 3-4"),
        BandRealignment("Grade 1", 2, 3, 3, 3, "starts on deleted SCP 2: proposed SCP 3-3 (a single point)"),
        BandRealignment("Z", 2, 2, None, 2, "no point of SCP 2-2 remains: the band needs new points"),
    ]
    assert band_realignments(bands, set(), AFTER_2026) == []
