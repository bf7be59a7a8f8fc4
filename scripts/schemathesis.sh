#!/usr/bin/env bash
# Runs the JSON API through schemathesis (https://schemathesis.readthedocs.io) with all its checks
# (server errors, undocumented statuses, response schemas, negative-data rejection, positive-data
# acceptance, ignored authentication …) against /api/openapi.json of a demo server.
#
#   scripts/schemathesis.sh                              # SQLite, a temporary database
#   scripts/schemathesis.sh postgres://postgres@127.0.0.1/kd_st   # an EMPTY PostgreSQL database
#
# Environment (all optional):
#   KIEMDIEM_BIN        the kiemdiem binary (default: built with `cargo build`, debug profile)
#   ST_PORT             the port of the demo server (default 18915)
#   ST_MAX_EXAMPLES     examples per operation and phase (default 20)
#   ST_MAX_TIME         seconds for the whole schemathesis run (default 300)
#   ST_SEED             hypothesis seed (default 1, so that runs are comparable)
#   ST_CHECKS           the checks to run (default all; CI runs not_a_server_error and
#                       status_code_conformance: no 5xx, no undocumented status)
#   ST_REPORT_DIR       where the JUnit report goes (default: a temporary folder, printed)
#   ST_ARGS             more arguments for `schemathesis run`
#
# schemathesis comes from PyPI: when it is not installed the script tries `pip install --user
# schemathesis`, and when that fails it says so and exits 0 (skipped), so that it can run in CI
# without network access. It exits with schemathesis' own status otherwise.
#
# The findings accepted are listed with their reasons in docs/api.md ("Fuzzing with
# schemathesis").
set -euo pipefail

database="${1:-}"
port="${ST_PORT:-18915}"
max_examples="${ST_MAX_EXAMPLES:-20}"
max_time="${ST_MAX_TIME:-300}"
seed="${ST_SEED:-1}"
root="$(cd "$(dirname "$0")/.." && pwd)"

checks="${ST_CHECKS:-all}"
# pip --user puts the command in the user base's bin, which may not be on PATH yet.
user_bin="$(python3 -m site --user-base 2>/dev/null || true)/bin"
PATH="$PATH:$user_bin"
if ! command -v schemathesis >/dev/null 2>&1; then
    echo "schemathesis is not installed; trying: pip install --user schemathesis" >&2
    if ! python3 -m pip install --user --quiet schemathesis >&2 || ! command -v schemathesis >/dev/null 2>&1; then
        echo "SKIPPED: schemathesis cannot be installed here (no network or no pip); nothing was tested." >&2
        exit 0
    fi
fi

if [ -z "${KIEMDIEM_BIN:-}" ]; then
    (cd "$root" && cargo build --quiet --bin kiemdiem)
    KIEMDIEM_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/kiemdiem"
fi

work="$(mktemp -d -t kiemdiem-schemathesis.XXXXXX)"
report_dir="${ST_REPORT_DIR:-$work/report}"
if [ -z "$database" ]; then
    database="sqlite://$work/demo.db"
fi
password="Schemathesis-$(date +%s)-$$"

server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -z "${ST_REPORT_DIR:-}" ]; then
        echo "report and server log kept in $work" >&2
    fi
}
trap cleanup EXIT

KIEMDIEM_AUDIT_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
    "$KIEMDIEM_BIN" serve --demo --bind "127.0.0.1:$port" --database "$database" \
    --demo-password "$password" --anchor-file "$work/anchors.log" --files-dir "$work/files" \
    >"$work/server.log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$port"
for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$base/api/v1/health" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the demo server did not start:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
    sleep 0.5
done

# A token for the demo administrator, created through the API as a program would.
session="$(curl -fsS -c "$work/cookies.txt" -H 'Content-Type: application/json' \
    -d "{\"login\": \"quantri\", \"password\": \"$password\"}" "$base/api/v1/session")"
csrf="$(printf '%s' "$session" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')"
token="$(curl -fsS -b "$work/cookies.txt" -H 'Content-Type: application/json' -H "X-Kiemdiem-CSRF: $csrf" \
    -d '{"name": "schemathesis"}' "$base/api/v1/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

echo "schemathesis against $base/api/openapi.json ($database), report in $report_dir" >&2
status=0
cd "$work" # schemathesis keeps its hypothesis database in ./.schemathesis
# shellcheck disable=SC2086
schemathesis run "$base/api/openapi.json" \
    --checks "$checks" \
    --header "Authorization: Bearer $token" \
    --max-examples "$max_examples" \
    --max-time "$max_time" \
    --seed "$seed" \
    --workers 2 \
    --request-timeout 30 \
    --continue-on-failure \
    --suppress-health-check all \
    --report junit --report-dir "$report_dir" \
    --no-color \
    ${ST_ARGS:-} || status=$?
exit "$status"
