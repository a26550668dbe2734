"""Several offerings listed under one kind become one offering each, with their own numbers."""

from __future__ import annotations

from generator.agent import Conversation, PlanOutcome, plan
from generator.manifest.model import Manifest, OfferingKind, PriceUnit
from tests.agent.conftest import planned


def offerings(manifest: Manifest) -> dict[str, tuple[OfferingKind, list[int]]]:
    return {o.name: (o.kind, o.durations_minutes) for o in manifest.offerings}


def prices(manifest: Manifest) -> dict[str, int | None]:
    return {o.name: o.price.amount_minor if o.price else None for o in manifest.offerings}


def fields(outcome: PlanOutcome) -> set[str]:
    return {assumption.field for assumption in outcome.manifest.assumptions}


def test_a_parenthesised_list_after_classes_gives_one_class_each() -> None:
    """Fitness: "group classes (spin, yoga, HIIT, that kind of thing)", acronyms kept."""
    outcome = planned("fitness-studio")
    m = outcome.manifest

    assert [o.name for o in m.offerings] == ["Spin", "Yoga", "HIIT"]
    assert [o.id for o in m.offerings] == ["spin", "yoga", "hiit"]
    assert all(o.kind is OfferingKind.CLASS for o in m.offerings)
    assert all((o.durations_minutes, o.capacity) == ([60], 20) for o in m.offerings)
    assert {"offerings.spin.capacity", "offerings.hiit.durations_minutes"} <= fields(outcome)


def test_each_service_keeps_the_duration_written_after_it() -> None:
    """Salon: "cut 30 min, colour 90 min, cut+colour 2 hours" are three staffed services."""
    m = planned("hair-salon").manifest

    assert offerings(m) == {
        "Cut": (OfferingKind.APPOINTMENT, [30]),
        "Colour": (OfferingKind.APPOINTMENT, [90]),
        "Cut + Colour": (OfferingKind.APPOINTMENT, [120]),
    }
    assert {o.id for o in m.offerings} == {"cut", "colour", "cut_colour"}
    assert all(o.staff_required and o.resource_name == "Stylist" for o in m.offerings)


def test_the_admin_step_up_that_was_asked_for_is_not_an_assumption() -> None:
    """Fitness asks for a second factor on admin refunds, so it is not listed as assumed."""
    outcome = planned("fitness-studio")

    assert "refund" in outcome.manifest.role("admin").step_up_for
    assert "roles.admin.step_up_for" not in fields(outcome)


def test_an_unrequested_admin_step_up_is_still_listed() -> None:
    """The salon never asked for step-up, so the default is shown as an assumption."""
    assert "roles.owner.step_up_for" in fields(planned("hair-salon"))


def test_a_spa_menu_with_durations_and_prices_after_each_treatment() -> None:
    """Each duration and price belongs to the treatment it follows, not to the last one."""
    m = plan(
        Conversation.of(
            "Day spa in Berlin. Guests book a massage 60 min €70, facial 45 min €50 and "
            "manicure 30 min €30. Payments via Stripe."
        )
    ).manifest

    assert offerings(m) == {
        "Massage": (OfferingKind.APPOINTMENT, [60]),
        "Facial": (OfferingKind.APPOINTMENT, [45]),
        "Manicure": (OfferingKind.APPOINTMENT, [30]),
    }
    assert prices(m) == {"Massage": 7000, "Facial": 5000, "Manicure": 3000}
    assert all(o.quantity == 1 for o in m.offerings)


def test_durations_without_prices_are_shared_out_the_same_way() -> None:
    """ "massage 60 min, facial 45 min, manicure 30 min" with no price: three treatments."""
    outcome = plan(
        Conversation.of(
            "Spa in Denver. Customers book a massage 60 min, facial 45 min, manicure 30 min."
        )
    )

    assert [o.durations_minutes for o in outcome.manifest.offerings] == [[60], [45], [30]]
    assert {"offerings.facial.price", "offerings.manicure.price"} <= fields(outcome)


def test_a_coordinated_list_before_classes() -> None:
    """ "we teach salsa, tango and bachata classes": three classes with the default size."""
    m = plan(Conversation.of("Dance school in Madrid. We teach salsa, tango and bachata classes."))

    names = {o.name: o.kind for o in m.manifest.offerings}
    assert names == dict.fromkeys(["Salsa", "Tango", "Bachata"], OfferingKind.CLASS)


def test_describing_words_keep_the_noun_they_describe() -> None:
    """ "private and group lessons": "Private" alone would not name anything."""
    m = plan(Conversation.of("Tennis club in Boston. We run private and group lessons.")).manifest

    assert [o.name for o in m.offerings] == ["Private Lesson", "Group Lesson"]


def test_rentals_by_the_hour_are_one_resource_each() -> None:
    """ "kayak and paddleboard rentals by the hour": two hourly resources."""
    m = plan(
        Conversation.of(
            "We offer kayak and paddleboard rentals by the hour in Seattle, $20 per hour. "
            "Renters pay online."
        )
    ).manifest

    assert [o.name for o in m.offerings] == ["Kayak", "Paddleboard"]
    for offering in m.offerings:
        assert offering.kind is OfferingKind.RESOURCE
        assert offering.price_unit is PriceUnit.PER_HOUR
        assert offering.price is not None and offering.price.amount_minor == 2000


def test_amenities_beside_a_class_are_not_offerings() -> None:
    """ "a cafe, showers and yoga classes": only the classes are booked."""
    m = plan(Conversation.of("Gym in Austin with a cafe, showers and yoga classes.")).manifest

    assert [o.name for o in m.offerings] == ["Yoga Class"]


def test_a_single_name_before_a_duration_is_not_a_list() -> None:
    """ "Members get 10 hours a month" and "a 60-minute groom" name no separate items."""
    m = plan(
        Conversation.of(
            "Coworking in Denver. Members book rooms by the hour, $25 an hour. "
            "Members get 10 hours a month free."
        )
    ).manifest

    [room] = m.offerings
    assert room.name == "Room" and room.price_unit is PriceUnit.PER_HOUR


def test_items_listed_before_their_kind_join_the_kind_named_later() -> None:
    """A menu first, then "members book classes": the menu items are classes."""
    m = plan(
        Conversation.of(
            "Studio in Austin. Menu: hot yoga 60 min $25, yin yoga 75 min $30. "
            "Members book classes online."
        )
    ).manifest

    assert offerings(m) == {
        "Hot Yoga": (OfferingKind.CLASS, [60]),
        "Yin Yoga": (OfferingKind.CLASS, [75]),
    }
    assert prices(m) == {"Hot Yoga": 2500, "Yin Yoga": 3000}


def test_a_verb_after_a_name_is_no_part_of_it() -> None:
    """ "A wash takes 45 minutes and costs AUD 40": an offering "Wash", its length and price."""
    m = plan(
        Conversation.of(
            "We run a dog grooming salon in Sydney. Customers book online and pay by card. "
            "A wash takes 45 minutes and costs AUD 40. A full groom takes 90 minutes and "
            "costs AUD 85. The owner does everything."
        )
    ).manifest

    assert [(o.id, o.name, o.durations_minutes) for o in m.offerings] == [
        ("wash", "Wash", [45]),
        ("full_groom", "Full Groom", [90]),
    ]
    assert prices(m) == {"Wash": 4000, "Full Groom": 8500}
    assert {o.price.currency for o in m.offerings if o.price} == {"AUD"}


def test_items_priced_with_costs_keep_their_own_counts() -> None:
    """ "4 singles and 6 doubles ... a single costs $25": Single and Double, each counted."""
    m = plan(
        Conversation.of(
            "Kayak rental in Portland. We rent 4 singles and 6 doubles. A single costs $25 and "
            "a double costs $40. Tourists book and pay online. The owner does everything."
        )
    ).manifest

    assert prices(m) == {"Single": 2500, "Double": 4000}
    assert {o.name: o.quantity for o in m.offerings} == {"Single": 4, "Double": 6}


def test_lessons_with_teachers_are_one_to_one_appointments() -> None:
    """ "30-minute piano lessons ... with our teachers": a length, not a name; one student each."""
    m = plan(
        Conversation.of(
            "We are a music school in Manchester. We offer 30-minute piano lessons and guitar "
            "lessons with our teachers. A lesson costs £30. Students book and pay online."
        )
    ).manifest

    assert offerings(m) == {
        "Piano Lesson": (OfferingKind.APPOINTMENT, [30]),
        "Guitar Lesson": (OfferingKind.APPOINTMENT, [30]),
    }
    for offering in m.offerings:
        assert (offering.capacity, offering.staff_required) == (1, True)
        assert offering.resource_name == "Teacher"
    assert prices(m) == {"Piano Lesson": 3000, "Guitar Lesson": 3000}


def test_group_lessons_with_a_headcount_stay_classes() -> None:
    """ "Group guitar lessons for 6 people" are taught to a group, so they stay a class."""
    m = plan(
        Conversation.of(
            "Music school in Leeds. Our teachers run group guitar lessons for 6 people. "
            "A lesson costs £12. Students pay online."
        )
    ).manifest

    assert [(o.kind, o.capacity) for o in m.offerings] == [(OfferingKind.CLASS, 6)]


def test_an_extra_described_after_the_offering_does_not_replace_it() -> None:
    """ "Mat rental costs $5" after the classes is an extra: the class keeps its own price."""
    m = plan(
        Conversation.of(
            "Yoga studio in Boston. Guests book classes. Classes are 60 minutes and cost $20. "
            "Mat rental costs $5. The admin does everything."
        )
    ).manifest

    assert prices(m) == {"Class": 2000}
