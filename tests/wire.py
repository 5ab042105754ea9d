"""A small generator of newswire-like stories: hard-wrapped short lines, a dateline, a
sign-off, every story its own words (drawn from a seeded made-up vocabulary)."""

from __future__ import annotations

import random
import textwrap

_CITIES = ["LONDON", "NEW YORK", "TOKYO", "PARIS", "CHICAGO", "WASHINGTON", "FRANKFURT"]
_MONTHS = ["Jan", "Feb", "March", "April", "May", "June"]


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    syllables = ["ba", "ko", "ri", "tu", "men", "sa", "lo", "ve", "dri", "an", "pol", "ex"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def wire_stories(n: int, seed: int = 1, width: int = 64, sign_off: str = "Reuter") -> list[str]:
    """``n`` different stories of 8-20 sentences, hard-wrapped at ``width`` characters, each
    opening on a dateline and closing on ``sign_off`` (a line of its own)."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    stories = []
    for _ in range(n):
        sentences = []
        for _ in range(rng.randint(8, 20)):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 18)))
            sentences.append(sentence.capitalize() + ".")
        dateline = f"{rng.choice(_CITIES)}, {rng.choice(_MONTHS)} {rng.randint(1, 28)} - "
        title = " ".join(rng.choice(words) for _ in range(6)).upper()
        body = textwrap.fill(dateline + " ".join(sentences), width)
        stories.append(f"{title}\n{body}\n {sign_off}")
    return stories
