"""Hearing risk in a patient's note the way patients actually write it.

A note is read in two steps:

1. ``normalise`` turns it into plain words: lower case, accents and apostrophes dropped, emoji
   named, leetspeak read ("su1c1de"), stretched letters shrunk ("dieeee"), spaced letters joined
   ("s u i c i d e"), and misspelt *key words* corrected ("sucide", "slef") with SymSpell against
   a short list of the words the rules hinge on. A word is only corrected when it is not an
   English word already (SymSpell's bundled 82,000-word dictionary), so "overdone" stays
   "overdone" while "overdoes" becomes "overdose".
2. ``RULES`` are regular expressions over those words, each with a level, a meaning the clinician
   reads ("Plan or means: medication") and guards against the commonest innocent readings:
   talk about the past or recovery ("I haven't cut in a year"), about other people ("my friend
   feels suicidal"), or about the topic ("suicide prevention").

Recall comes first. A clinician reading a false alarm costs far less than a missed one, so the
guards are narrow, and everything they do not cover is flagged. The figures on a labelled set of
notes are printed by ``benchmarks/risk_language.py`` and kept up by ``tests/unit``.

Written for MiWell; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.resources
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from symspellpy import SymSpell, Verbosity

NoteLevel = Literal["watch", "urgent"]

# --- normalising ----------------------------------------------------------------------------

# Emoji carry meaning in a diary. Each becomes a word no prose contains, so that "coffin" in
# "carried grandad's coffin" is not read as the emoji.
EMOJI: dict[str, str] = {
    "\U0001f52a": "emoji_knife",  # kitchen knife
    "\U0001f5e1": "emoji_knife",  # dagger
    "\U0001fa78": "emoji_blood",  # drop of blood
    "\U0001f48a": "emoji_pill",
    "\U0001fa62": "emoji_rope",  # knot
    "\u26b0": "emoji_coffin",
    "\U0001faa6": "emoji_coffin",  # headstone
    "\U0001f52b": "emoji_gun",
}

_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"
_WORD_CHAR = r"[^\W_]|[@$]"
_TOKEN_RE = re.compile(
    "|".join(
        [
            "(?P<emoji>" + "|".join(re.escape(e) for e in sorted(EMOJI, key=len, reverse=True)) + ")",
            rf"(?P<word>(?:{_WORD_CHAR})+(?:[{_APOSTROPHES}](?:{_WORD_CHAR})+)*)",
            r"(?P<stop>[.!?;:]+|\u2026)",
            r"(?P<comma>[,\u2013\u2014()\[\]\"]|\s-\s)",
        ]
    )
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})

# Words the rules hinge on: a token within one edit (two for long words) of one of these, and not
# an English word already, is read as it. Short words are left alone: too many real words are a
# letter away from "die" or "cut".
KEY_WORDS: tuple[str, ...] = (
    "suicide", "suicidal", "suicidally", "overdose", "overdosed", "overdosing", "paracetamol",
    "ibuprofen", "tablets", "myself", "self", "kill", "killing", "harm", "harming", "harmed",
    "hurting", "unalive", "unaliving", "hopeless", "hopelessness", "goodbye", "goodbyes", "noose",
    "hanging", "wrists", "existing", "burden", "disappear", "want", "anymore", "anything",
    "everything", "everyone", "living", "alive", "without", "better", "cutting", "sewerslide",
)  # fmt: skip

# Spellings of our own that SymSpell's dictionary lacks and that must never be "corrected".
EXTRA_WORDS: tuple[str, ...] = (
    "im", "ive", "id", "ill", "dont", "didnt", "doesnt", "wasnt", "werent", "isnt", "arent",
    "havent", "hasnt", "hadnt", "wont", "wouldnt", "couldnt", "shouldnt", "cant", "thats",
    "theres", "whats", "youre", "theyre", "theyd", "hes", "shes", "kms", "kys", "ctb", "sh", "shd",
    "meds", "lol", "tbh", "rn", "idk", "omg", "ngl", "fml", "od", "ing", "gonna", "wanna",
)  # fmt: skip

SLANG: dict[str, str] = {
    # Whole-token slang and abbreviations, read before anything else.
    "u": "you",
    "ur": "your",
    "r": "are",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "ppl": "people",
    "n": "and",
    "selfharm": "self harm",
    "selfharming": "self harming",
    "selfharmed": "self harmed",
    "sewer": "sewer",
}
# "want 2 die", "going 2 end it": a 2 after these words is "to".
_TWO_AFTER = frozenset({"want", "wanna", "going", "need", "like", "love", "have", "got", "used", "ready", "try"})


def _fold(word: str) -> str:
    """Lower case, no accents, no apostrophes: "Suicídio" -> "suicidio", "don't" -> "dont"."""
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    return word.translate({ord(a): None for a in _APOSTROPHES}).replace("\u00df", "ss")


def is_english_word(word: str) -> bool:
    """Whether ``word`` (lower case, no apostrophes) is in the dictionary or our own word list."""
    return word in _known_words()


@cache
def _known_words() -> frozenset[str]:
    source = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    words = {line.split(" ", 1)[0] for line in source.read_text(encoding="utf-8").splitlines()}
    return frozenset(words | set(EXTRA_WORDS) | set(KEY_WORDS))


@cache
def _speller() -> SymSpell:
    speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in KEY_WORDS:
        speller.create_dictionary_entry(word, 1)
    return speller


def _shrunk_forms(word: str) -> list[str]:
    """Each run of a repeated letter cut to one or to two: "dieeee" -> "die", "diee"; nothing
    when no letter is repeated three times."""
    runs = [(ch, len(list(group))) for ch, group in itertools.groupby(word)]
    # Only a run of three or more is stretching: "kann" and "sooner" are spelt that way.
    if not any(n > 2 for _, n in runs) or sum(1 for _, n in runs if n > 1) > 4:
        return []
    choices = [((ch,) if n == 1 else (ch, ch * 2)) for ch, n in runs]
    return ["".join(parts) for parts in itertools.product(*choices)]


@lru_cache(maxsize=8192)
def read_word(word: str) -> str:
    """The word a patient meant by one token (already folded); the token itself if unsure."""
    if word in SLANG:
        return SLANG[word]
    known = _known_words()
    if word in known or word.isdigit():
        return word
    candidates = [word]
    if any(ch.isdigit() or ch in "@$!" for ch in word) and any(ch.isalpha() for ch in word):
        candidates.append(word.translate(_LEET))
    for candidate in list(candidates):
        shrunk = _shrunk_forms(candidate)
        known_shrunk = [form for form in shrunk if form in known]
        if known_shrunk:
            return min(known_shrunk, key=len)
        candidates.extend(shrunk)
    for candidate in candidates:
        if candidate in known:
            return candidate
    for candidate in candidates:
        if len(candidate) < 4 or not candidate.isalpha():
            continue
        distance = 1 if len(candidate) <= 6 else 2
        found = _speller().lookup(candidate, Verbosity.TOP, max_edit_distance=distance)
        if found:
            return found[0].term
    return candidates[-1] if len(candidates) > 1 and candidates[1] in known else word


@dataclass(frozen=True)
class ReadNote:
    """A note as words: ``text`` is the words joined by single spaces; ``spans[i]`` is where the
    i-th word came from in the original, so what was heard can be quoted as it was written."""

    original: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def normalise(note: str) -> ReadNote:
    """Read ``note`` into words (see the module docstring). Sentence ends become ".", other breaks ","."""
    note = unicodedata.normalize("NFKC", note)
    raw: list[tuple[str, int, int]] = []
    for match in _TOKEN_RE.finditer(note):
        kind = match.lastgroup
        if kind == "emoji":
            raw.append((EMOJI[match.group()], *match.span()))
        elif kind == "word":
            raw.append((_fold(match.group()), *match.span()))
        else:
            raw.append(("." if kind == "stop" else ",", *match.span()))
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(raw):
        word, start, end = raw[i]
        # Three or more single letters in a row ("s u i c i d e", "k.m.s") may be one word spelt out.
        j = i
        letters = []
        while j < len(raw) and (len(raw[j][0]) == 1 and raw[j][0].isalpha() or raw[j][0] == "." and letters):
            if raw[j][0] != ".":
                letters.append(raw[j][0])
            j += 1
        if len(letters) >= 3:
            joined = read_word("".join(letters))
            if joined in KEY_WORDS or joined in ("kms", "ctb"):
                words.append(joined)
                spans.append((start, raw[j - 1][2]))
                i = j
                continue
        if word == "2" and words and words[-1] in _TWO_AFTER:
            read = "to"
        elif word in (".", ","):
            read = word
        elif word.startswith("emoji_"):
            read = word
        else:
            read = read_word(word)
        for part in read.split(" "):
            words.append(part)
            spans.append((start, end))
        i += 1
    return ReadNote(note, tuple(words), tuple(spans))


# --- rules ----------------------------------------------------------------------------------

URGENT: NoteLevel = "urgent"
WATCH: NoteLevel = "watch"

# Pieces the rules are written with. Words are whole: every rule is wrapped in \b...\b.
I_AM = r"(?:im|i am|i m|iam)"
I_WILL = r"(?:ill|i will|im going to|im gonna|i am going to|going to|gonna)"
DONT = r"(?:dont|do not|didnt|did not)"
WANT = r"(?:want|wanted|wanna|wish|need|ready|trying|tried|plan|planning|decided|deserve|longing|long|hope)"
TO = r"(?:to )?"
FILLER = r"(?:[a-z]+ ){0,2}"  # up to two words of emphasis: "want to just die", "want to fucking die"
ME = r"(?:myself|meself|my self|me)"
PILLS = r"(?:pills?|tablets?|meds|medication|medications|medicine|prescription|prescriptions|paracetamol|acetaminophen|tylenol|ibuprofen|aspirin|co codamol|codeine|tramadol|painkillers|sleeping pills|antidepressants|sertraline|citalopram|fluoxetine|mirtazapine|amitriptyline|quetiapine|diazepam|zopiclone|lithium|insulin|emoji_pill)"
HIGH_PLACES = r"(?:bridge|roof|rooftop|building|cliffs?|balcony|tower|car park|multi storey|window|ledge|overpass|flyover|edge)"
VEHICLES = r"(?:trains?|bus|buses|cars?|lorry|lorries|truck|trucks|traffic|tube|tram)"
SELF_HARM_ACT = r"(?:cut|cuts|cutting|cutted|slit|slitting|slash|slashed|scratch|scratched|scratching|burn|burned|burnt|burning|carve|carved|carving|hit|hitting|punch|punched|punching|bite|bit|biting|starve|starved|starving)"
BODY = r"(?:wrists?|arms?|thighs?|legs?|skin|stomach|hips?)"
SH = r"(?:self harm|self harmed|self harming|self harms|self injury|self injured|self injure|self injuring|self mutilat[a-z]*)"


@dataclass(frozen=True)
class Rule:
    """One way of saying something a clinician must hear.

    ``subjectless`` rules name a topic rather than an act of the writer ("suicidal", "overdose",
    "hopeless"); they are skipped when the clause is about someone else or about the topic.
    ``after_guard`` is a pattern that, found right after the match, makes it innocent
    ("die of embarrassment"); ``before_guard`` one that does so found earlier in the clause
    ("bungee jumping off a bridge").
    """

    level: NoteLevel
    meaning: str
    pattern: str
    subjectless: bool = False
    after_guard: str | None = None
    before_guard: str | None = None


SUICIDE = "Suicide or suicidal thoughts"
WISH_TO_DIE = "Wish to die"
MEANS_MEDICATION = "Plan or means: medication or poison"
MEANS_DROWNING = "Plan or means: drowning"
PLAN = "A plan or a time set"
MEANS_HEIGHTS = "Plan or means: heights"
MEANS_TRAFFIC = "Plan or means: traffic or trains"
MEANS_LIGATURE = "Plan or means: ligature"
MEANS_WEAPON = "Plan or means: weapon"
RESEARCH = "Looking up ways to die"
GOODBYE = "Saying goodbye or giving things away"
SELF_HARM = "Self-harm"
SELF_HARM_URGE = "Urge to self-harm"
NOT_SAFE = "Not safe with themselves"
DEATH_IMAGERY = "Death emoji"

HOPELESS = "Hopelessness"
PASSIVE_WISH = "Passive wish to die"
BURDEN = "Feeling a burden"
CANT_GO_ON = "Can't go on"
TIRED_OF_LIFE = "Tired of living"
VEILED_INTENT = "Veiled intent"

_BENIGN_AFTER_DIE = r"(?:for|of|if|from laughing|laughing|with laughter|happy|old|in my sleep at)\b"

RULES: tuple[Rule, ...] = (
    # Suicide, named or spelt out, in English, slang and five other languages.
    Rule(URGENT, SUICIDE, r"suicid[a-z]*|suizid[a-z]*|selbstmord[a-z]*|sewerslide|sewer slide|self delet[a-z]*|suicidaire", subjectless=True,
         after_guard=r"(?:prevention|awareness|rates?|statistics|stats|hotline|helpline|lines?|squad|research|training|course|charity|bomb[a-z]*|note of (?:a|the|my) (?:character|book))\b"),
    Rule(URGENT, SUICIDE, rf"(?:kill|killing|killed|kil|k i l|murder|murdering|end|ending|ended|take|taking|took|unalive|unaliving|unalived|off|offing|top|topping) (?:myself|meself|my self)(?! (?:laughing|with laughter|out|up|off|for a|at the|in the|on the))|kms|unalive|unaliving|ctb"),
    Rule(URGENT, SUICIDE, rf"(?:end|ending|ended|take|taking|took) (?:my|me) (?:own )?life|(?:end|ending|finish|finishing) (?:it all|everything|things|it)(?! (?:with|off|for|between|early|up|on a|on good|at work|at the))|take the easy way out"),
    Rule(URGENT, SUICIDE, r"(?:mich|mir) (?:umbringen|toten|das leben nehmen)|bring[e]? mich um|mein leben beenden|(?:matarme|me matar|matar me|me suicidar|suicidarme|quitarme la vida|tirar (?:a )?minha (?:propria )?vida|acabar com (?:a )?minha vida|acabar com tudo|acabar con (?:mi vida|todo))|(?:me tuer|me suicider|en finir|mettre fin a (?:mes jours|ma vie))|(?:uccidermi|ammazzarmi|togliermi la vita|farla finita)"),
    Rule(URGENT, WISH_TO_DIE, rf"{WANT} {TO}{FILLER}(?:die|be dead|not be alive|not live|stop living)(?! {_BENIGN_AFTER_DIE})|wanna die(?! {_BENIGN_AFTER_DIE})|wish (?:i|id) (?:was|were|could be|would be|had) (?:dead|died|die)|(?:rather|better off|better) (?:be )?dead|(?:want|wanna) to be dead|(?:no reason|nothing) (?:left )?to live for|life (?:is not|isnt|s not|aint|is) (?:not )?worth living|not worth living|{DONT} want to (?:live|be alive|stay alive)|(?:cease|stop) existing (?:permanently|for good|forever|tonight)|hope (?:that )?i (?:die|get killed|dont make it)", after_guard=None),
    Rule(URGENT, WISH_TO_DIE, r"(?:quiero|quisiera|ganas de) morir(?:me)?|me quiero morir|no quiero vivir|(?:veux|voudrais|envie de) mourir|(?:je )?ne veux plus vivre|(?:voglio|vorrei|voglia di) morire|non voglio (?:piu )?vivere|(?:will|mochte|wunsche mir zu) sterben|(?:will|mochte|mag|kann) (?:nicht mehr leben|tot sein)|(?:quero|vontade de) morrer|nao quero (?:mais )?viver"),
    # Plans and means.
    Rule(URGENT, MEANS_MEDICATION, rf"(?:saving|saved|save|stockpil[a-z]*|hoard[a-z]*|collecting|stashing|stashed|storing) (?:up )?(?:all )?(?:of )?(?:my |the |some |these )?(?:[a-z]+ )?{PILLS}|enough {PILLS}|(?:count|counted|counting) (?:out )?(?:all )?(?:my |the )?(?:[a-z]+ )?{PILLS}|(?:take|taking|took|swallow|swallowing|swallowed|down|downed|neck|necked) (?:all|every|each|a whole|the whole|whole|all of|too many|loads of|lots of|a load of|a lot of|a bunch of|a handful of|handfuls of|dozens of|a pile of|a packet of|a box of|a bottle of|a strip of|\d+|twenty|thirty|forty|fifty|hundred)(?: of)?(?: my| the| these| those| his| her| mums| dads)?(?: [a-z]+)? (?:{PILLS}|pill|packet|bottle|box)|overdos[a-z]*|(?:\bod\b|odd|od d)(?: on| again| tonight)|how (?:much|many) {PILLS}|{PILLS} (?:overdose|to die|to end it|would kill)|emoji_pill emoji_pill emoji_pill|{PILLS} on purpose|too many {PILLS}(?: on purpose)?|(?:stock|stocked|stocking) up on {PILLS}|(?:drink|drank|drinking|swallow|swallowed|swallowing|take|took|taking|inject|injecting) (?:some |the |a bottle of |a cup of )?(?:bleach|antifreeze|weed killer|weedkiller|poison|rat poison|drain cleaner|insulin)|poison (?:myself|meself)|overdo(?:es|ing)? on (?:my |the |all )?(?:[a-z]+ )?{PILLS}|{PILLS}\b[^.]*\b(?:take|taking|swallow|swallowing|down|neck) (?:the lot|them all|all of them|the whole lot|the whole packet|the whole box|every single one)"),
    Rule(URGENT, MEANS_HEIGHTS, rf"how (?:high|tall|far down|far the drop) (?:up )?(?:the |a |that |this )?(?:[a-z]+ ){{0,3}}(?:is|was|would be|it is)|(?:jump|jumping|jumped|throw myself|throwing myself|fall|falling|leap|leaping|step|stepping) (?:off|from|out of) (?:the |a |that |this |my )?(?:[a-z]+ )?{HIGH_PLACES}|(?:sat|sitting|stood|standing|sit|stand) (?:on|at) (?:the )?(?:edge|ledge)|edge of (?:the |a )?{HIGH_PLACES}|(?:thought|thinking|think|thinks|imagine|imagining|imagined) (?:about |of )?(?:jumping|throwing myself|stepping off|falling)(?! (?:into the (?:sea|pool|lake)|on the trampoline|at the))|(?:bridge|roof|rooftop|cliffs?|ledge|balcony|railway|tracks|top floor|car park)\b(?:(?! \.) [a-z_,]+){{0,8}} (?:looking down|looked down|look down|stared down|staring down|the drop|how far down|thinking of jumping|wanting to jump)", before_guard=r"bungee|zip ?line|zipwire|abseil|parachut|skydiv|trampoline|diving board|into the (?:sea|pool|lake)"),
    Rule(URGENT, MEANS_TRAFFIC, rf"(?:jump|jumping|step|stepping|walk|walking|throw myself|throwing myself|lie|lying|lay|run|running|drive|driving|crash|crashing) (?:out |down )?(?:in front of|under|into|onto) (?:a |the |some |oncoming |incoming )?(?:[a-z]+ )?{VEHICLES}|(?:crash|drive) (?:my car )?into (?:a |the )?(?:wall|tree|bridge)"),
    Rule(URGENT, MEANS_LIGATURE, r"noose|ligature|emoji_rope|(?:hang|hanging|hanged|hung) (?:myself|meself)|(?:bought|buy|buying|got|get|have|tied|tie|tying|found) (?:a |the |some )?(?:strong )?rope\b(?! (?:swing|toy|course|ladder|bridge|climb))"),
    Rule(URGENT, MEANS_WEAPON, rf"(?<!glue )(?<!nail )(?<!water )(?<!nerf )(?<!toy )(?<!spray )(?<!heat )(?<!staple )(?<!top )(?:gun|guns|firearm|firearms|shotgun|rifle|pistol|revolver)\b(?! (?:show|shop|club|range|powder|fire|ho|salute))|shoot (?:myself|me)|(?:knife|blade|razor|emoji_knife) (?:to|on|against|into|in) (?:my )?(?:throat|wrists?|chest|neck|arms?|skin|myself)|emoji_gun (?:emoji_coffin|me|myself)"),
    Rule(URGENT, RESEARCH, rf"(?:painless|easy|easiest|quick|quickest|best|fastest|surest|quiet|peaceful) (?:ways?|method|methods) (?:to|of) (?:die|dying|kill|end|go)|how to (?:kill myself|die|end my life|end it|hang myself|overdose)|ways to (?:die|kill myself|end it)|lethal dose|(?:looked|looking|look|searched|searching|googled|googling|research|researched|researching) (?:up )?(?:how|ways|methods)(?: [a-z]+){{0,3}} (?:die|dying|kill|overdose|end it)"),
    Rule(URGENT, GOODBYE, rf"goodbye (?:letters?|notes?|messages?|texts?|videos?)|(?:suicide|last|final) (?:letters?|notes?)|(?:say|saying|said|sent|writing|wrote|written) (?:my )?goodbyes?(?: to (?:everyone|everybody|you all|all|my family|the world))?(?! to (?:the|my|our|a|an|his|her|their|old) (?!family)\w)|goodbye (?:everyone|everybody|all|world|forever|cruel world)|(?:im|i am) done \. goodbye|goodbye \.? ?$|(?:giving|gave|give|given) away (?:all )?(?:of )?my (?:stuff|things|belongings|possessions|cat|dog|pets?|clothes|money)|giving away all|(?:when|after|once) (?:im|i am|i m) gone|(?:this is|this will be|this ll be|thisll be) (?:my )?(?:last|final) (?:entry|post|message|note|day)|(?:my )?last entry (?:ever|here)|(?:written|wrote|write|writing|made|sorted|updated) (?:my|a) will(?! (?:with|at) (?:a |the )?(?:solicitor|lawyer))|(?:sorted|sorting) (?:out )?my affairs|who (?:gets|will get|should get|can have|has) my (?:things|stuff|belongings|possessions|cat|dog|pets?|money|room)|goodbyes?\b[^.]*\bwithout (?:them|anyone|him|her|people|my [a-z]+) knowing|(?:quietly|secretly|silently) (?:said|saying|say) goodbye|in case (?:im|i am|i m|i) (?:not here|gone|not around|dont make it|die)|(?:gave|give|giving|given)\b[^.]*\bwont (?:be )?need(?:ing)? (?:it|them|this|that|these|those|my [a-z]+|anything)|wont need (?:it|them|my [a-z]+|anything) (?:anymore|any more|where im going|much longer)"),
    Rule(URGENT, PLAN, r"(?:decided|ready|going|gonna|planning|plan|brave enough|finally going) (?:to )?(?:finally )?(?:do it|go through with it) (?:tonight|tomorrow|today|this week|this weekend|soon|now|on [a-z]+|when)|(?:got|have|ive got|ive|i have) everything (?:i need )?(?:ready|sorted|planned|in place)|(?:its|it is|everything is) all (?:planned|sorted|arranged|ready)|(?:have|got|made|making|ive got) a plan(?= \.| ,|$| to (?:end|die|kill|do it|go through))|(?:set|picked|chosen|chose) (?:a|the) date|(?:planning|planned|plan|plans|thinking about|thought about|worked out|working out|figured out|figuring out|decided|deciding) (?:how|when|where) (?:i|id|i would|ill|i will|to|im going to) (?:do it|end it|go|die|kill myself|go through with it)"),
    Rule(URGENT, MEANS_DROWNING, r"drown (?:myself|meself)|drowning myself|(?:drive|driving|drove|drive my car|driving my car) (?:off|into) (?:the |a )?(?:river|sea|lake|canal|water|quarry|harbour|reservoir|cliff|bridge)|(?:walk|walking|walked) into the (?:sea|river|lake|water) (?:and|until|till) (?:not|never|keep|kept|dont)"),
    # Self-harm, told as an act or an urge.
    Rule(URGENT, SELF_HARM, SH, subjectless=True,
         after_guard=r"(?:awareness|training|course|support group|charity|research|prevention|leaflets?|policy|team|service|services|nurse)\b"),
    Rule(URGENT, SELF_HARM, rf"\bsh(?= (?:again|tonight|today|last|urges?|relapse|scars?|yesterday|this|so|bad|badly|a lot|more)\b)|(?:and|i|to|relapsed|relapse|urge|urges|want|wanna) sh\b|\bshd\b|{SELF_HARM_ACT} (?:myself|meself|my self|me)(?! (?:on the|on a|on my|cooking|making|chopping|shaving|at work|at the|in the|while|ironing|by accident|accidentally|off|up|out|short|slack|free|with the (?:iron|oven|kettle|pan|stove|knife when)))|(?:hurt|hurting|harm|harming|harmed|injure|injured|injuring|punish|punishing|punished) (?:myself|meself|my self)(?! (?:at|playing|in|during|lifting|running|falling|on the|at the|by accident|accidentally|skiing|cycling|dancing))|{SELF_HARM_ACT} (?:my|me|on my) {BODY}|\b(?:i )?cut (?:myself )?(?:again|last night|tonight|today|yesterday|deeper|deep)\b|(?:cutting|burning myself|self harming|sh ing|hurting myself|harming myself) again|(?:cutting|burning|self harm|self harming|sh|hurting myself) (?:helps|is the only|makes (?:me|it)|calms|numbs)|(?:bled|bleed|bleeding|bruised|bruise|bruises|burned|burnt|cut|hit|punched|hurt|scratched|scratch)\b[^.]{0,40}\b(?:on purpose|deliberately|intentionally)|(?:till|until) (?:it|i|my [a-z]+) (?:bleeds?|bled)|(?:started|start|starting|back to|gone back to|went back to) (?:cutting|burning myself|self harming|hurting myself|harming myself|sh)\b|(?:bang|banging|banged|smash|smashing|smashed|hit|hitting) my head (?:against|on|off|into)|(?:till|until|so) (?:it|i) (?:bleeds?|bled)|make myself (?:bleed|sick|hurt)|(?:made|make) (?:it|myself) bleed|relapsed? (?:and|with|into) (?:sh|cutting|self|cut)|emoji_knife (?:[a-z_]+ )?emoji_blood|emoji_blood (?:[a-z_]+ )?emoji_knife|me (?:corte|corto|cortei|cortar|cortado|cortada|suis coupee?|suis scarifiee?|couper|scarifier|scarifie)|cortarme|mi sono tagliat[ao]|tagliarmi|mi taglio|autolesi[a-z]*|automutil[a-z]*|hacerme dano|me faire du mal|farmi del male|(?:mich )?ritzen|ritze mich|geritzt|mich (?:selbst )?(?:verletzen|verletzt|schneiden|geschnitten)|selbstverletz[a-z]*|me machucar"),
    Rule(URGENT, SELF_HARM_URGE, rf"(?:urge|urges|urging|tempted|craving|cravings|need|needing|want|wanted|wanna|going|gonna|itching|thinking about|thought about) (?:to |of )?(?:cut|cutting|burn|burning|scratch|sh|self harm|hurt myself|harm myself|bleed)(?= (?:myself|again|tonight|so|really|badly|bad|more|deeper)\b|\s*[.,]|\s*$)|(?:urge|urges) (?:to |of )?(?:cut|cutting|burn|burning|sh|self harm|hurt|harm)|(?:feel|feeling|felt|feels) like (?:cutting|burning|hurting myself|harming myself|self harming|sh|cutting myself)"),
    Rule(URGENT, NOT_SAFE, rf"(?:{DONT}|not|dont) (?:feel )?(?:safe|ok to be|okay to be) (?:with|around|by|from) {ME}|not safe (?:with|around|by|from) {ME}|(?:{DONT}|cant|can not|cannot|dont) trust (?:myself|meself)|(?:not|dont feel|{DONT} feel) safe (?:tonight|right now|anymore|alone)|(?:dont|do not|not) (?:feel )?safe (?:being )?(?:alone|on my own|by myself)(?! (?:walking|at the|in the|on the|with the|outside))|(?:cant|cannot|can not|couldnt|wont be able to) (?:keep|keeping) (?:myself|me) safe|(?:cant|cannot|can not|couldnt) stay safe|(?:could|might|going to|gonna|about to|will|ill|afraid ill|scared ill) do something (?:stupid|drastic|silly|bad|dangerous)|scared (?:of|for) what (?:i|ill) (?:might|could|will) do"),
    Rule(URGENT, DEATH_IMAGERY, r"emoji_coffin"),
    # Watch: hopelessness, passive wishes, feeling a burden, veiled intent.
    Rule(WATCH, HOPELESS, r"hopeless[a-z]*|(?:no|lost all|without|lost|zero|not any|isnt any) hope|(?:sin|sem|senza|sans) (?:esperanza|esperanca|speranza|espoir)|hoffnungslos|desespere[a-z]*",
         subjectless=True, after_guard=r"(?:at|with|in the kitchen|of (?:finishing|winning|getting|passing|making|beating|catching|fixing|seeing|a)|for (?:the|my|our|this) (?:team|weather|match|game))\b"),
    Rule(WATCH, HOPELESS, r"(?:nothing|it|things|life|this|it s|its) (?:will|ll|is|s|is ever|are)? ?(?:never |not |ever )?(?:going to |gonna )?(?:ever )?(?:get|getting) (?:any )?better(?! at)|never (?:going to|gonna) get better|nothing (?:will|is going to|ever|is ever going to) (?:ever )?(?:change|changes|improve)|nothing (?:matters|left for me|left to (?:live|hope) for)(?: anymore| any more)?|(?:nothing|no one|nobody) (?:is )?left for me|whats (?:even |really )?the point(?= (?:anymore|any more|(?:of|in) (?:anything|it|it all|living|life|trying|going on|me|carrying on|being alive|getting up|anything anymore|everything|being here))|\s*[.,?]|\s*$)|what is (?:even )?the point(?= (?:anymore|of (?:anything|it|living|life|trying|me))|\s*[.,?]|\s*$)|no point (?:in )?(?:living|going on|trying|carrying on|anything|anymore|to (?:anything|life|living|me))|(?:dont|cant|do not|cannot|cant really) see (?:a|any|the) (?:future|way out|way forward|point|end to this|light)|(?:no|there is no|theres no|without a) (?:future|way out)(?! (?:of|from) (?:the|this) (?:car park|building|traffic))|(?:im|i am|i feel|feel|feeling|i m) (?:so |completely |just |totally |utterly )?(?:worthless|a waste of space|a failure at everything)|(?:everything|life|it all|it|all|my life|existence|existing|living)(?: [a-z]+){0,2} (?:is|feels|seems|s) (?:so |just |completely |totally |utterly )?(?:pointless|meaningless|worthless)|(?:im|i am|i feel|feel|feeling) (?:so |completely |just |totally |utterly )?(?:pointless|meaningless)|(?:no|any|a|see) way out|ausweg|(?:ninguna|sin|no hay|no veo|no encuentro) salida|(?:nao vejo|nao ha|sem|nenhuma) saida|(?:plus|pas) dissue|sans issue|via duscita|vie duscita|no vale la pena (?:vivir|seguir)|ne vaut (?:plus |pas )*la peine de vivre|non vale (?:piu )?la pena (?:di )?vivere|nao vale (?:mais )?a pena viver|nicht (?:mehr )?lebenswert|no tiene sentido|nada (?:tiene|faz) sentido|no le veo sentido|plus gout a rien|(?:na|n a|a) plus de sens|non ha (?:piu )?senso|keinen sinn|sinnlos"),
    Rule(WATCH, PASSIVE_WISH, rf"{DONT} want to (?:be here|exist|wake up|be around|go on|carry on|keep going|continue|keep living|be alive|keep doing this)|cares? (?:if|whether) i (?:live|die|lived|died)|why (?:am i|do i|should i) (?:even |still )?(?:alive|here|exist|living|bother living|breathing|keep going)|(?:no|whats the|what is the) point (?:in |of )?(?:me )?(?:being here|being alive|existing|living|me)|better off (?:not (?:waking up|being here|existing|being alive|alive|here|around)|asleep forever)|(?:want|wanna|wish|need|like|rather) (?:to )?(?:just )?not (?:to )?(?:be here|be around|exist|wake up)|(?:sleep|sleeping) (?:forever|for ever|and never wake|and not wake)|(?:never|not) (?:want|wanting|wanna|wish) to wake up|(?:want|wish) to never wake up|(?:not|never|didnt|dont|wouldnt) (?:to )?wake up(?! (?:early|late|on time|in time|till|until|for))|(?:wish|wished) (?:i|id) (?:had )?(?:never been born|wasnt born|wasnt here|wasnt alive|didnt exist|would die|wouldnt wake)|(?:want to|wanna|wish i could|wish i would|would like to|like to|need to) (?:just )?(?:vanish|disappear|not exist|stop existing|cease to exist|fade away)(?! (?:to|into|on|off|with|under|in|from|at)\b)|(?:wouldnt|would not|dont|do not|wouldnt really) (?:mind|care) if (?:i (?:die|died|didnt wake|never woke|got hit|was gone|disappeared)|a (?:car|bus|train|lorry|truck) (?:hit|hits|ran over) me)|(?:wish|hope) (?:a |the )?(?:car|bus|train|lorry|truck) (?:would )?(?:hit|hits|run over) me|hope (?:that )?i (?:dont|never|do not) wake up|(?:dont|do not) care if i (?:live|die|wake)|(?:i )?(?:just )?want out\b(?! of (?:here early|work|the|this (?:job|contract|meeting)))|(?:im|i am|id be) better off gone|hate (?:being alive|existing|that im alive)"),
    Rule(WATCH, BURDEN, r"(?:better|fine|happier|easier|simpler|relieved|okay|ok) (?:off )?(?:without me|(?:if|when) i (?:just )?(?:wasnt|was not|werent|were not|was gone|were gone|died|am gone|m gone|disappeared|didnt exist|wasnt around|wasnt here|werent here|left for good))|(?:theyd|they would|everyone would|everybody would|they all would|kids would|family would|(?:they|everyone|everybody) d)(?: all)? be better off(?=\s*[.,]|\s*$| now| then)|deserve (?:a )?better (?:mum|mom|mother|dad|father|parent|partner|friend|wife|husband|daughter|son|sister|brother|person) than me|(?:nobody|no one|noone|no body) (?:would|will|d) (?:even )?(?:notice|care|miss me)|(?:a|such a|the|just a|being a) burden|burden (?:to|on) (?:everyone|everybody|my|them|you|people|the)|(?:if|when) i (?:was|were) gone|(?:wont|will not|wont be) (?:be )?(?:a problem|a burden|around|here) (?:much|for much|for) (?:longer|long)"),
    Rule(WATCH, CANT_GO_ON, r"(?:cant|can not|cannot|couldnt) (?:keep|go on|carry on|keep going|keep doing this|do this|take it|take this|cope|handle this|handle it|live like this)(?: like this| anymore| any more| much longer)?(?= (?:anymore|any more|like this|much longer)|\s*[.,!?]|\s*$)|(?:cant|can not|cannot|can) (?:do|take|cope with|handle|keep doing|live like|bear) (?:this|it) (?:much longer|any longer|anymore|any more)|(?:no reason|no point|nothing) to (?:keep going|go on|carry on|get up)|(?:give|gave|giving|have given|ve given|given) up on (?:everything|life|myself|living|trying|me|it all|hope)|(?:ive|i have|i ve|i) given up(?=\s*[.,!?]|\s*$)|(?:ya )?no (?:puedo|aguanto) mas|(?:je )?n?en peux plus|plus envie de rien|non ce la faccio piu|non ne posso piu|halte? das nicht mehr aus|nao tenho mais forcas|ich kann nicht mehr|will nicht mehr(?=\s*[.,!?]|\s*$)|nao aguento mais|nao consigo mais"),
    Rule(WATCH, TIRED_OF_LIFE, r"(?:tired|sick|exhausted|weary|done) (?:of|with) (?:being alive|existing|living|life|being here|it all|everything|fighting|trying|struggling|surviving|pretending)(?! (?:in|at) (?:the|this) (?:city|town|flat|house))|(?:im|i am)?(?:so )?done with (?:life|living|existing|being alive)|(?:cansad[oa]|harta|harto) de (?:vivir|viver|la vida)|(?:fatigue|fatiguee|marre) de (?:vivre|la vie)|stanc[oa] di vivere|lebensmude|mude (?:zu leben|vom leben)"),
    Rule(WATCH, VEILED_INTENT, r"(?:soon )?(?:it|nothing) (?:wont|will not|wont even) matter (?:anymore|soon|much longer)|soon it wont matter|(?:want|need|wish) (?:it|this|everything|it all|the pain|all of it) (?:all )?to (?:stop|end|be over)|(?:make|making) it (?:all )?stop|(?:want|wanna) everything to end|(?:not|wont) be here (?:much longer|for long|tomorrow|next week)|(?:one|1) less (?:problem|person) (?:for|to)"),
)

_THIRD_PERSON = frozenset(
    "he she they him her them his hers their theirs friend friends sister brother mum mom mother dad father "
    "partner boyfriend girlfriend husband wife son daughter cousin aunt uncle colleague colleagues someone "
    "somebody people person patient patients client clients character film movie book article news show series "
    "episode podcast documentary lecture class course died death dies lost committed our group workshop "
    "training awareness talked talking discussed discussing learned learnt teaching taught play theatre musical "
    "novel poem song lyrics talk therapist doctor psychiatrist nurse gp counsellor asked asks questionnaire form".split()
)
_FIRST_PERSON = frozenset("i im ive id ill me myself".split())
# Said about the past or recovery: "I haven't self-harmed in six months", "used to want to die".
_RECOVERY_BEFORE = re.compile(
    r"\b(?:havent|hasnt|hadnt|have not|has not|had not|used to|no more|no longer|since i last|since the last time|"
    r"stopped|quit|old|recovered|recovering from|years? ago|past|anymore thoughts|without)\b"
)
_RECOVERY_AFTER = re.compile(r"^(?:[a-z]+ ){0,2}(?:free|clean|ago|in the past|scars? from (?:years|ages)|years ago)\b")
# ...unless it has come back: "started cutting again after two years clean".
_RELAPSE = re.compile(r"\b(?:again|relapsed?|relapsing|back)\b")
# Negation right before the words: "I'm not suicidal", "I don't want to die".
_NEGATION_BEFORE = re.compile(r"\b(?:not|dont|didnt|never thought|no|nor|isnt|wasnt)(?: [a-z]+)?$")
_CLAUSE_BREAKS = frozenset({".", ",", "but", "and", "so", "because", "though", "although", "however", "yet"})


@dataclass(frozen=True)
class Heard:
    """One thing heard in a note: its level, its meaning, and the words as the patient wrote them."""

    level: NoteLevel
    meaning: str
    words: str


def _compile(rule: Rule) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z_])(?:{rule.pattern})(?![a-z_])")


_COMPILED: tuple[tuple[Rule, re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None], ...] = tuple(
    (
        rule,
        _compile(rule),
        re.compile(rf"^ ?(?:{rule.after_guard})") if rule.after_guard else None,
        re.compile(rf"\b(?:{rule.before_guard})") if rule.before_guard else None,
    )
    for rule in RULES
)


def _clause_before(words: tuple[str, ...], first: int, limit: int = 8) -> list[str]:
    out: list[str] = []
    for k in range(first - 1, max(-1, first - 1 - limit), -1):
        if words[k] in _CLAUSE_BREAKS:
            break
        out.append(words[k])
    return out[::-1]


def _clause_after(words: tuple[str, ...], last: int, limit: int = 6) -> list[str]:
    out: list[str] = []
    for k in range(last + 1, min(len(words), last + 1 + limit)):
        if words[k] in _CLAUSE_BREAKS:
            break
        out.append(words[k])
    return out


def _innocent(
    rule: Rule,
    guard: re.Pattern[str] | None,
    before_guard: re.Pattern[str] | None,
    read: ReadNote,
    first: int,
    last: int,
) -> bool:
    words = read.words
    before = _clause_before(words, first)
    after = _clause_after(words, last)
    before_text = " ".join(before)
    after_text = " ".join(after)
    if guard is not None and guard.search(" " + after_text if after_text else ""):
        return True
    if before_guard is not None and before_guard.search(before_text):
        return True
    matched = " ".join(words[first : last + 1])
    relapse = _RELAPSE.search(f"{matched} {after_text}")
    if not relapse and (_RECOVERY_BEFORE.search(before_text) or _RECOVERY_AFTER.search(after_text)):
        return True
    # Negation counts only when it is right there: "not sure if I want to die" is not a denial.
    if not matched.startswith(("dont ", "do not ", "didnt ", "not ")) and _NEGATION_BEFORE.search(before_text):
        return True
    if rule.subjectless:
        window = before[-6:]
        if any(w in _THIRD_PERSON for w in window) and not any(w in _FIRST_PERSON for w in window):
            return True
    return False


def hear(note: str | None) -> list[Heard]:
    """Everything a clinician should hear in ``note``, urgent first, each meaning once, in the order
    written; the quoted words are the patient's own."""
    if not note or not note.strip():
        return []
    read = normalise(note)
    text = read.text
    # Where each word starts in ``text``, to turn a match back into word positions.
    starts: list[int] = []
    position = 0
    for word in read.words:
        starts.append(position)
        position += len(word) + 1
    found: dict[tuple[NoteLevel, str], list[tuple[int, str]]] = {}
    for rule, pattern, guard, before_guard in _COMPILED:
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            first = _word_at(starts, match.start())
            last = _word_at(starts, match.end() - 1)
            if _innocent(rule, guard, before_guard, read, first, last):
                continue
            start, end = read.spans[first][0], read.spans[last][1]
            heard = " ".join(read.original[start:end].split())
            entries = found.setdefault((rule.level, rule.meaning), [])
            if heard.casefold() not in (h.casefold() for _, h in entries):
                entries.append((start, heard))
    ordered = sorted(
        found.items(), key=lambda item: (item[0][0] != URGENT, min(pos for pos, _ in item[1]))
    )
    return [
        Heard(level, meaning, ", ".join(f'"{h}"' for _, h in sorted(entries)))
        for (level, meaning), entries in ordered
    ]


def _word_at(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo
