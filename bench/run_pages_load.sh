#!/usr/bin/env bash
# Load test of the reading pages on the scale province (issue 8, item 9): gunicorn (production settings) +
# PostgreSQL, 20 readers pausing 1 s between pages (bench/locust_pages.py), the login page as the floor of the same
# run. The database is the one bench/bench_pages.py prepared (the generated province 980000, every county
# computed); this script only adds the readers' accounts. Prints the median and p95 of each page.
#
#   PAGES_DB=junheng_bench_pages LOAD_DURATION=60s bash bench/run_pages_load.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PAGES_DB="${PAGES_DB:-junheng_bench_pages}"
LOAD_DURATION="${LOAD_DURATION:-60s}"
LOAD_OUT="${LOAD_OUT:-$ROOT/var/load}"
WORK=$(mktemp -d /tmp/junheng-pages.XXXXXX)
pid=""

cleanup() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

if ! "$PY" -c "import locust" 2>/dev/null; then
    "$PY" -m pip install --quiet --disable-pip-version-check -e '.[bench]'
fi
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
LOAD_PASSWORD="load-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
export LOAD_PASSWORD
export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY ALLOWED_HOSTS=127.0.0.1,localhost DATABASE_URL="$PG_URL/$PAGES_DB"
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export JUNHENG_VAR_DIR="$WORK/var" MEDIA_ROOT="$WORK/var/media" LOG_LEVEL=WARNING CELERY_BROKER_URL=""
mkdir -p "$MEDIA_ROOT" "$LOAD_OUT"
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

"$ROOT/.venv/bin/gunicorn" config.wsgi:application --config deploy/gunicorn.conf.py --bind "127.0.0.1:$port" \
    --access-logfile "$WORK/access.log" >"$WORK/gunicorn.log" 2>&1 &
pid=$!
for _ in $(seq 60); do curl -fsS --max-time 5 -o /dev/null "$base/accounts/login/" && break; sleep 1; done

echo "--- locust: 20 readers, 1 s pause, $LOAD_DURATION (machine: $(nproc) CPUs,$(uptime | sed 's/.*,  *load/ load/')) ---"
rm -f "$LOAD_OUT"/pages_*.csv
rc=0
"$ROOT/.venv/bin/locust" -f bench/locust_pages.py --headless --host "$base" --users 20 --spawn-rate 10 \
    --run-time "$LOAD_DURATION" --stop-timeout 30 --only-summary --csv "$LOAD_OUT/pages" \
    --exit-code-on-error 1 --loglevel WARNING || rc=$?
"$PY" - "$LOAD_OUT/pages_stats.csv" <<'PYEOF'
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("\n| page | requests | failures | median ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|---:|")
for row in rows:
    name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} `{row['Name']}`"
    print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} "
          f"| {float(row['Max Response Time']):.0f} |")
PYEOF
echo "workers: WEB_CONCURRENCY=${WEB_CONCURRENCY:-default of deploy/gunicorn.conf.py}; machine after: $(uptime | sed 's/.*,  *load/ load/')"
if grep -E "Traceback|Internal Server Error" "$WORK/gunicorn.log"; then echo "errors in gunicorn's log" >&2; exit 1; fi
exit "$rc"
