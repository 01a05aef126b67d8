"""Tests for miwell.scheduling.core.status: the appointment status lifecycle."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.scheduling.core.status import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    STATUSES,
    InvalidTransition,
    allowed_targets,
    status_label,
    transition,
)

ALLOWED = {
    ("scheduled", "confirmed"),
    ("scheduled", "checked_in"),
    ("scheduled", "cancelled"),
    ("scheduled", "no_show"),
    ("confirmed", "checked_in"),
    ("confirmed", "cancelled"),
    ("confirmed", "no_show"),
    ("checked_in", "completed"),
}


def test_status_constants() -> None:
    assert STATUSES == ("scheduled", "confirmed", "checked_in", "completed", "cancelled", "no_show")
    assert FINAL_STATUSES == ("completed", "cancelled", "no_show")
    # Only a cancellation frees the slot; a no-show still used it up.
    assert ACTIVE_STATUSES == ("scheduled", "confirmed", "checked_in", "completed", "no_show")


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions_return_the_target(current: str, target: str) -> None:
    assert transition(current, target) == target


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in itertools.product(STATUSES, repeat=2) if pair not in ALLOWED],
)
def test_every_other_transition_is_refused(current: str, target: str) -> None:
    with pytest.raises(InvalidTransition) as error:
        transition(current, target)
    assert isinstance(error.value, ValueError)
    assert (error.value.current, error.value.target) == (current, target)
    assert str(error.value).endswith(".")


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        ("cancelled", "completed", "A cancelled appointment cannot be marked completed."),
        ("completed", "cancelled", "A completed appointment cannot be cancelled."),
        ("no_show", "checked_in", "A no-show appointment cannot be checked in."),
        ("checked_in", "cancelled", "A checked-in appointment cannot be cancelled."),
        ("checked_in", "no_show", "A checked-in appointment cannot be marked as a no-show."),
        ("confirmed", "scheduled", "A confirmed appointment cannot be moved back to scheduled."),
        ("cancelled", "confirmed", "A cancelled appointment cannot be confirmed."),
        (
            "scheduled",
            "completed",
            "A scheduled appointment cannot be marked completed; check the patient in first.",
        ),
        (
            "confirmed",
            "completed",
            "A confirmed appointment cannot be marked completed; check the patient in first.",
        ),
        ("confirmed", "confirmed", "This appointment is already confirmed."),
        ("cancelled", "cancelled", "This appointment is already cancelled."),
        ("no_show", "no_show", "This appointment is already marked as a no-show."),
    ],
)
def test_refusal_messages(current: str, target: str, message: str) -> None:
    with pytest.raises(InvalidTransition) as error:
        transition(current, target)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("current", "target", "shown"),
    [
        ("pending", "confirmed", "'pending'"),
        ("scheduled", "done", "'done'"),
        ("Scheduled", "confirmed", "'Scheduled'"),
        ("", "confirmed", "''"),
        (None, "confirmed", "None"),
        ("scheduled", None, "None"),
        (["scheduled"], "confirmed", "['scheduled']"),
    ],
)
def test_unknown_statuses_are_refused(current: object, target: object, shown: str) -> None:
    with pytest.raises(InvalidTransition) as error:
        transition(current, target)  # type: ignore[arg-type]
    assert str(error.value) == (
        f"Unknown appointment status {shown}; expected one of: "
        "scheduled, confirmed, checked_in, completed, cancelled, no_show."
    )


@pytest.mark.parametrize(
    ("current", "targets"),
    [
        ("scheduled", ("confirmed", "checked_in", "cancelled", "no_show")),
        ("confirmed", ("checked_in", "cancelled", "no_show")),
        ("checked_in", ("completed",)),
        ("completed", ()),
        ("cancelled", ()),
        ("no_show", ()),
    ],
)
def test_allowed_targets(current: str, targets: tuple[str, ...]) -> None:
    assert allowed_targets(current) == targets


def test_allowed_targets_agree_with_transition_and_status_order() -> None:
    for current in STATUSES:
        targets = allowed_targets(current)
        assert targets == tuple(t for t in STATUSES if (current, t) in ALLOWED)
        assert (targets == ()) == (current in FINAL_STATUSES)


@pytest.mark.parametrize("current", ["unknown", None, 3])
def test_allowed_targets_of_unknown_status(current: object) -> None:
    with pytest.raises(InvalidTransition, match="Unknown appointment status"):
        allowed_targets(current)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "label"),
    [("scheduled", "scheduled"), ("checked_in", "checked in"), ("no_show", "no-show")],
)
def test_status_label(status: str, label: str) -> None:
    assert status_label(status) == label


def test_status_label_of_unknown_status() -> None:
    with pytest.raises(InvalidTransition):
        status_label("archived")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(STATUSES) | st.text(max_size=3), max_size=12))
def test_random_walks_follow_the_lifecycle(targets: list[str]) -> None:
    current = "scheduled"
    steps = 0
    for target in targets:
        try:
            result = transition(current, target)
        except InvalidTransition:
            assert target not in allowed_targets(current)
            continue
        assert result == target
        assert target in allowed_targets(current)
        current = result
        steps += 1
    # The lifecycle has no cycles; the longest path is
    # scheduled -> confirmed -> checked_in -> completed.
    assert steps <= 3
    assert current in STATUSES
    if current in FINAL_STATUSES:
        assert allowed_targets(current) == ()
