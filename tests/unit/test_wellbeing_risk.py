"""Tests for risk assessment and alert raising."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.wellbeing.core import risk_eval
from miwell.wellbeing.core.risk import (
    LEVELS,
    SCREENER_REASONS,
    RiskAssessment,
    asks_screener,
    assess,
    raises_alert,
    reason_key,
)
from miwell.wellbeing.core.risk_language import KEY_WORDS, RULES, hear, is_english_word, normalise, read_word

DATA = Path(__file__).resolve().parents[1] / "data" / "risk_notes.csv"


def test_levels() -> None:
    assert LEVELS == ("none", "watch", "urgent")


# --- reading words as they are typed ------------------------------------------------------------
# Examples here are written for these tests; the labelled set under tests/data is scored apart.


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("SUICIDE", "suicide"),
        ("Suicídio", "suicide"),  # accent gone, then two letters from a key word
        ("suicde", "suicide"),  # a letter missing
        ("suicdie", "suicide"),  # two letters swapped
        ("siucidal", "suicidal"),
        ("myslef", "myself"),
        ("slef", "self"),
        ("s3lf", "self"),
        ("$u1c1de", "suicide"),
        ("kiiiill", "kill"),
        ("dieeeee", "die"),
        ("overdoes", "overdoes"),  # an English word is never "corrected"
        ("overdone", "overdone"),
        ("decide", "decide"),
        ("kann", "kann"),  # nor is a double letter stretching
        ("cut", "cut"),  # short words are left alone
        ("kms", "kms"),
    ],
)
def test_words_are_read_as_meant(typed: str, read: str) -> None:
    assert normalise(typed).text == read


def test_spaced_and_dotted_letters_are_joined_only_into_key_words() -> None:
    assert normalise("thinking about s u i c i d e").text == "thinking about suicide"
    assert normalise("k.m.s tbh").text == "kms tbh"
    assert normalise("plan a b c today").text == "plan a b c today"


def test_apostrophes_emoji_and_punctuation() -> None:
    assert normalise("I don\u2019t want to be here\u2026 really").text == "i dont want to be here . really"
    assert normalise("\U0001f52a\U0001fa78").text == "emoji_knife emoji_blood"
    assert normalise("want 2 die").text == "want to die"
    assert normalise("took 2 buses").text == "took 2 buses"


def test_key_words_are_plain_and_rules_compile() -> None:
    assert all(word == word.lower() and word.isalpha() for word in KEY_WORDS)
    assert len(set(KEY_WORDS)) == len(KEY_WORDS)
    assert {rule.level for rule in RULES} == {"watch", "urgent"}
    for word in KEY_WORDS:
        assert read_word(word) == word


# --- what is heard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "meaning"),
    [
        ("Suicidal most of the day", "Suicide or suicidal thoughts"),
        ("i could just k1ll myslef", "Suicide or suicidal thoughts"),
        ("honestly kms", "Suicide or suicidal thoughts"),
        ("I keep wanting to end my life", "Suicide or suicidal thoughts"),
        ("i want to die so bad", "Wish to die"),
        ("Ich will sterben", "Wish to die"),
        ("quisiera morir", "Wish to die"),
        ("I have been stockpiling my co-codamol", "Plan or means: medication or poison"),
        ("how many aspirin would it take", "Plan or means: medication or poison"),
        ("i looked at how high the multi storey is", "Plan or means: heights"),
        ("want to lie down in front of a lorry", "Plan or means: traffic or trains"),
        ("found a rope in the garage and kept it", "Plan or means: ligature"),
        ("best method to die quickly", "Looking up ways to die"),
        ("wrote goodbye notes to my sisters", "Saying goodbye or giving things away"),
        ("Giving away my things this week", "Saying goodbye or giving things away"),
        ("burnt my arm with a cigarette", "Self-harm"),
        ("sh'd again, sorry", "Self-harm"),
        ("mi sono tagliata", "Self-harm"),
        ("really tempted to cut tonight", "Urge to self-harm"),
        ("not safe around myself at the moment", "Not safe with themselves"),
        ("\u26b0\ufe0f", "Death emoji"),
        ("feeling hopeless about all of it", "Hopelessness"),
        ("what is even the point", "Hopelessness"),
        ("I never want to wake up", "Passive wish to die"),
        ("my kids would be happier if I was gone", "Feeling a burden"),
        ("I cannot keep going like this", "Can't go on"),
        ("so sick of existing", "Tired of living"),
        ("want it all to be over", "Veiled intent"),
    ],
)
def test_each_family_is_heard(note: str, meaning: str) -> None:
    assert meaning in [h.meaning for h in hear(note)], hear(note)


@pytest.mark.parametrize(
    "note",
    [
        "Laptop died during my presentation",
        "my legs are dead after football",
        "i could die for some chips",
        "this heat is killing me",
        "cut the cake for my mum's birthday",
        "cutting back on screen time",
        "jumped off the pier into the sea with friends",
        "the rope bridge on holiday was scary but fun",
        "took my tablets with breakfast",
        "overdone the pasta again",
        "end of the school year party",
        "I'd love to disappear into the mountains for a week",
        "I give up on this jigsaw",
        "My nephew is hopeless at football",
        "haven't self harmed for a year now",
        "I used to be suicidal, not any more",
        "my cousin says she feels hopeless and I'm worried about her",
        "signed up for suicide prevention training",
        "I'm not suicidal, just worn out",
        "i don't want to die, i want help",
        "",
    ],
)
def test_everyday_and_recovery_notes_are_quiet(note: str) -> None:
    assert hear(note) == [], hear(note)
    assert assess(5, note, []).level == "none"


def test_reasons_quote_the_patients_own_words_urgent_first() -> None:
    result = assess(5, "no hope. Sucide on my mind, SUICIDE.", [])
    assert result.level == "urgent"
    assert result.reasons == [
        'Suicide or suicidal thoughts: "Sucide", "SUICIDE"',
        'Hopelessness: "no hope"',
    ]
    assert result.from_note == "urgent"


def test_labelled_set_meets_the_goals() -> None:
    """Issue 11's goals on the labelled set. The set was partly written after rules were tuned
    against earlier parts of it, so these figures are an upper bound (see benchmarks/risk_language.py)."""
    notes = risk_eval.load(DATA)
    counts = {c: sum(1 for n in notes if n.category == c) for c in risk_eval.CATEGORIES}
    assert counts["explicit"] >= 100 and counts["indirect"] >= 60 and counts["benign"] >= 140
    result = risk_eval.evaluate(notes)
    assert result.explicit_recall >= 0.97, result.wrong
    assert result.indirect_recall >= 0.90, result.wrong
    assert result.false_alarm_rate <= 0.08, result.wrong


def test_none_note_is_fine() -> None:
    assert assess(7, None, []) == RiskAssessment("none", [])


@pytest.mark.parametrize(("score", "reason"), [(2, "Mood is Sad (2)"), (1, "Mood is Awful (1)")])
def test_low_score_is_watch(score: int, reason: str) -> None:
    assert assess(score, "", []) == RiskAssessment("watch", [reason])


@pytest.mark.parametrize("score", [3, 4, 5, 6, 7])
def test_score_three_or_more_alone_is_none(score: int) -> None:
    assert assess(score, "a quiet day", []) == RiskAssessment("none", [])


def test_three_low_days_in_a_row_is_watch() -> None:
    assert assess(3, "", [3, 3]) == RiskAssessment("watch", ["Mood 3 or lower for 3 days in a row"])


def test_long_low_run_reports_its_length() -> None:
    assert assess(3, "", [2, 1, 3, 5, 1]).reasons == ["Mood 3 or lower for 4 days in a row"]


@pytest.mark.parametrize(
    "recent",
    [[], [3], [3, 4], [4, 3], [None, 3], [3, None, 3], [7, 1, 1]],
)
def test_low_run_needs_two_low_previous_days(recent: list[int | None]) -> None:
    assert assess(3, "", recent).level == "none"


def test_low_score_and_low_run_give_both_reasons() -> None:
    assert assess(2, "", [3, 1]).reasons == [
        "Mood is Sad (2)",
        "Mood 3 or lower for 3 days in a row",
    ]


def test_urgent_keeps_watch_reasons() -> None:
    result = assess(1, "I want to end it all", [2, 3])
    assert result.level == "urgent"
    assert result.reasons == [
        'Suicide or suicidal thoughts: "end it all"',
        "Mood is Awful (1)",
        "Mood 3 or lower for 3 days in a row",
    ]


@pytest.mark.parametrize(("score", "recent"), [(0, []), (8, []), (5, [9]), (5, [0, 3])])
def test_invalid_scores_raise(score: int, recent: list[int]) -> None:
    with pytest.raises(ValueError):
        assess(score, "", recent)


def test_assessment_rejects_unknown_level() -> None:
    with pytest.raises(ValueError):
        RiskAssessment("high", [])  # type: ignore[arg-type]


def test_assessment_is_frozen() -> None:
    result = assess(5, "", [])
    with pytest.raises(AttributeError):
        result.level = "urgent"  # type: ignore[misc]


# --- raises_alert -----------------------------------------------------------

NONE = RiskAssessment("none", [])
SAD = RiskAssessment("watch", ["Mood is Sad (2)"])
AWFUL = RiskAssessment("watch", ["Mood is Awful (1)"])
URGENT_SAD = RiskAssessment("urgent", ['Suicide or suicidal thoughts: "suicide"', "Mood is Sad (2)"])


def test_first_assessment_alerts_only_when_not_none() -> None:
    assert raises_alert(None, SAD)
    assert raises_alert(None, URGENT_SAD)
    assert not raises_alert(None, NONE)


def test_new_level_none_never_alerts() -> None:
    assert not raises_alert(SAD, NONE)
    assert not raises_alert(URGENT_SAD, NONE)


def test_level_going_up_alerts() -> None:
    assert raises_alert(NONE, SAD)
    assert raises_alert(SAD, URGENT_SAD)


def test_typo_fix_on_alerted_entry_does_not_alert_again() -> None:
    old = assess(2, "felt awfull today", [])
    new = assess(2, "felt awful today", [])
    assert not raises_alert(old, new)
    old = assess(2, "thinking about suicde, suicide", [])
    new = assess(2, "thinking about suicide", [])
    assert not raises_alert(old, new)


def test_lowering_the_mood_alerts_again() -> None:
    assert raises_alert(assess(2, "", []), assess(1, "", []))
    assert raises_alert(SAD, AWFUL)


def test_adding_risk_language_alerts_again() -> None:
    old = assess(1, "I hurt myself", [])
    new = assess(1, "I hurt myself and want to die", [])
    assert old.level == new.level == "urgent"
    assert raises_alert(old, new)


def test_removing_reasons_does_not_alert() -> None:
    old = assess(1, "I hurt myself and want to die", [])
    new = assess(1, "I hurt myself", [])
    assert not raises_alert(old, new)


def test_level_going_down_with_nothing_new_does_not_alert() -> None:
    assert not raises_alert(URGENT_SAD, SAD)


# --- properties -------------------------------------------------------------

SAFE_WORDS = (
    "today", "walked", "the", "dog", "harmless", "diet", "died", "dead", "die",
    "dying", "tired", "work", "coffee", "skill", "selfish", "lifeline", "endless",
    "overdue", "haircut", "killer", "app", "hurts", "cuts", "friends", "rain",
    "sunny", "felt", "okay", "anxious", "sad", "angry", "happy", "lonely", "slept",
    "badly", "well", "and", "but", "so", "very", "a", "bit", "phone", "battery",
    "exam", "stress", "busy", "mum", "dad", "tea", "life", "good", "bad", "end",
    "of", "week", "don't", "can't", "won't", "!", ",", ".", "?", "...",
)  # fmt: skip

safe_word = st.sampled_from(SAFE_WORDS)
separator = st.sampled_from([" ", "  ", "\n", "\t", " \n "])


@st.composite
def safe_text(draw: st.DrawFn, max_words: int = 12) -> str:
    words = draw(st.lists(safe_word, max_size=max_words))
    out = ""
    for word in words:
        out += draw(separator) + word
    return out


# Urgent phrases in their plain form, with the meaning each must be heard as.
URGENT_PHRASES: tuple[tuple[str, str], ...] = (
    ("i want to kill myself", "Suicide or suicidal thoughts"),
    ("thinking about suicide", "Suicide or suicidal thoughts"),
    ("feeling suicidal", "Suicide or suicidal thoughts"),
    ("going to end my life", "Suicide or suicidal thoughts"),
    ("i want to die", "Wish to die"),
    ("i don't want to live", "Wish to die"),
    ("saving up my tablets", "Plan or means: medication or poison"),
    ("took an overdose", "Plan or means: medication or poison"),
    ("i want to hang myself", "Plan or means: ligature"),
    ("self harming again", "Self-harm"),
    ("i want to hurt myself", "Self-harm"),
    ("not safe with myself", "Not safe with themselves"),
)


@st.composite
def disguised_phrase(draw: st.DrawFn) -> tuple[str, str]:
    """An urgent phrase as a tired person types it: random case, spacing and apostrophes, a
    stretched letter, and one slip of the finger in a long word."""
    phrase, meaning = draw(st.sampled_from(URGENT_PHRASES))
    words = phrase.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if long_words and draw(st.booleans()):
        i = draw(st.sampled_from(long_words))
        word = words[i]
        k = draw(st.integers(1, len(word) - 2))
        slip = draw(st.sampled_from(["drop", "swap"]))
        slipped = word[:k] + word[k + 1 :] if slip == "drop" else word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        # A slip that lands on another English word ("tablets" -> "tables") is out of reach of
        # any speller without context; the screen leaves real words alone on purpose.
        if not is_english_word(slipped):
            words[i] = slipped
    if draw(st.booleans()):
        i = draw(st.integers(0, len(words) - 1))
        word = words[i]
        k = draw(st.integers(0, len(word) - 1))
        if word[k].isalpha():
            words[i] = word[:k] + word[k] * draw(st.integers(3, 6)) + word[k + 1 :]
    out = []
    for n, word in enumerate(words):
        if n:
            out.append(draw(st.sampled_from([" ", "  ", "\t", "\n", " \n "])))
        for ch in word:
            if ch == "'":
                out.append(draw(st.sampled_from(["'", "\u2019", "\u2018", ""])))
            else:
                out.append(ch.upper() if draw(st.booleans()) else ch)
    return meaning, "".join(out)


@settings(max_examples=300)
@given(
    before=safe_text(),
    found=disguised_phrase(),
    after=safe_text(),
    score=st.integers(1, 7),
    recent=st.lists(st.integers(1, 7), max_size=5),
)
def test_urgent_phrase_anywhere_in_any_typing_is_urgent(
    before: str, found: tuple[str, str], after: str, score: int, recent: list[int]
) -> None:
    meaning, disguised = found
    # A full stop keeps the safe words out of the phrase's clause ("haven't" would be recovery).
    note = f"{before}. {disguised}. {after}"
    result = assess(score, note, recent)
    assert result.level == "urgent", (note, result)
    assert any(reason.startswith(meaning + ": ") for reason in result.reasons), (note, result)


@settings(max_examples=200)
@given(note=safe_text(max_words=40), score=st.integers(1, 7))
def test_safe_vocabulary_is_never_urgent(note: str, score: int) -> None:
    result = assess(score, note, [])
    assert result.level != "urgent"
    assert result.from_note == "none"
    assert not any(': "' in reason for reason in result.reasons)


def _expected_watch(score: int, recent: Sequence[int | None]) -> bool:
    if score <= 2:
        return True
    return len(recent) >= 2 and all(s is not None and s <= 3 for s in [score, *recent[:2]])


@settings(max_examples=200)
@given(
    score=st.integers(1, 7),
    recent=st.lists(st.one_of(st.none(), st.integers(1, 7)), max_size=6),
)
def test_watch_rule_matches_its_definition(score: int, recent: list[int | None]) -> None:
    result = assess(score, "an ordinary day", recent)
    assert result.level == ("watch" if _expected_watch(score, recent) else "none")
    assert (result.level == "none") == (result.reasons == [])
