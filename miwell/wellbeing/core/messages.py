"""Daily motivating messages and the rule that picks one for a patient.

The messages were written for MiWell. They aim to be warm and practical rather
than cheerful at any cost: no promises that things will get better, no "just
think positive", nothing that implies someone is failing if they feel bad. A
patient may read one on their worst day, so each should be safe to read then.

New messages should be appended, not inserted: callers store the index of the
message shown, and inserting would shift the meaning of stored indices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

MESSAGES: tuple[str, ...] = (
    "Whatever today holds, you don't have to carry all of it at once. One small step is enough.",
    "Noticing how you feel is a skill, and you're practising it right now.",
    "Rest is not something you have to earn. It's part of looking after yourself.",
    "Some days are heavier than others. Being gentle with yourself on those days still counts.",
    "A glass of water, a bit of fresh air, a few slow breaths: small things can make a real difference.",
    "You don't need to have it all figured out today.",
    "Asking for help is a brave and sensible thing to do, and the people supporting you want to hear from you.",
    "Progress isn't always a straight line. Ups and downs are part of the path.",
    "Taking a few minutes for yourself today is time well spent.",
    "Try to be as kind to yourself as you would be to a good friend.",
    "You checked in today. That matters.",
    "Feelings change, even the strong ones. You don't have to fix them, just notice them.",
    "Small steps, taken often, add up to more than they seem.",
    "If today feels like too much, it's okay to do less. Doing less is still doing something.",
    "Your pace is the right pace.",
    "It's alright not to feel okay. You can still take care of yourself gently.",
    "A short walk, a song you love, or a chat with someone you trust can help shift a day.",
    "Think of one thing, however tiny, that went alright today.",
    "You are more than how you feel today.",
    "Breathing out slowly helps your body settle. Try a few long, easy breaths now.",
    "Checking in with yourself is a quiet way of showing yourself care.",
    "There's no right way to feel. Whatever you're feeling today is worth noticing.",
    "It's okay to take things one hour at a time.",
    "You've made it through hard days before, and you don't have to face this one alone.",
    "Try noticing one thing you can see, one you can hear and one you can feel. It can help you settle into the present.",
    "Sleep, food and a little movement are quiet foundations. Be kind to yourself about all three.",
    "Trying counts, even when it doesn't go to plan.",
    "Change takes time, and you're giving it time. That's enough for now.",
    "Your feelings make sense, even when they're hard to put into words.",
    "A moment of stillness can be a small gift to yourself.",
    "You're allowed to say no, to rest, and to put yourself first sometimes.",
    "We're glad you're here today.",
    "Looking after your mind is just as important as looking after your body.",
    "Whatever you managed today is enough for today.",
    "Getting outside, even briefly, can give your mind a little more room.",
    "You don't have to feel motivated to take a small step. Sometimes the feeling follows the step.",
    "If your thoughts are racing, try writing them down. They often feel smaller on paper.",
    "It's okay to have mixed feelings about things. Most people do.",
    "Every check-in helps you and your care team understand what helps you.",
    "You can start again at any point in the day. There's always room for a fresh moment.",
    "Noticing a good moment, even a small one, helps it stay with you a little longer.",
    "Being kind to others is lovely. Remember to include yourself.",
    "Hard feelings aren't a sign that you're doing something wrong.",
    "Let today be as simple as it needs to be.",
    "A warm drink and a few quiet minutes can be a small act of care.",
    "Talking things through with someone you trust can make a heavy load feel a bit lighter.",
    "You don't need to be perfect to be making progress.",
    "Moving in a way that feels good, even a gentle stretch, can help clear your head a little.",
    "You're learning what helps you, and that knowledge is yours to keep.",
    "It's okay to pause. Pausing isn't giving up.",
    "A day doesn't have to be good to have a good moment in it.",
    "Try unclenching your jaw and letting your shoulders drop. Bodies hold on to more than we notice.",
    "What would make today feel a little easier? Even one small thing is worth trying.",
    "Comparing yourself with others rarely helps. Your path is your own.",
    "Kindness towards yourself is a habit, and habits grow with practice.",
    "Music, nature and a bit of laughter can all be good company for the mind.",
    "It's okay if today's check-in is short. Showing up is what counts.",
    "You have strengths you might not notice. The people around you often see them clearly.",
    "Setting one small, kind intention for today can give it a gentle shape.",
    "Connecting with someone, even with a quick message, can help you feel less alone.",
    "If you're finding things hard, your care team wants to know. You never have to wait for things to get worse to reach out.",
    "Being still for a minute and just breathing is a perfectly good thing to do.",
    "Whatever you're feeling, you deserve care and support.",
    "Tomorrow is a fresh page, and today still has room for a kind moment.",
    "Try being curious about your feelings rather than judging them. Curiosity is often gentler.",
    "Just by being here, you're doing something for yourself.",
    # 66 onwards: for the moment right after an entry that told the patient's psychiatrist.
    "Thank you for telling us. Your psychiatrist has been told, and you don't have to go through this alone.",
    "What you wrote matters. Your psychiatrist knows, and the people below can talk with you now, day or night.",
    "Writing this down was a way of reaching out. Your psychiatrist has been told, and help is one call away.",
    "For now, just the next few minutes. If you can, call one of the numbers below or someone you trust.",
    "You deserve support right now, and your psychiatrist has seen today's entry. If you are in danger, call 999.",
)

# Messages that fit a hard moment: after an entry that raised an alert (watch or urgent). Short,
# warm, and pointing to the support on screen and to the psychiatrist having been told.
HARD_MOMENT: tuple[int, ...] = (66, 67, 68, 69, 70)
# Messages that are safe and kind on a low day (Low, Sad or Awful): nothing that asks for energy,
# cheer or comparison ("think of one thing that went well", "mixed feelings are normal").
LOW_MOOD: tuple[int, ...] = (
    0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 26, 28, 29, 30, 31, 33, 35, 36,
    38, 42, 43, 44, 45, 49, 51, 56, 59, 60, 61, 62, 65,
)
EVERYDAY: tuple[int, ...] = tuple(range(66))


def pool_for(score: int, risk_level: str) -> tuple[int, ...]:
    """Which messages may be shown after an entry with this mood and risk."""
    if risk_level in ("watch", "urgent"):
        return HARD_MOMENT
    if score <= 3:
        return LOW_MOOD
    return EVERYDAY


def _daily_seed(day: date, patient_id: int) -> int:
    # A cryptographic hash rather than hash()/random so the choice is stable
    # across processes and Python versions (hash() of str is salted per run).
    digest = hashlib.sha256(f"miwell-message:{patient_id}:{day.toordinal()}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def choose_message(
    day: date, patient_id: int, recent_indices: Sequence[int], pool: Sequence[int] | None = None
) -> int:
    """Return the index into ``MESSAGES`` of the message to show ``patient_id`` on ``day``.

    ``pool`` limits the choice (see ``pool_for``); by default every everyday message may be
    chosen. ``recent_indices`` are the indices shown in the last 30 days, most recent first.
    The result is deterministic for given inputs and never one of ``recent_indices`` while any
    other message of the pool is available. If every message is excluded, the least recently
    shown one is returned. Indices outside ``MESSAGES`` or the pool are ignored.
    """
    candidates = [i for i in (EVERYDAY if pool is None else pool) if 0 <= i < len(MESSAGES)]
    excluded = set(recent_indices)
    allowed = [i for i in candidates if i not in excluded]
    if allowed:
        return allowed[_daily_seed(day, patient_id) % len(allowed)]

    # Everything was shown recently: the least recent is the one whose latest
    # showing is furthest down the most-recent-first list.
    last_seen: dict[int, int] = {}
    for position, index in enumerate(recent_indices):
        if index in candidates:
            last_seen.setdefault(index, position)
    return max(last_seen, key=lambda i: last_seen[i])
