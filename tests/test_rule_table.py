"""The record rules are a table (issue 19): precedence is data a test can read.

``normalise`` applies ``FIELD_RULES`` in order to each field of a record; the first rule
that reads a field wins. These tests state that order on fields that two rules could read.
"""

from __future__ import annotations

from webapp.content.model.normalise import FIELD_RULES, Hints, _Field, _read_field, _Reading


def _rule_for(key, value):
    """The name of the rule that reads field ``key`` of a record holding only it."""
    reading = _Reading([(key, value)], Hints(), currency="", minor=False)
    return _read_field(reading, _Field.of(key, value))


def test_every_rule_is_a_named_documented_function_listed_once():
    names = [rule.__name__ for rule in FIELD_RULES]
    assert len(names) == len(set(names))
    assert all(rule.__name__.endswith("_rule") and rule.__doc__ for rule in FIELD_RULES)


def test_ids_and_bookkeeping_are_hidden_before_any_rule_could_show_them():
    assert _rule_for("id", 52977) == "_hidden_rule"
    assert _rule_for("owner_id", "65b2a1c3d4e5f60718293a4b") == "_machine_value_rule"
    assert _rule_for("price_id", "pr_1") == "_hidden_rule"  # price-named, but an id


def test_a_status_is_a_badge_and_a_flag_a_badge_not_a_fact():
    assert _rule_for("status", "Sold") == "_status_rule"
    assert _rule_for("vegan", True) == "_flag_rule"


def test_a_price_wins_over_facts_and_a_second_price_is_an_offer_detail():
    assert _rule_for("price", 12) == "_price_rule"
    reading = _Reading([("price", 12), ("offers", [{"price": 3}])], Hints(), "", False)
    assert _read_field(reading, _Field.of("price", 12)) == "_price_rule"
    assert _read_field(reading, _Field.of("offers", [{"price": 3}])) == "_offer_details_rule"


def test_an_image_field_is_a_picture_and_a_date_field_a_date():
    assert _rule_for("image", "https://cdn.example.net/a.jpg") == "_images_rule"
    assert _rule_for("start_date", "2026-05-09") == "_date_rule"
    assert _rule_for("phone", "+44 20 7946 0000") == "_contact_rule"


def test_a_text_is_only_ranked_as_description_and_left_for_later():
    assert _rule_for("description", "A quiet flat by the river.") == ""
    names = [rule.__name__ for rule in FIELD_RULES]
    assert names.index("_text_candidate_rule") < names.index("_fact_rule")
