#!/usr/bin/env bash
# Renders one sample of each document kind into docs/samples/ (first page, 60 dpi, grey PNG):
# a demo database with a played cycle, every document and report through the CLI, then
# pdftoppm (poppler-utils). Run from the repository root after `cargo build`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${KIEMDIEM_BIN:-${CARGO_TARGET_DIR:-target}/debug/kiemdiem}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="sqlite://$work/demo.db"
opts=(--today 20/12/2025 --database "$db")
"$bin" demo --cycle --today 14/12/2025 --database "$db" >/dev/null
uuid() { python3 -c "import uuid,sys; print(uuid.UUID(sys.argv[1]))" "$1"; }
q() { sqlite3 "$work/demo.db" "$1"; }
root="$(q "select o.code from orgs o join org_versions v on v.org_id = o.id where v.parent_id is null limit 1")"
meeting_row="$(q "select hex(m.id), o.code from meetings m join orgs o on o.id = m.org_id where m.status <> 'scheduled' limit 1")"
meeting="$(uuid "${meeting_row%%|*}")"
branch="${meeting_row##*|}"
grassroots="${branch%.*}"
subject="$(uuid "$(q "select hex(id) from subjects where stage = 'decided' and kind = 'member_without_post' limit 1")")"
out=docs/samples
mkdir -p "$out"
"$bin" report summary --org "$root" --year 2025 --format pdf --out "$work/summary.pdf" "${opts[@]}"
"$bin" report quota --org "$grassroots" --year 2025 --format pdf --out "$work/quota.pdf" "${opts[@]}"
"$bin" report progress --org "$grassroots" --year 2025 --format pdf --out "$work/progress.pdf" "${opts[@]}"
for kind in self-review score-sheet; do
    "$bin" document "$kind" --subject "$subject" --out "$work/$kind.pdf" "${opts[@]}"
done
for kind in minutes ballot-paper ballot-count; do
    "$bin" document "$kind" --meeting "$meeting" --out "$work/$kind.pdf" "${opts[@]}"
done
"$bin" document proposal-table --org "$branch" --year 2025 --out "$work/proposal-table.pdf" "${opts[@]}"
"$bin" document not-rated --org "$branch" --year 2025 --out "$work/not-rated.pdf" "${opts[@]}"
"$bin" document member-decision --org "$grassroots" --year 2025 --out "$work/member-decision.pdf" "${opts[@]}"
"$bin" document dossier --org "$grassroots" --year 2025 --out "$work/dossier.pdf" "${opts[@]}"
for pdf in "$work"/*.pdf; do
    name="$(basename "$pdf" .pdf)"
    pdftoppm -r 60 -gray -png -f 1 -l 1 -singlefile "$pdf" "$out/$name"
done
ls -l "$out"
