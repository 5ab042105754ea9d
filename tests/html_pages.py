"""Small whole web pages for tests/test_html.py, written for them: two invented news sites, each
with navigation, a cookie notice, a share bar, related links, reader comments and a footer,
and articles to put in them (as the site's own story or as a repost)."""

from __future__ import annotations

import html

BRIDGE = (
    "Repairs to the Old Mill Bridge will close it for six weeks",
    [
        "The Old Mill Bridge, which carries the coast road over the river Wend, will close to "
        "all traffic from the first Monday of March while engineers replace its corroded steel "
        "bearings, the county council said on Tuesday.",
        "Inspectors found last autumn that two of the four bearings under the eastern span had "
        "lost almost a third of their thickness to rust. The bridge was built in 1931 and last "
        "had major work in the late 1980s, when its deck was widened for lorries.",
        "Buses will be diverted through Harlow Green, adding about twenty minutes to the journey "
        "between the harbour and the railway station. A footbridge will stay open for walkers "
        "and cyclists for most of the closure, except for three weekends in April.",
        "Shop owners on Quay Street said they feared losing passing trade. Maria Ellison, who "
        "runs a bakery near the southern end of the bridge, said her takings fell by half the "
        "last time the road was shut for resurfacing, and asked the council for help with rates.",
        "The council's head of highways, Peter Dunmore, said the work could not wait for summer "
        "because the bearings would be checked again in May and the bridge might otherwise have "
        "to close at short notice. He said the contractor would work seven days a week.",
        "The repair is expected to cost 2.4 million pounds, most of it paid by a government fund "
        "for ageing bridges. Residents can see the diversion maps at the library and at the "
        "town hall, and the council will hold a drop-in session on the 20th of February.",
    ],
)

LIBRARY = (
    "New library opens its doors with a reading marathon",
    [
        "The new library in Castle Square opened on Saturday with a reading marathon in which "
        "more than two hundred volunteers took turns to read aloud from local writers for "
        "twelve hours without a break.",
        "The building replaces the cramped Victorian reading room on Church Lane, which closed "
        "two years ago after its roof began to leak. It has three floors, a children's wing with "
        "a small theatre, and a study room that stays open until ten in the evening.",
        "Librarian Ruth Okafor said the number of people joining had surprised her team. More "
        "than nine hundred new members signed up in the first week, many of them students who "
        "said they had nowhere quiet to work at home.",
        "The library also lends tools, musical instruments and sewing machines, an idea borrowed "
        "from libraries in Scandinavia. A local carpenter gave the first set of saws and drills, "
        "and the music shop on Bridge Street donated six guitars.",
        "Not everyone is pleased. Some residents of Castle Square complained about the noise of "
        "the building work last year, and the opposition group on the council said the project "
        "had run over its budget by about a fifth.",
        "The reading marathon raised money for a mobile library van that will visit villages "
        "without a bus service. Organisers said they hoped to make the marathon a yearly event "
        "and to invite schools to take part next time.",
    ],
)

GAZETTE_RELATED = [
    "Harbour wall works to begin after the winter storms",
    "Council tax to rise by three per cent next year",
    "Local choir wins regional competition for the second time",
    "Ferry timetable changes announced for the spring season",
    "Police appeal for witnesses after a break-in at the marina",
]
GAZETTE_COMMENTS = [
    ("Tom B", "About time somebody did something, this has been dragging on for years."),
    ("seaside_sue", "Will the council publish the full report? I would like to read it."),
]
DAILY_MOST_READ = [
    "Five things to do in the county this weekend",
    "Rail strike: what you need to know before you travel",
    "House prices in the region fall for the third month",
    "Star chef opens a restaurant in the old fire station",
    "Weather warning for heavy rain across the north",
    "School league tables: how your local schools did",
]


def gazette_page(
    title: str, paragraphs: list[str], *, footer_share: bool = True, comments: int = 2
) -> str:
    """A page of the (invented) Harbour Gazette: the site's whole chrome around an article,
    with ``comments`` reader comments under it (a long thread makes chrome most of the page)."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    related = "\n".join(
        f'<li><a href="/news/{k}">{html.escape(h)}</a></li>' for k, h in enumerate(GAZETTE_RELATED)
    )
    thread = "\n".join(
        f'<div class="comment"><span class="author">{html.escape(a)}</span><p>{html.escape(c)}'
        f"</p></div>"
        for a, c in (GAZETTE_COMMENTS * comments)[:comments]
    )
    share = (
        '<div class="share"><a href="#">Share on Facebook</a> | <a href="#">Share on Twitter</a>'
        ' | <a href="#">Email this story</a></div>'
        if footer_share
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | Harbour Gazette</title>
<meta property="og:type" content="article"></head>
<body>
<div id="cookie-banner" class="cookie-notice">We use cookies to give you the best experience on
our website. By continuing to browse you agree to our use of cookies. <a href="/privacy">Find out
more</a> <button>Accept all cookies</button></div>
<header class="site-header"><a class="logo" href="/">Harbour Gazette</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/business">Business</a></li>
<li><a href="/whats-on">What's on</a></li><li><a href="/opinion">Opinion</a></li>
<li><a href="/weather">Weather</a></li><li><a href="/contact">Contact us</a></li></ul></nav>
</header>
<main>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/news">News</a> &gt; Local</div>
<article class="story">
<h1>{html.escape(title)}</h1>
<div class="byline">By Staff Reporter, Harbour Gazette</div>
<div class="story-body">
{body}
</div>
{share}
</article>
<aside class="related"><h2>Related stories</h2><ul>
{related}
</ul></aside>
<section id="comments" class="comments"><h2>Comments ({comments})</h2>
{thread}
<p class="comment-rules">Comments are moderated. Please keep to our community guidelines.</p>
</section>
</main>
<footer class="site-footer"><div class="newsletter">Sign up to our free newsletter and get the
day's top stories in your inbox every morning.</div>
<ul><li><a href="/about">About us</a></li><li><a href="/advertise">Advertise with us</a></li>
<li><a href="/terms">Terms and conditions</a></li><li><a href="/privacy">Privacy policy</a></li>
</ul><p>&copy; 2024 Harbour Gazette Ltd. All rights reserved. Registered in England.</p></footer>
</body></html>
"""


def daily_page(title: str, paragraphs: list[str], *, source_footer: bool = False) -> str:
    """A page of the (invented) Northfield Daily, laid out with different markup and chrome;
    ``source_footer`` adds the aggregator's "Share on Facebook | Share on Twitter | Source
    link" line under the article."""
    body = "".join(
        f'<div class="para"><span class="txt">{html.escape(p)}</span></div>' for p in paragraphs
    )
    most_read = "".join(
        f'<div class="mr-item"><a href="/story/{k}" class="mr-link">{html.escape(h)}</a></div>'
        for k, h in enumerate(DAILY_MOST_READ)
    )
    source = (
        '<div class="post-footer"><a href="#">Share on Facebook</a> | <a href="#">Share on '
        'Twitter</a> | <a href="https://example.org/">Source link</a></div>'
        if source_footer
        else ""
    )
    return f"""<html>
<head><title>{html.escape(title)} - Northfield Daily</title></head>
<body class="page">
<div class="topbar"><a href="/login">Log in</a> <a href="/subscribe">Subscribe from 1 pound a
week</a> <a href="/epaper">Today's e-paper</a></div>
<div class="menu"><a href="/">Front page</a> <a href="/uk">UK</a> <a href="/world">World</a>
<a href="/money">Money</a> <a href="/sport">Sport</a> <a href="/life">Life and style</a>
<a href="/travel">Travel</a> <a href="/puzzles">Puzzles</a></div>
<div class="wrap"><div class="col-main">
<div class="post"><h1 class="post-title">{html.escape(title)}</h1>
<div class="post-content">{body}</div>
{source}
</div>
<div class="newsletter-box">Get the Northfield Daily briefing: the news that matters to you,
straight to your inbox. Enter your email address and press sign up.</div>
</div>
<div class="col-side"><div class="most-read"><h3>Most read</h3>{most_read}</div>
<div class="ad">Advertisement</div></div></div>
<div class="foot">Northfield Daily is part of Northfield Media Group. Contact the newsroom,
advertise, jobs, cookie settings, accessibility, terms of use.
Copyright 2024 Northfield Media Group. All rights reserved.</div>
</body></html>
"""


def plain(title: str, paragraphs: list[str]) -> str:
    """The article as a feed or a crawler's text delivers it: title and paragraphs."""
    return title + "\n\n" + "\n\n".join(paragraphs)
