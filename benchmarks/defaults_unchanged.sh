#!/bin/bash
# The default settings' outputs of this tree against a git ref's, byte for byte, on every dev
# set (syndication-dev, seeds, intl-dev zh/ar/ja, html-dev, Reuters), with their scores.
#
#     benchmarks/defaults_unchanged.sh [REF] > benchmarks/results/ocr_defaults_unchanged.txt
#
# The ref's code is exported with git archive and put first on PYTHONPATH (runs start from a
# scratch folder, so the working tree is not imported instead). Exit status 1 if any differs.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
REF=${1:-main}
D=$REPO/../shared/data
PY=$REPO/.venv/bin/python
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/ref-src"
git -C "$REPO" archive "$REF" dedupe | tar -x -C "$WORK/ref-src"
cd "$WORK"
echo "ref $REF = $(git -C "$REPO" rev-parse "$REF"), tree $(git -C "$REPO" rev-parse HEAD) + changes: $(git -C "$REPO" status --short dedupe | wc -l) files"
status=0
run() { # name input options...
  local name=$1 input=$2; shift 2
  for side in ref tree; do
    local pp=""; [ "$side" = ref ] && pp=$WORK/ref-src
    /usr/bin/time -f "$side $name: %e s wall, %U+%S s CPU" env PYTHONPATH=$pp DEDUPE_LOAD_PLUGINS= \
      "$PY" -m dedupe run "$input" "$@" -q -o "$WORK/$side/$name" --writers clusters,pairs,report 2>&1 | tail -1
  done
  for f in clusters.jsonl pairs.jsonl; do
    if cmp -s "$WORK/ref/$name/$f" "$WORK/tree/$name/$f"; then echo "$name $f identical"
    else echo "$name $f DIFFERS"; status=1; fi
  done
}
run syndication "$D/syndication-dev/corpus.jsonl"
run seeds "$D/seeds"
for lang in zh ar ja; do run "$lang" "$D/intl-dev/$lang/corpus.jsonl"; done
run html "$D/html-dev/corpus.jsonl"
run reuters "$D/reuters21578/reuters21578_docs.jsonl" --id-field newid --text-field title,body
score() { echo "$1: $(python3 "$D/../tools/score.py" "$2" "$WORK/tree/$1/clusters.jsonl" | tr '\n' ' ')"; }
score syndication "$D/syndication-dev/truth.jsonl"
score seeds "$D/seeds/truth.json"
for lang in zh ar ja; do score "$lang" "$D/intl-dev/$lang/truth.jsonl"; done
score html "$D/html-dev/truth.jsonl"
echo "reuters: $("$PY" "$REPO/benchmarks/reuters_silver.py" "$WORK/tree/reuters/clusters.jsonl")"
exit $status
