"""Tests for miwell.scheduling.core.colours: the event palette and colour suggestions."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.scheduling.core.colours import PALETTE, default_colour, is_valid_colour


def relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


class TestPalette:
    def test_has_about_a_dozen_distinct_valid_colours(self) -> None:
        assert 10 <= len(PALETTE) <= 16
        assert all(is_valid_colour(colour) for colour in PALETTE)
        assert len({colour.lower() for colour in PALETTE}) == len(PALETTE)

    def test_colours_are_lower_case(self) -> None:
        assert all(colour == colour.lower() for colour in PALETTE)

    @pytest.mark.parametrize("colour", PALETTE)
    def test_white_text_is_readable(self, colour: str) -> None:
        # WCAG AA asks for a contrast ratio of at least 4.5:1 for normal text.
        assert 1.05 / (relative_luminance(colour) + 0.05) >= 4.5


class TestDefaultColour:
    def test_nothing_used_gives_the_first_colour(self) -> None:
        assert default_colour([]) == PALETTE[0]

    def test_first_unused_colour_in_palette_order(self) -> None:
        assert default_colour([PALETTE[0], PALETTE[2]]) == PALETTE[1]
        assert default_colour([PALETTE[1]]) == PALETTE[0]

    def test_comparison_ignores_case_and_spaces(self) -> None:
        assert default_colour([PALETTE[0].upper(), f"  {PALETTE[1]} "]) == PALETTE[2]

    def test_colours_outside_the_palette_and_missing_colours_are_ignored(self) -> None:
        assert default_colour(["#000000", None, "not a colour", PALETTE[0]]) == PALETTE[1]

    def test_least_used_colour_once_all_are_taken(self) -> None:
        used = list(PALETTE) * 2 + [PALETTE[0]]
        used.remove(PALETTE[5])
        assert default_colour(used) == PALETTE[5]

    def test_ties_go_to_the_earliest_palette_colour(self) -> None:
        assert default_colour(list(PALETTE) * 3) == PALETTE[0]
        assert default_colour(list(reversed(PALETTE)) + [PALETTE[0]]) == PALETTE[1]

    def test_custom_palette_keeps_its_spelling(self) -> None:
        palette = ("#AABBCC", "#112233")
        assert default_colour(["#aabbcc"], palette=palette) == "#112233"
        assert default_colour(["#aabbcc", "#112233", "#AABBCC"], palette) == "#112233"

    def test_used_may_be_a_generator(self) -> None:
        assert default_colour(colour for colour in PALETTE[:3]) == PALETTE[3]

    def test_used_is_not_modified(self) -> None:
        used = [PALETTE[0], PALETTE[0]]
        default_colour(used)
        assert used == [PALETTE[0], PALETTE[0]]

    def test_empty_palette(self) -> None:
        with pytest.raises(ValueError, match="palette is empty"):
            default_colour([], palette=())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(PALETTE), st.booleans()).map(
            lambda pair: pair[0].upper() if pair[1] else pair[0]
        ),
        max_size=40,
    )
)
def test_default_colour_is_a_least_used_palette_colour(used: list[str]) -> None:
    counts = Counter(colour.lower() for colour in used)
    chosen = default_colour(used)
    assert chosen in PALETTE
    least = min(counts[colour] for colour in PALETTE)
    assert counts[chosen] == least
    assert chosen == next(colour for colour in PALETTE if counts[colour] == least)


@pytest.mark.parametrize("colour", ["#2563eb", "#2563EB", "#000000", "#FfFfFf"])
def test_valid_colours(colour: str) -> None:
    assert is_valid_colour(colour)


@pytest.mark.parametrize(
    "colour",
    [
        "2563eb",
        "#fff",
        "#2563eb0",
        "#2563e",
        "#2563eg",
        " #2563eb",
        "#2563eb\n",
        "",
        "blue",
        None,
        0x2563EB,
    ],
)
def test_invalid_colours(colour: object) -> None:
    assert not is_valid_colour(colour)
