#!/usr/bin/env bash
# Builds a copy of the demo workspace with a git history of its dossiers, for `kam changes` and
# the brief's "Seit dem letzten Jahresgespräch":
#
#   examples/demo-history.sh /tmp/kam-demo
#   KAM_TODAY=2026-11-23 cargo run -- -C /tmp/kam-demo changes nordhafen
#
# The first commit (2025-11-28, before the annual review of 2025-12-09) holds every dossier as it
# was then; for Nordhafen that is: payment terms of 45 days, Frank Mertens still neutral,
# Svenja Lorenzen "Disponentin", no Birte Hansen, the Kiel prototype open and due in February,
# the private label still open, no EDI action, no complaint and no satisfaction score of 2026.
# The second commit (2026-11-15) brings the dossiers of today.
set -euo pipefail

target="${1:?usage: examples/demo-history.sh DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -e "$target" ] && [ -n "$(ls -A "$target" 2>/dev/null)" ]; then
  echo "demo-history.sh: $target exists and is not empty" >&2
  exit 1
fi
mkdir -p "$target/examples"
cp "$here/kam.toml" "$target/"
cp -r "$here/accounts" "$target/"
cp -r "$here/examples/sales" "$target/examples/"

export GIT_AUTHOR_NAME="Anna Berg" GIT_AUTHOR_EMAIL="anna.berg@example.com"
export GIT_COMMITTER_NAME="Anna Berg" GIT_COMMITTER_EMAIL="anna.berg@example.com"
unset GIT_DIR GIT_WORK_TREE
cd "$target"
git init -q
git config commit.gpgsign false

# Nordhafen as it was before the review: paragraphs (blocks between blank lines) edited with awk.
awk 'BEGIN { RS = ""; ORS = "\n\n" }
  /name = "Birte Hansen"/ { next }
  /title = "EDI-Anbindung/ { next }
  /\[\[complaints\]\]/ && /opened = 2026-/ { next }
  /\[\[satisfaction\]\]/ && /date = 2026-/ { next }
  /title = "Prototyp Kanban-Regal Niederlassung Kiel"/ {
    sub(/status = "done"/, "status = \"open\""); sub(/due = 2026-03-31/, "due = 2026-02-28")
  }
  /title = "Eigenmarke Befestigungstechnik kalkulieren"/ { sub(/status = "dropped"/, "status = \"open\"") }
  {
    gsub(/attitude = "critic"/, "attitude = \"neutral\"")
    gsub(/role = "Disponentin C-Teile"/, "role = \"Disponentin\"")
    gsub(/payment_terms_days = 30/, "payment_terms_days = 45")
    print
  }' "$here/accounts/nordhafen.toml" > accounts/nordhafen.toml

git add -A
GIT_AUTHOR_DATE="2025-11-28T10:00:00+01:00" GIT_COMMITTER_DATE="2025-11-28T10:00:00+01:00" \
  git commit -q -m "Dossiers vor dem Jahresgespräch 2025"
cp "$here/accounts/nordhafen.toml" accounts/nordhafen.toml
git add -A
GIT_AUTHOR_DATE="2026-11-15T16:30:00+01:00" GIT_COMMITTER_DATE="2026-11-15T16:30:00+01:00" \
  git commit -q -m "Dossiers aktualisiert"
echo "demo workspace with history in $target"
