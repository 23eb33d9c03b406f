# Shared by the load tests (bench/run_load.sh, bench/run_pages_load.sh): sourced, not run. Both start gunicorn with
# the production settings on a free local port and drive it with locust; what differs is the database, the
# processes beside gunicorn and the locustfile.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
cd "$ROOT"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
LOAD_DURATION="${LOAD_DURATION:-60s}"
LOAD_OUT="${LOAD_OUT:-$ROOT/var/load}"
export PGOPTIONS="-c client_min_messages=warning"
pids=()

# Stop every process the script started (their ids in `pids`): TERM, up to 15 s to exit, then KILL.
stop_processes() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
}

ensure_locust() {
    if ! "$PY" -c "import locust" 2>/dev/null; then
        echo "--- installing the bench dependencies (locust) ---"
        "$PY" -m pip install --quiet --disable-pip-version-check -e '.[bench]'
    fi
}

# The production settings on plain http on localhost, as CI's topology smoke runs them, against database $1, with
# files under the work folder $2; sets `port` and `base` (a free local port) and a fresh LOAD_PASSWORD.
production_settings() {
    local database=$1 work=$2
    port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    LOAD_PASSWORD="load-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
    SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
    export LOAD_PASSWORD SECRET_KEY
    export DJANGO_SETTINGS_MODULE=config.settings.production
    export ALLOWED_HOSTS=127.0.0.1,localhost
    export DATABASE_URL="$PG_URL/$database"
    export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
    export JUNHENG_VAR_DIR="$work/var" MEDIA_ROOT="$work/var/media"
    export LOG_LEVEL=WARNING
    mkdir -p "$MEDIA_ROOT" "$LOAD_OUT"
}

# gunicorn on $port with its access log in $1/access.log and its own log in $1/gunicorn.log; its id joins `pids`.
start_gunicorn() {
    "$ROOT/.venv/bin/gunicorn" config.wsgi:application --config deploy/gunicorn.conf.py \
        --bind "127.0.0.1:$port" --access-logfile "$1/access.log" >"$1/gunicorn.log" 2>&1 &
    pids+=($!)
}

machine() {
    echo "$(nproc) CPUs,$(uptime | sed 's/.*,  *load/ load/')"
}

# The median and p95 of each page from locust's CSV stats ($1), as a Markdown table.
stats_table() {
    "$PY" - "$1" <<'PYEOF'
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("\n| page | requests | failures | median ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|---:|")
for row in rows:
    name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} `{row['Name']}`"
    print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} "
          f"| {float(row['Max Response Time']):.0f} |")
PYEOF
}
