#!/usr/bin/env bash
# Renders kam's Markdown reports as GitHub shows them, in headless Chromium, and fails on
# rendering defects (see render.mjs). Installs what it needs, writes the reports of the demo
# workspace and of tests/fixtures/render-hostile into tests/render/out/, with a screenshot of each.
#
#   tests/render/run.sh            KAM_BIN=path/to/kam to test another binary
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/out"
hostile="$root/tests/fixtures/render-hostile"
start=$SECONDS

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    env DEBIAN_FRONTEND=noninteractive "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo env DEBIAN_FRONTEND=noninteractive "$@"
  else
    echo "run.sh: need root or sudo to install: $*" >&2
    exit 1
  fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Debian packages: Chromium, cmark-gfm (GitHub's Markdown parser) and Liberation fonts, which have
# the metrics of Arial/Helvetica and Liberation Mono from GitHub's font stacks.
missing=()
[ -x "${KAM_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v cmark-gfm >/dev/null 2>&1 || missing+=(cmark-gfm)
installed fonts-liberation || missing+=(fonts-liberation)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  # Refresh the package lists only when they do not know a package.
  for p in "${missing[@]}"; do
    if ! apt-cache show "$p" >/dev/null 2>&1; then
      as_root apt-get update -q
      break
    fi
  done
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node packages (mermaid, puppeteer-core, github-markdown-css), as locked.
for p in mermaid puppeteer-core github-markdown-css; do
  if [ ! -d "$here/node_modules/$p" ]; then
    (cd "$here" && npm ci --no-audit --no-fund)
    break
  fi
done

# The kam binary: KAM_BIN, else the debug build, brought up to date (a no-op after cargo test).
kam="${KAM_BIN:-}"
if [ -z "$kam" ]; then
  (cd "$root" && cargo build --quiet)
  kam="$root/target/debug/kam"
fi

# The demo exports end in 2026-10: a fixed "today" keeps the reports the same from day to day.
export KAM_TODAY="${KAM_TODAY:-2026-12-01}"

rm -rf "$out"
mkdir -p "$out"
refused=0
report() { # NAME WORKSPACE ARGS…: writes out/NAME.md
  local name=$1 ws=$2
  shift 2
  if ! "$kam" -C "$ws" "$@" >"$out/$name.md" 2>"$out/$name.stderr"; then
    echo "FAIL  $name: kam $* exited with an error:" >&2
    sed 's/^/      /' "$out/$name.stderr" >&2
    rm -f "$out/$name.md"
    refused=1
  fi
  rm -f "$out/$name.stderr"
}

if ! "$kam" -C "$hostile" check >"$out/hostile-check.txt" 2>&1; then
  echo "FAIL  hostile-check: kam check refuses tests/fixtures/render-hostile:" >&2
  sed 's/^/      /' "$out/hostile-check.txt" >&2
  refused=1
fi

report brief-nordhafen "$root" brief nordhafen
report brief-nordhafen-en "$root" --lang en brief nordhafen
report brief-donau-landtechnik "$root" brief donau-landtechnik
report brief-elbwerft "$root" brief elbwerft
report brief-nordhafen-customer "$root" brief nordhafen --audience customer
report margin "$root" margin
report margin-by-owner-year "$root" margin --by owner --period year
report accounts "$root" accounts
report abc "$root" abc
report retention "$root" retention
report retention-cohorts "$root" retention --cohorts
report kpi-2026-10 "$root" kpi --month 2026-10
report kpi-2026-10-en "$root" --lang en kpi --month 2026-10
report radar "$root" radar
report team "$root" team
report risk "$root" risk
report risk-accounts "$root" risk --by account
report risk-backtest "$root" risk --backtest
report whitespace-nordhafen "$root" whitespace nordhafen
# The demo with a git history of its dossiers, for kam changes and the brief's look back.
history="$(mktemp -d)/demo"
bash "$root/examples/demo-history.sh" "$history" >/dev/null
report changes-nordhafen "$history" changes nordhafen
report brief-nordhafen-history "$history" brief nordhafen


report hostile-brief-hostile "$hostile" brief hostile
report hostile-brief-customer "$hostile" brief hostile --audience customer
report hostile-margin "$hostile" margin
report hostile-margin-by-owner-year "$hostile" margin --by owner --period year
report hostile-margin-by-category "$hostile" margin --by category
report hostile-accounts "$hostile" accounts
report hostile-radar "$hostile" radar
report hostile-team "$hostile" team
report hostile-risk "$hostile" risk
report hostile-risk-accounts "$hostile" risk --by account
report hostile-whitespace "$hostile" whitespace hostile

echo "reports written in $((SECONDS - start)) s"
status=0
(cd "$root" && node "$here/render.mjs" "$out") || status=1
if [ $refused -ne 0 ]; then
  status=1
fi
exit $status
