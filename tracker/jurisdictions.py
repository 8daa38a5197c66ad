"""One canonical name per jurisdiction, however a report or a user spells it.

ISO 3166 (pycountry) gives the official, short and common names and the codes; the names people
actually write that ISO lacks (common English forms, former names, local names) are listed here.
Dotted forms ("U.A.E.") count as the letters they abbreviate, and a whole name that is an ISO
alpha-2 or alpha-3 code ("AE", "JPN") names its country. A jurisdiction that is no country has
its own short table (the EU, financial free zones); any other keeps the name the report gives it.

Names are untrusted text: they are normalised (NFKC, no escape sequences or invisible
characters), names in another script are transliterated to be looked up ("Россия" is Russia), and
a Latin word written with look-alike letters of another script ("Kаzаkhstаn" with a Cyrillic а)
is read as the word it imitates, so that it never starts a second timeline that prints alike.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from tracker.errors import BadValue

# name as people write it -> ISO 3166 alpha-2; only what pycountry's own names do not cover
_WRITTEN = {
    "russia": "RU", "turkey": "TR", "turkiye": "TR", "uae": "AE", "the emirates": "AE", "emirates": "AE",
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "usa": "US", "us": "US",
    "america": "US", "united states of america": "US", "the united states": "US", "south korea": "KR",
    "korea": "KR", "republic of korea": "KR", "north korea": "KP", "vietnam": "VN", "laos": "LA",
    "syria": "SY", "moldova": "MD", "czech republic": "CZ", "ivory coast": "CI", "burma": "MM",
    "swaziland": "SZ", "macedonia": "MK", "holland": "NL", "the netherlands": "NL", "cape verde": "CV",
    "vatican": "VA", "vatican city": "VA", "palestine": "PS", "brunei": "BN", "venezuela": "VE",
    "tanzania": "TZ", "bolivia": "BO", "iran": "IR", "taiwan": "TW", "dr congo": "CD", "drc": "CD",
    "democratic republic of the congo": "CD", "republic of the congo": "CG", "congo-brazzaville": "CG",
    "congo-kinshasa": "CD", "east timor": "TL", "the bahamas": "BS", "the gambia": "GM",
    "the philippines": "PH", "hong kong sar": "HK", "macau": "MO", "zaire": "CD", "ceylon": "LK",
    "persia": "IR", "siam": "TH", "kampuchea": "KH", "rhodesia": "ZW", "nur-sultan": "KZ", "bvi": "VG",
    # local names
    "deutschland": "DE", "espana": "ES", "brasil": "BR", "nippon": "JP", "nihon": "JP", "italia": "IT",
    "osterreich": "AT", "schweiz": "CH", "suisse": "CH", "sverige": "SE", "norge": "NO", "suomi": "FI",
    "danmark": "DK", "polska": "PL", "cesko": "CZ", "magyarorszag": "HU", "hellas": "GR", "ellada": "GR",
    "rossiya": "RU", "qazaqstan": "KZ", "kazakstan": "KZ", "zhongguo": "CN", "bharat": "IN",
    "al-imarat": "AE", "misr": "EG", "nederland": "NL", "belgique": "BE", "belgie": "BE", "eire": "IE",
    "hrvatska": "HR", "srbija": "RS", "ukraina": "UA", "turkiye cumhuriyeti": "TR", "mexico": "MX",
    "peru": "PE", "panama": "PA",
}
_CANONICAL_OVERRIDE = {"TR": "Turkey", "CZ": "Czechia", "RU": "Russia", "KR": "South Korea",
                       "KP": "North Korea", "VN": "Vietnam", "LA": "Laos", "SY": "Syria", "MD": "Moldova",
                       "VE": "Venezuela", "TZ": "Tanzania", "GB": "United Kingdom", "US": "United States",
                       "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
                       "PS": "Palestine", "VA": "Vatican City", "BN": "Brunei", "FM": "Micronesia",
                       "MK": "North Macedonia"}

# jurisdictions that are no country (nor an ISO 3166 territory), by canonical name, with the other
# names and abbreviations they go by
_NOT_COUNTRIES = {
    "European Union": ("EU", "the EU", "the European Union"),
    "Kosovo": ("XK", "Republic of Kosovo"),
    "Dubai International Financial Centre": ("DIFC",),
    "Abu Dhabi Global Market": ("ADGM",),
    "Astana International Financial Centre": ("AIFC",),
    "Qatar Financial Centre": ("QFC",),
    "Labuan": ("Labuan IBFC", "Labuan International Business and Financial Centre"),
}

# "U.A.E.", "U.S", "e.u." : single letters each followed by a dot (a last one may have lost it)
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}|\b(?:[^\W\d_]\.)+[^\W\d_]\b")


def _undot(text: str) -> str:
    return _DOTTED.sub(lambda m: m.group().replace(".", ""), text)


# Terminal escape sequences whole (CSI, OSC up to BEL or ST, any other ESC and its next character):
# what is left of one once its control characters are dropped is no part of a name either.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|\x9b[0-?]*[ -/]*[@-~]?"
                     r"|\x9d[^\x07\x1b]*\x07?")


def clean_name(text: str) -> str:
    """A name as the tracker stores and looks it up: NFKC (fullwidth and styled letters become
    plain ones), without escape sequences, control characters or invisible format characters
    (zero-width spaces, direction overrides), its spaces single."""
    text = unicodedata.normalize("NFKC", _ESCAPE.sub("", text))
    text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
    return re.sub(r"\s+", " ", text).strip()


def _word_unspoofed(word: str) -> str:
    """A word that mixes Latin letters with look-alikes from another script, as the Latin word it
    imitates; BadValue when a letter of the other script imitates no plain Latin letter."""
    from confusable_homoglyphs import categories, confusables

    scripts = {categories.alias(ch) for ch in word if ch.isalpha()}
    if len(scripts) < 2 or "LATIN" not in scripts:  # one script, or several but no Latin (日本の): as written
        return word
    out = []
    for ch in word:
        if ch.isalpha() and categories.alias(ch) != "LATIN":
            found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"]) or []
            plain = [g["c"] for f in found for g in f["homoglyphs"] if g["c"].isascii() and g["c"].isalpha()]
            if not plain:
                others = " and ".join(sorted(a.title() for a in scripts - {"LATIN"}))
                raise BadValue(f"the name {word!r} mixes Latin and {others} letters, and its {ch!r} looks like no "
                               "Latin letter")
            ch = plain[0]
        out.append(ch)
    return "".join(out)


def unspoofed(name: str) -> str:
    """A name whose words mix Latin letters with look-alikes of another script ('Kаzаkhstаn' with
    Cyrillic а) as the Latin name it imitates ('Kazakhstan'); BadValue for a word that mixes
    scripts and imitates nothing. Words wholly in one script ('Косово') are kept."""
    if name.isascii():
        return name
    return re.sub(r"\w+", lambda m: _word_unspoofed(m.group()), name)


def _ascii(text: str) -> str:
    """Text in ASCII letters: accents dropped, other scripts transliterated ('Россия' -> 'Rossiya')."""
    decomposed = unicodedata.normalize("NFKD", text)
    if all(ch.isascii() or unicodedata.combining(ch) for ch in decomposed):
        return "".join(ch for ch in decomposed if ch.isascii())
    from anyascii import anyascii

    return anyascii(unicodedata.normalize("NFKC", text))


def _key(name: str) -> str:
    text = _ascii(_undot(name)).casefold()
    text = re.sub(r"[^a-z0-9 ,-]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,-")


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """ISO alpha-2 and alpha-3 codes, lower case, to alpha-2; only ever matched against a whole name."""
    import pycountry

    out = {}
    for c in pycountry.countries:
        out[c.alpha_2.casefold()] = c.alpha_2
        out[c.alpha_3.casefold()] = c.alpha_2
    return out


@lru_cache(maxsize=1)
def _others() -> dict[str, str]:
    """Every name of a jurisdiction that is no country, by key, to its canonical name."""
    return {_key(n): canonical for canonical, names in _NOT_COUNTRIES.items() for n in (canonical, *names)}


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, str]]:
    import pycountry

    by_name: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for c in pycountry.countries:
        canonical[c.alpha_2] = _CANONICAL_OVERRIDE.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                by_name.setdefault(_key(value), c.alpha_2)
                if "," in value:  # "Korea, Republic of" is also written "Republic of Korea"
                    head, tail = value.split(",", 1)
                    by_name.setdefault(_key(f"{tail} {head}"), c.alpha_2)
        by_name.setdefault(_key(c.alpha_3), c.alpha_2)
    for written, code in _WRITTEN.items():
        by_name[_key(written)] = code
    return by_name, canonical


def _country_code(tidy: str) -> str | None:
    by_name, _ = _index()
    key = _key(tidy)
    for candidate in (key, re.sub(r"^the ", "", key), re.sub(r"^(republic|kingdom|state) of ", "", key)):
        if candidate in by_name:
            return by_name[candidate]
    if len(key) in (2, 3) and key not in _others():
        return _codes().get(key)
    return None


def is_country(name: str) -> bool:
    """Whether a name is one that a country goes by."""
    return _country_code(re.sub(r"\s+", " ", name).strip(" .,:;-*#\"'")) is not None


def canonical_jurisdiction(name: str) -> str:
    """The canonical name of a jurisdiction ('UAE' -> 'United Arab Emirates', 'Kаzаkhstаn' with
    Cyrillic а -> 'Kazakhstan'); a name that is no country is returned cleaned and tidied but as
    given. BadValue for a name that mixes scripts and imitates no Latin one (see unspoofed)."""
    tidy = unspoofed(clean_name(name)).strip(" ,:;-*#\"'").lstrip(".")
    tidy = tidy if _DOTTED.fullmatch(tidy) else tidy.rstrip(".")
    code = _country_code(tidy)
    if code:
        return _index()[1][code]
    return _others().get(_key(tidy), tidy.rstrip("."))


def jurisdiction_key(name: str) -> str:
    """The key a jurisdiction is looked up by: its canonical name, case-folded."""
    return canonical_jurisdiction(name).casefold()


def find_country(text: str) -> tuple[int, int] | None:
    """Where in `text` the longest country name stands ("Crypto Regulation in Kazakhstan" -> the
    span of "Kazakhstan"), or None. A name of three letters or fewer counts only in capitals, so
    that "us" or "per" in prose are no countries."""
    by_name, _ = _index()
    words = list(re.finditer(r"[^\W\d_][\w'-]*", text))
    for n in (5, 4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            start, end = words[i].start(), words[i + n - 1].end()
            written = text[start:end]
            key = _key(written)
            if key in by_name and (len(key) > 3 or written.isupper()):
                return start, end
    return None


def closest(name: str, choices: Iterable[str], cutoff: float = 75) -> str | None:
    """The choice nearest a mistyped name ('Kazahkstan' -> 'Kazakhstan', 'licencing' -> 'licensing'),
    or None when none is near: the one "did you mean" of the tracker."""
    from rapidfuzz import fuzz, process, utils

    hit = process.extractOne(name, list(choices), scorer=fuzz.WRatio, processor=utils.default_process,
                             score_cutoff=cutoff)
    return hit[0] if hit else None
