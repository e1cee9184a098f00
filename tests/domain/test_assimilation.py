"""The joint policy's assimilation engine on hand-built structures: thresholds from
policies_illustrative.toml [joint.assimilation] (70% slot-in, one grade or 10% of salary,
50% ring-fence, 4-week trial)."""
from datetime import date
from decimal import Decimal

import pytest

from hrtool.domain.assimilation import (
    AssimilationPolicy,
    Candidate,
    NewPost,
    _at_risk_route,
    _open_places,
    _pools,
    _ring_fence_edges,
    _slot_in_choices,
    _slot_in_stage,
    assimilation_routes,
    pay_relation,
    proposed_dismissals,
    vacant_after,
)

POLICY = AssimilationPolicy(70, 1, Decimal(10), 50, 4)
STARTS = date(2023, 7, 1)


def person(n, salary="100000", rank=None):
    return Candidate(n, f"Person {n}", 100 + n, Decimal(salary), rank)


def post(n, top="96000", bottom="90000", places=1, rank=None):
    return NewPost(n, f"Post {n}", places, Decimal(bottom) if bottom else None, Decimal(top) if top else None, rank)


def routes(candidates, posts, matches):
    """matches: {(person n, post n): percent}"""
    keyed = {(100 + p, q): m for (p, q), m in matches.items()}
    return {r.employee_id: r for r in assimilation_routes(candidates, posts, keyed, POLICY, STARTS)}


def test_slot_in_with_the_reasons_in_words():
    got = routes([person(1)], [post(1)], {(1, 1): 75})[1]
    assert (got.route, got.proposed_post_id) == ("slot_in", 1)
    assert got.reasons == "match 75% ≥ 70%, salary 4% lower ≤ 10%, only candidate"


@pytest.mark.parametrize("match, top, route", [
    (70, "96000", "slot_in"),  # match exactly at the threshold
    (69, "96000", "alternative"),  # one short: no slot-in, but above the ring-fence line and nobody competing
    (75, "90000", "slot_in"),  # salary exactly 10% lower
    (75, "89999", "alternative"),  # 10.001% lower: too far for a slot-in
    (50, "96000", "alternative"),  # exactly the ring-fence threshold
    (49, "96000", "at_risk"),
])
def test_edge_values_at_each_threshold(match, top, route):
    got = routes([person(1)], [post(1, top=top, bottom="80000")], {(1, 1): match})[1]
    assert got.route == route


def test_edge_reasons():
    got = routes([person(1)], [post(1, top="89999", bottom="80000")], {(1, 1): 75})[1]
    assert got.reasons.startswith("match 75% for Post 1 but salary 10% lower > 10%, too far for a slot-in, "
                                  "no competition: suitable alternative employment")
    sae = routes([person(1)], [post(1)], {(1, 1): 69})[1]
    assert sae.reasons.startswith("match 69% ≥ 50% but < 70% for Post 1, no competition")
    at_risk = routes([person(1)], [post(1)], {(1, 1): 49})[1]
    assert at_risk.reasons.startswith("best match 49% < 50% (Post 1)")


def test_alternative_employment_has_the_four_week_trial():
    got = routes([person(1)], [post(1)], {(1, 1): 60})[1]
    assert got.route == "alternative" and got.proposed_post_id == 1
    # Four weeks beginning with Saturday 1 July 2023 end on Friday 28 July 2023.
    assert got.trial_ends_on == date(2023, 7, 28)
    assert "4-week statutory trial 01/07/2023 to 28/07/2023" in got.reasons


def test_tie_for_one_post_goes_to_a_ring_fenced_selection():
    got = routes([person(1), person(2)], [post(1)], {(1, 1): 80, (2, 1): 80})
    for n in (1, 2):
        assert got[n].route == "ring_fence" and got[n].pool == (1,)
        assert "2 candidates for 1 place (a tie): ring-fenced selection for Post 1" in got[n].reasons


def test_two_qualifying_for_one_post_are_ring_fenced_even_when_one_matches_better():
    got = routes([person(1), person(2)], [post(1)], {(1, 1): 90, (2, 1): 72})
    assert {got[1].route, got[2].route} == {"ring_fence"}
    assert "(a tie)" not in got[1].reasons


def test_two_places_for_two_people_both_slot_in():
    got = routes([person(1), person(2)], [post(1, places=2)], {(1, 1): 80, (2, 1): 80})
    assert got[1].route == got[2].route == "slot_in"
    assert got[1].reasons.endswith("2 candidates for 2 places")


def test_ring_fence_for_posts_left_when_more_people_than_places():
    got = routes([person(1), person(2), person(3)], [post(1), post(2)],
                 {(1, 1): 60, (2, 1): 55, (2, 2): 52, (3, 2): 65})
    assert {got[n].route for n in (1, 2, 3)} == {"ring_fence"}
    assert got[1].pool == (1, 2)
    assert "3 candidates for 2 places" in got[3].reasons


def test_matching_finds_a_post_each_when_it_can():
    # Person 1 fits only post 1; person 2 fits both, better post 1: 2 goes to post 2, nobody competes.
    got = routes([person(1), person(2)], [post(1), post(2)], {(1, 1): 60, (2, 1): 65, (2, 2): 55})
    assert (got[1].route, got[1].proposed_post_id) == ("alternative", 1)
    assert (got[2].route, got[2].proposed_post_id) == ("alternative", 2)


def test_equal_best_match_for_two_posts_goes_to_selection():
    got = routes([person(1)], [post(1), post(2)], {(1, 1): 75, (1, 2): 75})[1]
    assert got.route == "ring_fence" and got.pool == (1, 2)
    assert "for Post 1 and Post 2 equally" in got.reasons


def test_slotted_in_post_is_not_offered_again():
    got = routes([person(1), person(2)], [post(1)], {(1, 1): 80, (2, 1): 60})
    assert got[1].route == "slot_in"
    assert got[2].route == "at_risk" and "places are taken" in got[2].reasons


def test_grades_on_one_scale_use_grade_drop():
    one_down = routes([person(1, rank=7)], [post(1, rank=6)], {(1, 1): 80})[1]
    assert one_down.route == "slot_in" and "1 grade lower ≤ 1" in one_down.reasons
    two_down = routes([person(1, rank=7)], [post(1, rank=5)], {(1, 1): 80})[1]
    assert two_down.route == "alternative" and "2 grades lower > 1" in two_down.reasons


def test_no_match_recorded_is_at_risk():
    got = routes([person(1)], [post(1)], {})[1]
    assert got.route == "at_risk" and got.reasons.startswith("no job match recorded")


def test_unknown_pay_cannot_slot_in():
    got = routes([person(1)], [post(1, top=None, bottom=None)], {(1, 1): 90})[1]
    assert got.route == "alternative" and "new post has no grade or salary band" in got.reasons


def test_vacancies_and_proposed_dismissals():
    candidates = [person(1), person(2), person(3), person(4)]
    posts = [post(1), post(2), post(3, places=2), post(4)]
    got = assimilation_routes(candidates, posts, {(101, 1): 80, (102, 2): 80, (103, 2): 80}, POLICY, STARTS)
    # 1 slots into post 1; 2 and 3 compete for post 2; 4 is at risk; posts 3 (2 places) and 4 are vacant.
    assert vacant_after(got, posts) == {3: 2, 4: 1}
    assert proposed_dismissals(got, {p.id: p.places for p in posts}) == 2  # person 4, and one of 2 and 3


# The named stages on their own.

def keyed(matches):
    return {(100 + p, q): m for (p, q), m in matches.items()}


def relations(candidates, posts):
    return {(c.employee_id, p.id): pay_relation(c, p, POLICY) for c in candidates for p in posts}


def test_slot_in_choices_keeps_only_the_best_qualifying_posts():
    people = [person(1), person(2)]
    # Post 3 matches person 1 best but pays 20% less (80,000 against 100,000): not a slot-in.
    posts = [post(1), post(2), post(3, top="80000", bottom="70000")]
    matches = keyed({(1, 1): 80, (1, 2): 80, (1, 3): 95, (2, 1): 69})
    got = _slot_in_choices(people, posts, matches, relations(people, posts), 70)
    assert {k: [p.id for p in v] for k, v in got.items()} == {1: [1, 2]}  # person 2 is 1% short


def test_slot_in_stage_counts_places_filled_and_contested():
    people = [person(1), person(2), person(3), person(4)]
    posts = [post(1, places=3), post(2), post(3), post(4, places=2)]
    choices = {1: [posts[0]], 2: [posts[1]], 3: [posts[1]], 4: [posts[2], posts[3]]}
    matches = keyed({(1, 1): 80, (2, 2): 90, (3, 2): 75, (4, 3): 85, (4, 4): 85})
    got, taken = _slot_in_stage(people, posts, choices, matches, relations(people, posts), 70)
    assert {n: r.route for n, r in got.items()} == {1: "slot_in", 2: "ring_fence", 3: "ring_fence", 4: "ring_fence"}
    assert got[1].reasons == "match 80% ≥ 70%, salary 4% lower ≤ 10%, 1 candidates for 3 places"
    assert got[4].pool == (3, 4)
    # Post 1: one of three places filled; post 2 contested; posts 3 and 4 wholly contested by the tie.
    assert taken == {1: 1, 2: 1, 3: 1, 4: 2}
    assert _open_places(posts, taken) == {1: 2}


def test_ring_fence_edges_list_open_posts_best_match_first():
    people = [person(1), person(2)]
    got = _ring_fence_edges(people, {1: 1, 2: 1, 3: 2}, keyed({(1, 1): 55, (1, 2): 65, (1, 3): 55, (2, 1): 49}), 50)
    assert got == {1: [2, 1, 3], 2: []}  # equal matches in post id order; 49% is below the line


def test_pools_are_the_connected_groups_of_people_and_posts():
    people = [person(1), person(2), person(3), person(4), person(5)]
    # 1 and 3 share nothing directly, but 2 links post 10 to post 11; 4 has no post; 5 is alone on 12.
    edges = {1: [10], 2: [11, 10], 3: [11], 4: [], 5: [12]}
    got = [([c.employee_id for c in members], posts) for members, posts in _pools(people, edges)]
    assert got == [([1, 2, 3], {10, 11}), ([5], {12})]


@pytest.mark.parametrize("matches, reasons", [
    ({}, "no job match recorded against any new post"),
    ({(1, 1): 40, (1, 2): 45}, "best match 45% < 50% (Post 2)"),
    ({(1, 1): 60, (1, 2): 60}, "match 60% for Post 1, but its places are taken by people ahead under the policy"),
])
def test_at_risk_route_says_how_near_the_best_match_came(matches, reasons):
    got = _at_risk_route(person(1), [post(1), post(2)], keyed(matches), 50)
    assert (got.route, got.proposed_post_id) == ("at_risk", None)
    assert got.reasons == f"{reasons}: at risk of redundancy, redeployment considered first"
