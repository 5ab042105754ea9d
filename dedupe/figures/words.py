"""The vocabularies figure reading needs: number words, scales, units, calendar words, markers.

English, French and German, the languages of the shared data; a word not listed here is read as
a word, so a language missing from these lists loses only the figures it spells out.
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    """The space-separated words of a constant (easier to read than a list of strings)."""
    return text.split()


#: Scale words after a number ("3.4 mln", "$14m", "2 milliards") multiply its value.
SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "thousands": 1e3,
    "thous": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mlns": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "bn": 1e9,
    "bln": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "mio": 1e6,
    "mrd": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
}
#: Scale words that count only when written against the number ("14m", not "14 m").
ATTACHED_ONLY = frozenset({"k", "m", "mn", "bn"})

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
#: Numbers written as words, English, French and German.
NUMBER_WORDS: dict[str, float] = {
    **{w: float(k) for k, w in enumerate(words(_ONES))},
    **{
        w: 10.0 * k
        for k, w in enumerate(words("thirty forty fifty sixty seventy eighty ninety"), start=3)
    },
    **{
        w: float(k)
        for k, w in enumerate(words("zéro un deux trois quatre cinq six sept huit neuf dix"))
        if w != "un"
    },
    "onze": 11.0,
    "douze": 12.0,
    "vingt": 20.0,
    "trente": 30.0,
    **{
        w: float(k)
        for k, w in enumerate(
            words("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf")
        )
    },
    "zwanzig": 20.0,
    "dreißig": 30.0,
    "half": 0.5,
    "hundred": 100.0,
    "cent": 100.0,
    "hundert": 100.0,
    "mille": 1000.0,
    "tausend": 1000.0,
}
#: Ordinal words before these words are figures ("first quarter" vs "second quarter").
ORDINAL_WORDS = {
    w: k
    for k, w in enumerate(
        words("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"),
        start=1,
    )
}
ORDINAL_OF = frozenset(words("quarter qtr half week month year round day"))

#: Units after a spelled number make it a figure ("six pct", "two years", "trois ans").
UNITS = frozenset(
    words(
        "pct percent per cent dlr dlrs dollar dollars ct cts cents stg pound pounds sterling "
        "euro euros yen mark marks franc francs tonne tonnes ton tons barrel barrels bpd "
        "shares points point pour prozent ounce ounces lb lbs head bushels bales "
        "day days week weeks month months year years hour hours minute minutes mile miles "
        "km seats times jours jour semaines semaine mois ans an années heures tage tag wochen "
        "woche monate monat jahre jahren stunden"
    )
)
#: Ordinal suffixes ("3rd qtr", "1er trimestre"): part of the figure, not a word.
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th", "er", "re", "e", "ème", "eme"})

_MONTHS = [
    "january jan janvier januar",
    "february feb fevrier février februar",
    "march mar mars märz maerz",
    "april apr avril",
    "may mai",
    "june jun juin juni",
    "july jul juillet juli",
    "august aug août aout",
    "september sep sept septembre",
    "october oct octobre oktober okt",
    "november nov novembre",
    "december dec décembre decembre dezember dez",
]
_MONTHS_AR = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر"
_MONTHS_AR_MORE = {"إبريل": 4, "ابريل": 4, "اغسطس": 8, "اكتوبر": 10, "يونيه": 6, "يوليه": 7}
#: Levantine month names (those of one word; "كانون" and "تشرين" need the word after them).
_MONTHS_LEVANT = {"شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5}
_MONTHS_LEVANT |= {"حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9, "ايلول": 9}
#: Month words by number (1..12), English, French, German and Arabic.
MONTHS: dict[str, int] = {
    **{w: k for k, names in enumerate(_MONTHS, start=1) for w in words(names)},
    **{w: k for k, w in enumerate(words(_MONTHS_AR), start=1)},
    **_MONTHS_AR_MORE,
    **_MONTHS_LEVANT,
}
#: Month words that are also common words ("may", "mar", "mars"): months only next to a day.
AMBIGUOUS_MONTHS = frozenset({"may", "mar", "mars", "jun", "sept", "dec", "mai", "august"})

#: Words that may stand between a day and its month ("20 of September").
DAY_OF = frozenset({"of", "de", "del", "من"})

_WEEKDAYS = [
    "monday lundi montag",
    "tuesday mardi dienstag",
    "wednesday mercredi mittwoch",
    "thursday jeudi donnerstag",
    "friday vendredi freitag",
    "saturday samedi samstag sonnabend",
    "sunday dimanche sonntag",
]
#: Weekday words by number (1..7).
WEEKDAYS: dict[str, int] = {
    w: k for k, names in enumerate(_WEEKDAYS, start=1) for w in words(names)
}

#: Small words that may sit inside a name ("Bank of England", "Banque de France").
CONNECTORS = frozenset({"of", "de", "du", "des", "la", "le", "van", "von", "der", "da", "di"})
#: Capitalised only because they start a sentence.
SENTENCE_WORDS = frozenset(
    words(
        "a an and as at but by for from he her his if in it its mr mrs ms on she that the "
        "their these they this those to we when while with au aux ce cette dans de des du "
        "elle elles en et il ils l la le les mais par pour selon sur un une der die das ein "
        "eine und im am zu mit von"
    )
)
#: Words of a headline that say nothing about whom it is about (the subject is what comes
#: before the first word two headlines share, less these).
HEADLINE_STOPWORDS = frozenset(
    words(
        "a an and the of to in on for at by with from as is are was were be it its his her "
        "their says said say sees see plans plan will would may might could can to has have "
        "had not no new more also up down over unit units corp co inc ltd plc group "
        "et le la les de des du un une en au aux pour par sur dit der die das und ein eine "
        "mit von zu im"
    )
)
#: Headline markers of a re-sent or corrected story, ignored when headlines are compared.
HEADLINE_MARKERS = frozenset(
    words(
        "corrected correction corrects rpt repeat refile refiled update updated urgent flash "
        "recasts adds rectificatif rectifié correctif berichtigung"
    )
)
