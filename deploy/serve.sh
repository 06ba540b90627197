#!/usr/bin/env bash
# Serve the dashboard with N `streamlit run` processes behind Debian's nginx.
#
#   deploy/serve.sh [N=2] [PORT=8501]
#
# Starts N processes on 127.0.0.1:PORT+1 … PORT+N and nginx on PORT in front of them, all in the
# foreground; Ctrl-C (or SIGTERM) stops them all. Every process reads the newest published
# snapshot of the database (etl/store/snapshot.py), so any number can serve one database while
# `python -m etl load`, uploads and corrections write it.
#
# nginx sends each browser to one process for good (Streamlit keeps a session's state in one
# process, over one websocket): the first response sets a cookie `gk_route` with a random value
# and the upstream is chosen by `hash $gk_route consistent`. Websockets are proxied with the
# Upgrade headers; X-Forwarded-For is set, so no visitor counts as "this machine" for uploads.
# All processes share one cookie secret (Streamlit's server.cookieSecret, given through the
# environment, never on the command line): GONGKAI_COOKIE_SECRET, or one generated once and kept
# in the run folder.
#
# Environment: GONGKAI_DB, GONGKAI_ARCHIVE (the database, as for `streamlit run`),
# GONGKAI_RUN_DIR (nginx config, logs, pid files; default data/serve), GONGKAI_LISTEN (address
# nginx listens on, default 127.0.0.1; 0.0.0.0 for everyone), PYTHON (default .venv/bin/python),
# NGINX (default nginx), GONGKAI_DUCKDB_THREADS (DuckDB threads per process; default cores / N).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2}
PORT=${2:-8501}
RUN=${GONGKAI_RUN_DIR:-$PWD/data/serve}
PY=${PYTHON:-.venv/bin/python}
NGINX=${NGINX:-nginx}
LISTEN=${GONGKAI_LISTEN:-127.0.0.1}
mkdir -p "$RUN/tmp"
if [ -z "${GONGKAI_COOKIE_SECRET:-}" ]; then
  if [ ! -s "$RUN/cookie_secret" ]; then
    (umask 077; "$PY" -c 'import secrets; print(secrets.token_hex(32))' > "$RUN/cookie_secret")
  fi
  GONGKAI_COOKIE_SECRET=$(cat "$RUN/cookie_secret")
fi
export STREAMLIT_SERVER_COOKIE_SECRET="$GONGKAI_COOKIE_SECRET"
# DuckDB starts one query thread per core in every process: N processes share the cores instead
CORES=$(nproc 2>/dev/null || echo 1)
THREADS=$(( CORES / N )); [ "$THREADS" -ge 1 ] || THREADS=1
export GONGKAI_DUCKDB_THREADS=${GONGKAI_DUCKDB_THREADS:-$THREADS}

pids=()
stop() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

servers=""
for i in $(seq 1 "$N"); do
  port=$((PORT + i))
  "$PY" -m streamlit run dashboard.py --server.headless true --server.address 127.0.0.1 \
    --server.port "$port" --browser.gatherUsageStats false --server.fileWatcherType none \
    >"$RUN/streamlit-$i.log" 2>&1 &
  pids+=($!)
  servers+="    server 127.0.0.1:$port max_fails=0;"$'\n'
done

cat >"$RUN/nginx.conf" <<CONF
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/tmp/body;
  proxy_temp_path $RUN/tmp/proxy;
  fastcgi_temp_path $RUN/tmp/fastcgi;
  uwsgi_temp_path $RUN/tmp/uwsgi;
  scgi_temp_path $RUN/tmp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  # sticky sessions: a browser keeps the route it was given on its first request
  map \$cookie_gk_route \$gk_route { '' \$request_id; default \$cookie_gk_route; }
  upstream gongkai {
    hash \$gk_route consistent;
$servers  }
  server {
    listen $LISTEN:$PORT;
    client_max_body_size 200m;
    location / {
      proxy_pass http://gongkai;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 1d;
      proxy_send_timeout 1d;
      proxy_buffering off;
      add_header Set-Cookie "gk_route=\$gk_route; Path=/; HttpOnly; SameSite=Lax" always;
    }
  }
}
CONF
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf"
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo "gongkai: $N processes behind nginx on http://$LISTEN:$PORT/ (logs in $RUN)" >&2
wait -n "${pids[@]}"  # one of them ended: stop the others
