#!/usr/bin/env bash
# Load test of the reading pages on the scale province (issue 8, item 9): gunicorn (production settings) +
# PostgreSQL, 20 readers pausing 1 s between pages (bench/locust_pages.py), the login page as the floor of the same
# run. The database is the one bench/bench_pages.py prepared (the generated province 980000, every county
# computed); this script only adds the readers' accounts. The readers sign in before the measured LOAD_DURATION
# starts (password hashing is not reading). Prints the median and p95 of each page.
#
#   PAGES_DB=junheng_bench_pages LOAD_DURATION=60s bash bench/run_pages_load.sh
#
# PAGES_CACHE=redis://127.0.0.1:6379/<db> keeps the pages' cache in Redis, as production does (REDIS_URL): the
# gunicorn workers share it, so a page is built once, not once per worker. That database is emptied first (the
# run starts as after a recompute). Without it each worker keeps its own cache in memory.
set -euo pipefail

# shellcheck source=bench/load_lib.sh
source "$(dirname "$0")/load_lib.sh"  # sets ROOT and PY, and works from the checkout
PAGES_DB="${PAGES_DB:-junheng_bench_pages}"
WORK=$(mktemp -d /tmp/junheng-pages.XXXXXX)

cleanup() {
    stop_processes
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

ensure_locust
production_settings "$PAGES_DB" "$WORK"
export CELERY_BROKER_URL=""
if [ -n "${PAGES_CACHE:-}" ]; then
    export REDIS_URL="$PAGES_CACHE"
    "$PY" manage.py shell -v 0 -c "from django.core.cache import cache; cache.clear()"
fi
"$PY" manage.py collectstatic --noinput -v 0

read -r LOAD_READERS LOAD_COUNTY LOAD_CITY LOAD_SCHOOLS <<<"$("$PY" manage.py shell -v 0 -c "
import os
from accounts.models import User
from core.models import Region
from schools.models import School
province = Region.objects.get(code='980000')
county = Region.objects.filter(parent__parent=province, level='county').order_by('code').first()
assert county is not None, 'run bench/bench_pages.py first: it generates and computes the province'
people = [(f'pages-official-{n:02d}', 'official', province) for n in range(1, 11)]
people += [(f'pages-clerk-{n:02d}', 'clerk', county) for n in range(1, 11)]
for username, role, region in people:
    user, _ = User.objects.update_or_create(username=username, defaults={'role': role, 'region': region})
    user.set_password(os.environ['LOAD_PASSWORD'])
    user.save()
schools = list(School.objects.filter(county=county).order_by('code').values_list('code', flat=True)[:40])
print(','.join(p[0] for p in people), county.code, county.parent.code, ','.join(schools))
" | tail -n 1)"
export LOAD_READERS LOAD_COUNTY LOAD_CITY LOAD_SCHOOLS

start_gunicorn "$WORK"
for _ in $(seq 60); do curl -fsS --max-time 5 -o /dev/null "$base/accounts/login/" && break; sleep 1; done

echo "--- locust: 20 readers signed in, then $LOAD_DURATION measured, 1 s pause (machine: $(machine)) ---"
rm -f "$LOAD_OUT"/pages_*.csv
rc=0
# no --run-time: the locustfile signs everyone in, resets the statistics and ends the run LOAD_DURATION later
LOAD_SERVER_PID="${pids[0]}" LOAD_DURATION="$LOAD_DURATION" "$ROOT/.venv/bin/locust" -f bench/locust_pages.py --headless --host "$base" \
    --users 20 --spawn-rate 10 --stop-timeout 30 --only-summary --csv "$LOAD_OUT/pages" \
    --exit-code-on-error 1 --loglevel WARNING || rc=$?
stats_table "$LOAD_OUT/pages_stats.csv"
echo "workers: WEB_CONCURRENCY=${WEB_CONCURRENCY:-default of deploy/gunicorn.conf.py}; cache: ${PAGES_CACHE:-per-worker memory}; machine after: $(machine)"
if grep -E "Traceback|Internal Server Error" "$WORK/gunicorn.log"; then echo "errors in gunicorn's log" >&2; exit 1; fi
exit "$rc"
