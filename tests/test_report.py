"""``dedupe report``: real runs summed up in the terminal and as an HTML page checked in headless
Chromium; copies per input file, per folder and per field; the explain commands it prints work;
data escaped; bad outputs are one line each."""

from __future__ import annotations

import html
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedupe.cli import cli

from .browser import dump_dom, screenshot
from .conftest import EXAMPLES, data_dir, read_jsonl, write_jsonl
from .test_terminal import OSC52, assert_clean


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], color=True, catch_exceptions=False)


def run_into(out: Path, *args: object) -> dict:
    result = invoke("run", *args, "-o", out)
    assert result.exit_code == 0, result.output
    return json.loads((out / "report.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def syndication_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("syn") / "out"
    run_into(out, data_dir("syndication-dev") / "corpus.jsonl")
    return out


def histogram_of(text: str) -> dict[str, int]:
    block = text.split("cluster sizes (documents per cluster: clusters)\n")[1].split("\n\n")[0]
    return {line.split()[0]: int(line.split()[-1].replace(",", "")) for line in block.splitlines()}


def table_of(text: str, title: str) -> list[tuple[str, int, int]]:
    block = text.split(title + "\n")[1].split("\n\n")[0].split("\nwho copies whom")[0]
    rows = []
    for line in block.splitlines()[1:]:
        m = re.match(r"\s+(\S+)\s+([\d,]+)\s+([\d,]+)\s+[\d.]+%", line)
        if m:
            rows.append((m[1], int(m[2].replace(",", "")), int(m[3].replace(",", ""))))
    return rows


def test_the_terminal_report_sums_up_the_run(syndication_run):
    report = json.loads((syndication_run / "report.json").read_text("utf-8"))
    clusters = read_jsonl(syndication_run / "clusters.jsonl")
    counts = report["counts"]
    result = invoke("report", syndication_run)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert (
        f"{counts['documents_read']:,} documents read ({counts['documents_skipped']:,} skipped); "
        f"{counts['clusters']:,} clusters hold {counts['documents_in_clusters']:,} documents; "
        f"{counts['duplicates_removed']:,} copies removed"
    ) in text
    # The histogram counts every cluster once, in the bin of its size.
    bins = histogram_of(text)
    sizes = [len(c["members"]) for c in clusters]
    assert sum(bins.values()) == len(clusters)
    assert bins["2"] == sizes.count(2) and bins["3"] == sizes.count(3)
    # The largest cluster comes first, with its kept document and members.
    biggest = max(clusters, key=lambda c: (len(c["members"]), -c["cluster"]))
    head = f"  cluster {biggest['cluster']}: {len(biggest['members'])} documents, kept "
    assert text.split("largest clusters")[1].split("\n")[1].startswith(head)
    assert f"kept {biggest['representative']} (" in text
    # One input file: every copy removed is counted against it.
    (row,) = table_of(text, "copies removed by input file")
    assert row[1:] == (counts["documents_read"], counts["duplicates_removed"])
    # Every stage of the run's timings is shown.
    for stage in ("learning", "reading and signing", "verifying", "clustering", "writing"):
        assert re.search(rf"\n  {stage} +[\d.]+ s", text), stage


def test_the_printed_explain_command_explains_that_cluster(syndication_run, tmp_path):
    text = invoke("report", syndication_run, "--top", "1").stdout
    command = next(line.strip() for line in text.splitlines() if "dedupe explain" in line)
    args = shlex.split(command)
    assert args[:2] == ["dedupe", "explain"]
    page = tmp_path / "cluster.html"
    done = invoke(*args[1:], "--html", page)
    assert done.exit_code == 0, done.output
    number = int(args[args.index("--cluster") + 1])
    cluster = next(
        c for c in read_jsonl(syndication_run / "clusters.jsonl") if c["cluster"] == number
    )
    page_text = page.read_text("utf-8")
    assert page_text.count('<section class="doc') == len(cluster["members"])


def test_copies_by_folder_and_who_copies_whom(tmp_path):
    """A folder of one-document files (BBC, by category): sources are the folders."""
    out = tmp_path / "out"
    report = run_into(out, data_dir("bbc") / "bbc")
    counts = report["counts"]
    text = invoke("report", out, "--top", "50").stdout
    rows = table_of(text, "copies removed by folder")
    names = {name for name, _, _ in rows}
    assert {"business", "entertainment", "politics", "sport", "tech"} <= names
    assert sum(n for _, n, _ in rows) == counts["documents_read"]
    assert sum(r for _, _, r in rows) == counts["duplicates_removed"]
    flows = text.split("who copies whom")[1].split("\n\n")[0].splitlines()[1:]
    assert (
        sum(int(line.split()[0].replace(",", "")) for line in flows) == counts["duplicates_removed"]
    )


def test_copies_by_field_group_urls_by_host(tmp_path, syndication_run):
    """Records with a url field (the syndication corpus, each record given the host of its
    truth source): --by url counts copies per host, and the flows name the hosts."""
    corpus = data_dir("syndication-dev")
    truth = {r["id"]: r for r in read_jsonl(corpus / "truth.jsonl")}
    rows = []
    for record in read_jsonl(corpus / "corpus.jsonl"):
        t = truth[record["id"]]
        host = "original.example" if t["role"] == "original" else f"{t['role']}.example"
        rows.append({**record, "url": f"https://{host}/{record['id']}"})
    path = write_jsonl(tmp_path / "with-urls.jsonl", rows)
    out = tmp_path / "out"
    report = run_into(out, path)
    text = invoke("report", out, "--by", "url").stdout
    table = table_of(text, "copies removed by field url")
    by_host = {name: (n, removed) for name, n, removed in table}
    assert sum(n for n, _ in by_host.values()) == report["counts"]["documents_read"]
    assert sum(r for _, r in by_host.values()) == report["counts"]["duplicates_removed"]
    assert by_host["original.example"][0] == sum(
        1 for t in truth.values() if t["role"] == "original"
    )
    # Copies and teasers are what is removed, far more than originals.
    assert by_host["copy.example"][1] > 10 * by_host["original.example"][1]
    assert re.search(r"\n +[\d,]+  copy\.example -> original\.example\n", text)


def test_data_is_escaped_in_the_terminal_and_the_page(tmp_path):
    flood = (EXAMPLES / "news" / "flood-original.txt").read_text("utf-8")
    repost = (EXAMPLES / "news" / "flood-aggregator-repost.txt").read_text("utf-8")
    evil = f"<script>alert(1)</script>{OSC52}\u202e"
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [
            {"id": f"orig{evil}", "text": flood, "url": f"https://x.example/{evil}"},
            {"id": f"copy{evil}", "text": repost, "url": f"{evil}"},
        ],
    )
    out = tmp_path / "out"
    run_into(out, path)
    page = tmp_path / "r.html"
    result = invoke("report", out, "--html", page, "--by", "url")
    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert "orig<script>alert(1)</script>\\x1b]52;c;Zm9v\\x07<U+202E>" in result.stdout
    source = page.read_text("utf-8")
    assert "<script>alert" not in source and "\x1b" not in source
    assert "orig&lt;script&gt;alert(1)&lt;/script&gt;\\x1b]52;c;Zm9v\\x07&lt;U+202E&gt;" in source
    assert "\u202e" not in source
    assert source.count("<script>") == 1  # the page's own


def test_bad_outputs_are_one_line_each(tmp_path, syndication_run):
    missing = invoke("report", tmp_path / "nowhere")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: ")
    assert len(missing.stderr.splitlines()) == 1 and "no such folder" in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = invoke("report", tmp_path / "empty")
    assert empty.exit_code == 1 and "has no report.json" in empty.stderr
    assert len(empty.stderr.splitlines()) == 1
    damaged = tmp_path / "damaged"
    shutil.copytree(syndication_run, damaged)
    lines = (damaged / "clusters.jsonl").read_text("utf-8").splitlines(keepends=True)
    (damaged / "clusters.jsonl").write_text(
        "".join(lines[:3]) + '{"cluster": 1, "mem\n' + "".join(lines[3:]), "utf-8"
    )
    result = invoke("report", damaged, "--no-inputs")
    assert result.exit_code == 0
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"dedupe: {damaged / 'clusters.jsonl'}:4: malformed JSON (")
    assert line.endswith("); line left out")
    assert histogram_of(result.stdout) and sum(histogram_of(result.stdout).values()) == len(lines)
    usage = invoke("report", syndication_run, "--explain", "2")
    assert usage.exit_code == 2 and "give --html" in usage.stderr


def test_inputs_moved_since_the_run_are_named(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    shutil.copy(data_dir("syndication-dev") / "corpus.jsonl", corpus)
    out = tmp_path / "out"
    run_into(out, corpus)
    corpus.rename(tmp_path / "moved.jsonl")
    result = invoke("report", out)
    assert result.exit_code == 0
    assert (
        f"not shown (inputs not found (moved or removed since the run): {corpus})" in result.stdout
    )


def test_help_does_not_import_the_report_or_rich():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dedupe", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "  report " in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "dedupe.cli" in imported  # (the command itself is imported when it runs)
    assert (
        not {
            "dedupe.cli.report",
            "dedupe.report",
            "dedupe.report_html",
            "dedupe.report_sources",
            "rich",
        }
        & imported
    )


# -- the page in a browser -----------------------------------------------------------------------
# Run in the page after its own script: what a reader sees, measured.
_MEASURE = """
<script>
window.addEventListener('load', function () {
  var out = {ready: document.body.dataset.ready, bins: [], stages: [], rows: [], links: []};
  document.querySelectorAll('#histogram rect.bin').forEach(function (r) {
    out.bins.push([r.dataset.size, +r.dataset.clusters, r.getBoundingClientRect().height]);
  });
  document.querySelectorAll('#timings rect.stage').forEach(function (r) {
    out.stages.push([r.dataset.stage, r.getBoundingClientRect().width]);
  });
  document.querySelectorAll('tr.cluster').forEach(function (tr) {
    out.rows.push([+tr.dataset.cluster, tr.querySelectorAll('ol.members li').length,
                   tr.querySelector('.cmd code').textContent]);
  });
  document.querySelectorAll('a.explain').forEach(function (a) { out.links.push(a.href); });
  out.sources = document.querySelectorAll('#sources tr.source').length;
  out.external = Array.from(document.querySelectorAll('[src], link[href]')).length;
  out.width = document.documentElement.scrollWidth; out.view = window.innerWidth;
  var pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def test_the_page_in_headless_chromium(syndication_run, tmp_path):
    page = tmp_path / "report.html"
    result = invoke(
        "report", syndication_run, "--html", page, "--explain", "3", "--top", "12", "-q"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text("utf-8").replace("</body>", _MEASURE + "</body>"), "utf-8")
    dom = dump_dom(measured, tmp_path / "profile", "--window-size=1280,1600")
    data = json.loads(html.unescape(dom.split('<pre id="measured">')[1].split("</pre>")[0]))
    assert data["ready"] == "1"  # the page's script ran
    assert data["external"] == 0  # nothing to fetch: CSS, SVG and JS are inline
    assert data["width"] <= data["view"]  # no sideways scrolling
    clusters = read_jsonl(syndication_run / "clusters.jsonl")
    # The histogram has a visible bar for each non-empty bin, and counts every cluster.
    assert sum(n for _, n, _ in data["bins"]) == len(clusters)
    assert all(h > 0 for _, n, h in data["bins"] if n) and all(
        h == 0 for _, n, h in data["bins"] if not n
    )
    heights = {size: h for size, _, h in data["bins"]}
    assert heights["2"] > heights["3"]
    # The largest clusters, largest first, each with every member and its explain command.
    sizes = {c["cluster"]: len(c["members"]) for c in clusters}
    assert len(data["rows"]) == 12
    shown = [sizes[n] for n, _, _ in data["rows"]]
    assert shown == sorted(sizes.values(), reverse=True)[:12]
    for number, members, command in data["rows"]:
        assert members == sizes[number]
        assert f"--cluster {number} " in command + " "
    # The three largest are linked to their side-by-side pages, which exist beside it.
    assert len(data["links"]) == 3
    for link in data["links"]:
        target = Path(link.removeprefix("file://"))
        assert target.exists() and target.parent == tmp_path / "report-clusters"
        assert "data-ready" in target.read_text(
            "utf-8"
        ) or '<section class="doc' in target.read_text("utf-8")
    assert data["sources"] == 1
    assert {name for name, _ in data["stages"]} >= {"learning", "reading and signing", "writing"}
    shot = tmp_path / "report.png"
    screenshot(page, tmp_path / "profile", shot, "--window-size=1280,1600")
    assert shot.exists() and shot.stat().st_size > 20_000
