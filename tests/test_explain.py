"""``dedupe explain`` and ``dedupe eval``: shared and added passages with offsets into the raw
texts, the alignment on PAN 2013 verbatim reuse, many pairs in one call, the terminal view, the
HTML page in a real headless browser, and evaluation figures."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from dedupe.cli import cli
from dedupe.cli.explain import explain as explain_command
from dedupe.engine import Engine, make_config
from dedupe.explain import Explainer
from dedupe.normalise import Chain, Normaliser

from .conftest import DATA, EXAMPLES, data_dir, read_jsonl, write_jsonl


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def squash(text: str) -> str:
    return "".join(text.split())


_STRIP = Engine(make_config(normalise="html")).chain


def check_offsets(side: dict, key: str, raw: str) -> int:
    """Every passage of ``side`` with a ``key`` span covers exactly its text in ``raw`` (the
    text as read): equal for plain text, equal once stripped of markup for HTML. Returns how
    many passages were checked."""
    checked = 0
    for p in side["passages"]:
        if key not in p:
            continue
        start, end = p[key]
        piece = raw[start:end]
        assert piece == piece.strip(), (p, piece)
        if "<" in raw or "&" in raw:
            assert squash(_STRIP.one(piece)) == squash(p["text"]), (p, piece)
        else:
            assert piece == p["text"]
        checked += 1
    return checked


def corpus_texts(path, ids) -> dict[str, str]:
    """Texts of the given ids in a JSONL corpus (lines split on newlines only: texts hold
    other line separators)."""
    wanted = set(ids)
    with open(path, encoding="utf-8") as f:
        rows = (json.loads(line) for line in f if line.strip())
        return {r["id"]: r["text"] for r in rows if r["id"] in wanted}


def test_repost_shares_the_whole_original_and_adds_only_chrome(seeds):
    a, b = seeds / "lemonde_original.txt", seeds / "003_63ffa25ad3faf19a.txt"
    result = invoke("explain", a, b, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["relation"] == "copy"
    assert data["a"]["words"]["added"] == 0 and data["a"]["words"]["chrome"] == 0
    b_chrome = " ".join(p["text"] for p in data["b"]["passages"] if p["status"] == "chrome")
    assert "Source link" in b_chrome and "by News7" in b_chrome
    assert data["b"]["words"]["shared"] >= 0.9 * sum(data["b"]["words"].values())
    # Offsets: every passage of each side, into that file's text; shared ones into both.
    raw_a, raw_b = a.read_text("utf-8"), b.read_text("utf-8")
    assert check_offsets(data["a"], "a", raw_a) == len(data["a"]["passages"])
    assert check_offsets(data["b"], "b", raw_b) == len(data["b"]["passages"])
    shared = [p for p in data["b"]["passages"] if p["status"] == "shared"]
    assert shared and all("a" in p and "b" in p for p in shared)
    for p in shared:
        assert squash(raw_a[p["a"][0] : p["a"][1]]) == squash(p["text"])


@pytest.mark.xfail(
    strict=True,
    reason="known bug: with the trafilatura html normaliser, a passage's raw span can cover page "
    "text extraction dropped (being fixed on the explain2 branch)",
)
def test_offsets_point_into_the_raw_html_of_a_whole_page():
    corpus = data_dir("html-dev") / "corpus.jsonl"
    truth = read_jsonl(data_dir("html-dev") / "truth.jsonl")
    by_cluster: dict[str, dict[str, str]] = {}
    for row in truth:
        by_cluster.setdefault(row["cluster"], {})[row["role"]] = row["id"]
    pairs = [
        (c["original"], c["plain"])
        for c in by_cluster.values()
        if {"original", "plain"} <= c.keys()
    ]
    pairs = pairs[:4]
    texts = corpus_texts(corpus, [i for p in pairs for i in p])
    for page, plain in pairs:
        data = json.loads(invoke("explain", "-i", corpus, page, plain, "--json").output)
        raw = texts[page]
        assert "<" in raw
        assert check_offsets(data["a"], "a", raw) > 0
        assert check_offsets(data["b"], "b", texts[plain]) > 0
        shared = [p for p in data["a"]["passages"] if p["status"] == "shared"]
        # The article is found inside the page, and its offsets span the page's markup.
        assert sum(len(squash(p["text"])) for p in shared) >= 0.8 * len(squash(texts[plain]))
        assert any("<" in raw[p["a"][0] : p["a"][1]] for p in shared)
        for p in shared:  # the same passage, seen from B
            assert squash(texts[plain][p["b"][0] : p["b"][1]]) in squash(texts[plain])


def _main_content(text: str) -> str:
    """A stand-in for a main-content extractor: only the <article>, as text."""
    start, end = text.find("<article>"), text.find("</article>")
    body = text[start:end] if start >= 0 and end > start else text
    return _STRIP.one(body)


@pytest.mark.xfail(
    strict=True,
    reason="known bug: with the trafilatura html normaliser, a passage's raw span can cover page "
    "text extraction dropped (being fixed on the explain2 branch)",
)
def test_offsets_hold_whatever_the_structural_normaliser_drops():
    """Text a main-content extractor removes is chrome with its raw offsets; the article's
    words keep theirs, entities and tags included."""
    engine = Engine(make_config(normalise="chrome,nfkc,quotes,casefold,punctuation,whitespace"))
    extractor = Normaliser("main", _main_content, structural=True)
    chain = Chain([extractor, *engine.chain.normalisers])
    unit = engine.registry.get("shingle unit", "word")
    explainer = Explainer(chain, unit.shingles, 5)
    article = (EXAMPLES / "news" / "council-budget-original.txt").read_text("utf-8")
    paragraphs = [p for p in article.split("\n") if p.strip()]
    body = "".join(
        f"<p>{html.escape(p).replace(' and ', ' <b>and</b> ', 1)}</p>\n" for p in paragraphs
    )
    page = (
        "<html><head><title>Budget</title><script>var and = 1;</script></head><body>"
        "<nav>Home &gt; News &gt; Council budget approved</nav>\n"
        f"<article>{body}</article>\n<footer>Share on Facebook &amp; Twitter</footer>"
        "</body></html>"
    )
    ex = explainer.explain(("page", page), ("plain", article))
    side = ex.to_dict()["a"]
    chrome = [p for p in side["passages"] if p["status"] == "chrome"]
    assert [p["text"] for p in chrome] == [
        "Budget Home > News > Council budget approved",
        "Share on Facebook & Twitter",
    ]
    assert page[chrome[0]["a"][0] : chrome[0]["a"][1]].startswith("Budget</title><script>")
    assert page[chrome[0]["a"][0] : chrome[0]["a"][1]].endswith("News &gt; Council budget approved")
    assert page[chrome[1]["a"][0] : chrome[1]["a"][1]] == "Share on Facebook &amp; Twitter"
    assert check_offsets(side, "a", page) == len(side["passages"])
    shared = [p for p in side["passages"] if p["status"] == "shared"]
    assert shared and shared[0]["a"][0] == page.index(paragraphs[0].split()[0])
    assert side["words"]["added"] == 0
    assert squash(article[shared[0]["b"][0] : shared[-1]["b"][1]]) == squash(article)


def pan13_predictions(explained: list[dict]) -> list[dict]:
    return [
        {
            "suspicious": ex["b"]["id"].split("/")[-1],
            "source": ex["a"]["id"].split("/")[-1],
            "passages": [
                [p["b"][0], p["b"][1] - p["b"][0]]
                for p in ex["b"]["passages"]
                if p["status"] == "shared"
            ],
        }
        for ex in explained
    ]


def test_pan13_copied_passages_found_with_their_offsets(tmp_path):
    """PAN 2013 verbatim reuse, all of pan13-dev in one call, scored by the PAN tool."""
    pan = data_dir("pan13-dev")
    tool = DATA.parent / "tools" / "pan13_eval.py"
    if not tool.exists():
        pytest.skip(f"{tool} is not here")
    rows = [line.split() for line in (pan / "pairs").read_text().splitlines() if line.strip()]
    pairs = write_jsonl(
        tmp_path / "pairs.jsonl", [{"a": f"src/{src}", "b": f"susp/{susp}"} for susp, src in rows]
    )
    result = CliRunner().invoke(cli, ["explain", "--pairs", str(pairs), "-i", str(pan), "--json"])
    assert result.exit_code == 0, result.output
    explained = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(explained) == len(rows)
    for ex in explained[:40]:
        raw = (pan / ex["b"]["id"]).read_text("utf-8")
        check_offsets(ex["b"], "b", raw)
    pred = write_jsonl(tmp_path / "pred.jsonl", pan13_predictions(explained))
    scores = json.loads(
        subprocess.run(
            [sys.executable, str(tool), str(pan / "pan13_cases_realigned.tsv"), str(pred)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert scores["cases"] == 262
    assert scores["char_recall"] >= 0.98, scores
    assert scores["char_precision"] >= 0.98, scores
    assert scores["granularity"] <= 1.05, scores


def _article(syndication) -> tuple[list[str], list[str]]:
    """Two unrelated real articles (originals of two clusters), as words."""
    truth = read_jsonl(syndication / "truth.jsonl")
    originals = [r["id"] for r in truth if r["role"] == "original"][:2]
    texts = corpus_texts(syndication / "corpus.jsonl", originals)
    return texts[originals[0]].split(), texts[originals[1]].split()


def test_a_corrupted_word_does_not_split_a_copy_and_common_phrases_are_not_shared(
    syndication, tmp_path
):
    a, other = _article(syndication)
    copied = a[40:100]
    corrupted = list(copied)
    corrupted[30] = "x" + corrupted[30][1:] + "q"  # one character error inside the copy
    phrase = a[150:156]  # six words of A, far from the copy
    b = other[:60] + corrupted + other[60:200] + phrase + other[200:]
    (tmp_path / "a.txt").write_text(" ".join(a), "utf-8")
    (tmp_path / "b.txt").write_text(" ".join(b), "utf-8")

    def shared(*options):
        result = invoke("explain", tmp_path / "a.txt", tmp_path / "b.txt", "--json", *options)
        return [p for p in json.loads(result.output)["b"]["passages"] if p["status"] == "shared"]

    merged = shared()
    assert len(merged) == 1
    assert squash(merged[0]["text"]) == squash(" ".join(corrupted))
    (edit,) = merged[0]["edits"]
    assert edit["a_text"] == copied[30] and edit["b_text"] == corrupted[30]
    raw_b = (tmp_path / "b.txt").read_text("utf-8")
    assert raw_b[edit["b"][0] : edit["b"][1]] == corrupted[30]
    assert len(shared("--gap", "0")) == 2
    # The six-word phrase counts only when the minimum length allows it.
    short = shared("--min-length", "5")
    assert len(short) == 2 and squash(short[1]["text"]) == squash(" ".join(phrase))


def test_teaser_is_named_with_a_legend_and_the_added_text_in_context():
    news = EXAMPLES / "news"
    result = invoke(
        "explain",
        news / "council-budget-original.txt",
        news / "council-budget-teaser.txt",
        "--no-color",
    )
    assert result.exit_code == 0
    out = result.output
    assert "B is a teaser of A" in out
    assert out.splitlines()[3].startswith("legend: [+ added +]  [~ chrome ~]")
    added = next(
        line for line in out.splitlines() if "[+ The budget passed by 31 votes to 24" in line
    )
    # A few words of the shared text before it, so the reader sees where it goes.
    assert added.startswith("… ") and len(added.split("[+")[0].split()) >= 3
    assert "[~ Continue reading... ~]" in out


def test_separately_written_reports_differ():
    news = EXAMPLES / "news"
    result = invoke(
        "explain", news / "flood-original.txt", news / "flood-report-herald.txt", "--json"
    )
    data = json.loads(result.output)
    assert data["relation"] == "different"
    assert data["scores"]["containment"] < 0.1


def test_many_pairs_in_one_call_with_bad_lines_reported(syndication, tmp_path):
    corpus = syndication / "corpus.jsonl"
    truth = read_jsonl(syndication / "truth.jsonl")
    original = {r["cluster"]: r["id"] for r in truth if r["role"] == "original"}
    pairs = [{"a": original[r["cluster"]], "b": r["id"]} for r in truth if r["role"] != "original"]
    pairs = pairs[:60]
    path = tmp_path / "pairs.jsonl"
    lines = [json.dumps(p) for p in pairs]
    lines[10:10] = ["not json", '{"a": "d00001"}', '{"a": "d00001", "b": "nope"}']
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["explain", "--pairs", str(path), "-i", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["a"]["id"], e["b"]["id"]) for e in out] == [(p["a"], p["b"]) for p in pairs]
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert errors[0].startswith(f"{path}:11: skipped, not JSON")
    assert errors[1] == f'{path}:12: skipped, needs ids "a" and "b"'
    assert errors[2] == f"{path}:13: skipped, not found in the input: nope"
    # The same explanation as one pair at a time.
    one = json.loads(invoke("explain", "-i", corpus, pairs[5]["a"], pairs[5]["b"], "--json").output)
    assert out[5] == one
    texts = corpus_texts(corpus, [i for p in pairs[:8] for i in (p["a"], p["b"])])
    for ex in out[:8]:
        check_offsets(ex["a"], "a", texts[ex["a"]["id"]])
        check_offsets(ex["b"], "b", texts[ex["b"]["id"]])


def test_nothing_from_the_data_reaches_the_terminal_raw(tmp_path):
    news = (EXAMPLES / "news" / "council-budget-original.txt").read_text("utf-8").split()
    evil = "\x1b]52;c;ZXZpbA==\x07 \x1b[2J \u202egnp.exe \x9b31m"
    a = " ".join(news[:80])
    b = " ".join(news[:40] + evil.split() + news[40:80] + [evil])
    corpus = write_jsonl(
        tmp_path / "c.jsonl", [{"id": "a\x1b[2Jid", "text": a}, {"id": "b\u202eid", "text": b}]
    )
    for options in (["--no-color"], ["--color"], ["--no-color", "--full"], ["--json"]):
        result = invoke("explain", "-i", corpus, "a\x1b[2Jid", "b\u202eid", *options)
        assert result.exit_code == 0, result.output
        out = result.output
        for raw in ("\x1b]", "\x1b[2J", "\u202e", "\x9b", "\x07"):
            assert raw not in out, (options, raw)
        if "--json" in options:
            data = json.loads(out)
            assert data["b"]["id"] == "b\u202eid"
            assert any("\x1b]52" in p["text"] for p in data["b"]["passages"])
        else:
            assert "\\x1b]52" in out and "<U+202E>" in out and "a\\x1b[2Jid" in out


def test_every_option_has_help_and_a_missing_folder_is_one_line(seeds, tmp_path):
    missing = [p.name for p in explain_command.params if isinstance(p, click.Option) and not p.help]
    assert missing == []
    result = CliRunner().invoke(
        cli,
        [
            "explain",
            str(seeds / "lemonde_original.txt"),
            str(seeds / "003_63ffa25ad3faf19a.txt"),
            "--html",
            str(tmp_path / "nowhere" / "page.html"),
        ],
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "nowhere" in result.output and "does not exist" in result.output


def test_ids_from_a_corpus_and_clusters(syndication, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", syndication / "corpus.jsonl", "-o", out, "-q").exit_code == 0
    clusters = [json.loads(line) for line in (out / "clusters.jsonl").read_text().splitlines()]
    big = next(c for c in clusters if c["size"] >= 3)
    page = tmp_path / "cluster.html"
    result = invoke(
        "explain",
        "-i",
        syndication / "corpus.jsonl",
        "--clusters",
        out / "clusters.jsonl",
        "--cluster",
        big["cluster"],
        "--html",
        page,
        "--json",
    )
    assert result.exit_code == 0, result.output
    explained = json.loads(result.output)
    assert [e["b"]["id"] for e in explained] == [
        m for m in big["members"] if m != big["representative"]
    ]
    assert all(e["a"]["id"] == big["representative"] for e in explained)
    assert page.read_text().startswith("<!DOCTYPE html>")
    missing = invoke("explain", "-i", syndication / "corpus.jsonl", "d00000", "nope")
    assert missing.exit_code == 1 and "not found in" in missing.output
    # A run's own pairs.jsonl explained in one call.
    result = CliRunner().invoke(
        cli,
        [
            "explain",
            "--pairs",
            str(out / "pairs.jsonl"),
            "-i",
            str(syndication / "corpus.jsonl"),
            "--json",
        ],
    )
    assert result.exit_code == 0 and not result.stderr
    run_pairs = read_jsonl(out / "pairs.jsonl")
    explained = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["a"]["id"], e["b"]["id"]) for e in explained] == [
        (p["a"], p["b"]) for p in run_pairs
    ]
    assert all(e["relation"] != "different" for e in explained)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on this machine (apt-get install chromium)")


# Run in the page after its own script: scroll the columns to the end and record what a reader
# would see, and every passage's offsets with its text.
_MEASURE = """
<script>
window.addEventListener('load', function () {
  var main = document.querySelector('main');
  var docs = document.querySelectorAll('.doc');
  var out = {scrollable: main.scrollWidth > main.clientWidth,
             overflow: getComputedStyle(main).overflowX};
  main.scrollLeft = main.scrollWidth;
  var last = docs[docs.length - 1].getBoundingClientRect();
  var ref = docs[0].getBoundingClientRect();
  out.lastRight = last.right; out.width = window.innerWidth;
  out.refLeft = ref.left; out.refRight = ref.right;
  out.edits = document.querySelectorAll('.edit del + ins').length;
  out.spans = [];
  docs.forEach(function (d) {
    d.querySelectorAll('[data-start]').forEach(function (s) {
      var own = s.cloneNode(true);  // the member's own text: without the reference's words
      own.querySelectorAll('del').forEach(function (x) { x.remove(); });
      out.spans.push([d.dataset.id, +s.dataset.start, +s.dataset.end, own.textContent]);
    });
  });
  var pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def test_cluster_page_in_headless_chromium(syndication, tmp_path):
    corpus = syndication / "corpus.jsonl"
    truth = read_jsonl(syndication / "truth.jsonl")
    clusters: dict[str, list[dict]] = {}
    for row in truth:
        clusters.setdefault(row["cluster"], []).append(row)
    # The biggest cluster with an edited copy, members after the original: 5+ columns.
    members = max((c for c in clusters.values() if any("edit" in r["ops"] for r in c)), key=len)
    ids = [r["id"] for r in sorted(members, key=lambda r: r["role"] != "original")]
    assert len(ids) >= 5
    page = tmp_path / "page.html"
    result = invoke("explain", "-i", corpus, *ids, "--html", page)
    assert result.exit_code == 0, result.output
    browser = chromium()
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text("utf-8").replace("</body>", _MEASURE + "</body>"), "utf-8")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--virtual-time-budget=3000", "--dump-dom", measured.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    # The page's own script ran: it marks the body and counts the added words.
    assert 'data-ready="1"' in dom
    assert f"{len(ids)} documents;" in dom
    assert dom.count('<section class="doc') == len(ids)
    data = json.loads(html.unescape(dom.split('<pre id="measured">')[1].split("</pre>")[0]))
    # Every member can be scrolled into view, and the reference stays beside it.
    assert data["scrollable"] and data["overflow"] == "auto"
    assert data["lastRight"] <= data["width"]
    assert 0 <= data["refLeft"] < 40 and data["refRight"] < data["width"] / 2
    # Substitutions are shown as pairs: the reference's words struck, the member's beside.
    assert data["edits"] > 0
    # Every passage's offsets point at its text in that document as read.
    texts = corpus_texts(corpus, ids)
    assert len(data["spans"]) > 3 * len(ids)
    for doc_id, start, end, text in data["spans"]:
        piece = texts[doc_id][start:end]
        assert squash(_STRIP.one(piece)) == squash(text), (doc_id, start, end)
    shot = tmp_path / "page.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 10_000


def test_eval_command_on_seeds(seeds, tmp_path):
    out = tmp_path / "out"
    invoke("run", seeds, "-o", out, "-q")
    result = invoke("eval", "--truth", seeds / "truth.json", out / "clusters.jsonl")
    assert result.exit_code == 0
    assert "1.0000   1.0000   1.0000   1.0000" in result.output
    assert "original named: 1.0000 (1/1)" in result.output
    data = json.loads(
        invoke("eval", "--truth", seeds / "truth.json", out / "clusters.jsonl", "--json").output
    )
    assert data["overall"]["ari"] == 1.0


def test_eval_reports_roles(syndication, tmp_path):
    out = tmp_path / "out"
    invoke("run", syndication / "corpus.jsonl", "-o", out, "-q")
    result = invoke("eval", "--truth", syndication / "truth.jsonl", out / "clusters.jsonl")
    assert "recall of teaser:" in result.output and "recall of copy:" in result.output
