#!/usr/bin/env bash
# Load test (docs/reliability.md): 20 readers and 2 importers for 60 s (bench/locustfile.py) against the production
# process layout on this machine — gunicorn + one Celery worker, production settings, PostgreSQL + Redis already
# running — with the demo city loaded. Writes locust's CSV stats (and an HTML report) under var/load/, prints the
# median and p95 of each page, and exits non-zero if any request failed or a process logged an error.
# Every process it starts is stopped on exit and its database dropped. CI runs it as a step of its own (.ci/run).
#
#   bash bench/run_load.sh                 # LOAD_DURATION=60s LOAD_USERS=22 (20 readers + 2 importers)
#
# Environment: PG_URL (postgres://postgres@127.0.0.1:5432), LOAD_DB (junheng_load), LOAD_BROKER
# (redis://127.0.0.1:6379/12), LOAD_DURATION, LOAD_OUT (var/load), WEB_CONCURRENCY (gunicorn workers).
set -euo pipefail

# shellcheck source=bench/load_lib.sh
source "$(dirname "$0")/load_lib.sh"  # sets ROOT and PY, and works from the checkout
LOAD_DB="${LOAD_DB:-junheng_load}"
LOAD_BROKER="${LOAD_BROKER:-redis://127.0.0.1:6379/12}"
WORK=$(mktemp -d /tmp/junheng-load.XXXXXX)

cleanup() {
    stop_processes
    psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $LOAD_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

fail() {
    echo "LOAD TEST FAILED: $*" >&2
    for log in "$WORK"/*.log; do
        [ -f "$log" ] || continue
        echo "----- $(basename "$log") (last 30 lines)" >&2
        tail -n 30 "$log" >&2
    done
    exit 1
}

wait_for() {
    local what=$1 tries=$2
    shift 2
    for _ in $(seq "$tries"); do
        if "$@" >/dev/null 2>&1; then
            echo "$what answers"
            return 0
        fi
        sleep 1
    done
    fail "$what did not answer after ${tries} tries"
}

[ -x "$PY" ] || fail "no .venv: run make install first"
ensure_locust
production_settings "$LOAD_DB" "$WORK"
rm -f "$LOAD_OUT"/load_*.csv "$LOAD_OUT"/load.html

echo "--- database $LOAD_DB: migrate, static files, the demo city (computed in-process), the load accounts ---"
psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $LOAD_DB WITH (FORCE)" >/dev/null
psql "$PG_URL/postgres" -qc "CREATE DATABASE $LOAD_DB" >/dev/null
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
CELERY_BROKER_URL="" "$PY" manage.py load_demo --url "$base/" >"$WORK/demo.log" 2>&1 || fail "load_demo"
grep -m1 "演示数据已生成" "$WORK/demo.log" || true
# 20 readers, each an account of its own as 20 people would be (API throttles count per account): 8 officials of
# the city and 4 clerks of each demo county; 2 importers, the clerks of two counties.
accounts=$(CELERY_BROKER_URL="" "$PY" manage.py shell -c "
import os

from accounts.models import User
from core.models import Region

city = Region.objects.get(code='371300')
counties = list(Region.objects.filter(parent=city, level='county').order_by('code'))
assert len(counties) >= 2, 'the demo counties are missing'
people = [(f'load-official-{n:02d}', 'official', city, 'reader') for n in range(1, 9)]
people += [(f'load-clerk-{c.code}-{n}', 'clerk', c, 'reader') for c in counties[:3] for n in range(1, 5)]
people += [(f'load-importer-{c.code}', 'clerk', c, 'importer') for c in counties[:2]]
for username, role, region, _ in people:
    user = User(username=username, role=role, region=region)
    user.set_password(os.environ['LOAD_PASSWORD'])
    user.save()
print(','.join(p[0] for p in people if p[3] == 'reader'), ','.join(p[0] for p in people if p[3] == 'importer'))
" | tail -n 1)
read -r LOAD_READERS LOAD_IMPORTERS <<<"$accounts"
export LOAD_READERS LOAD_IMPORTERS
echo "accounts: $(tr ',' '\n' <<<"$LOAD_READERS" | wc -l) readers, importers $LOAD_IMPORTERS"

echo "--- redis db $LOAD_BROKER flushed; gunicorn on $base, one celery worker ---"
redis-cli -u "$LOAD_BROKER" flushdb >/dev/null
export CELERY_BROKER_URL="$LOAD_BROKER"
start_gunicorn "$WORK"
"$ROOT/.venv/bin/celery" -A config worker --loglevel=WARNING --concurrency=1 --hostname "load-$$@%h" \
    >"$WORK/worker.log" 2>&1 &
pids+=($!)
wait_for gunicorn 60 curl -fsS --max-time 5 -o /dev/null "$base/accounts/login/"
wait_for "celery worker" 60 "$ROOT/.venv/bin/celery" -A config inspect ping -d "load-$$@$(hostname)" --timeout 2

echo "--- locust: 20 readers + 2 importers for $LOAD_DURATION (machine: $(machine)) ---"
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
rc=0
"$ROOT/.venv/bin/locust" -f bench/locustfile.py --headless --host "$base" --users 22 --spawn-rate 11 \
    --run-time "$LOAD_DURATION" --stop-timeout 30 --only-summary --csv "$LOAD_OUT/load" \
    --html "$LOAD_OUT/load.html" --exit-code-on-error 1 --loglevel WARNING || rc=$?

stats_table "$LOAD_OUT/load_stats.csv"
echo
echo "stats: $LOAD_OUT/load_stats.csv, failures: $LOAD_OUT/load_failures.csv, report: $LOAD_OUT/load.html"

# What the worker did meanwhile: the imports ask for (debounced) recomputes of their counties.
"$PY" manage.py shell -v 0 -c "
from indicators.models import CountyResult, RecomputeRun
runs = RecomputeRun.objects.filter(started_at__gte='$started_at')
print('recompute runs started during the load:', runs.count(), dict((s, runs.filter(status=s).count()) for s in set(runs.values_list('status', flat=True))))
print('county results recomputed during the load:', CountyResult.objects.filter(computed_at__gte='$started_at').count())
assert not runs.filter(status=RecomputeRun.Status.FAILED).exists(), 'a recompute run failed'
" || fail "a recompute run failed during the load"

for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || fail "process $pid died during the load"
done
if grep -E "Traceback|\] ERROR| ERROR |Internal Server Error" "$WORK/gunicorn.log" "$WORK/worker.log"; then
    fail "errors in the process logs"
fi
errors=$(awk '$(NF-2) ~ /^5[0-9][0-9]$/' "$WORK/access.log" | wc -l)
echo "gunicorn access log: $(wc -l <"$WORK/access.log") requests, $errors answered 5xx"
[ "$errors" -eq 0 ] || fail "$errors requests answered 5xx"
[ "$rc" -eq 0 ] || fail "locust reported failures (exit $rc): see $LOAD_OUT/load_failures.csv"
echo "load test passed"
