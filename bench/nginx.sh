# Sourced by the bench scripts (after bench/common.sh): the nginx peer target they share.
#
#   start_nginx WORK PORT [RETURN_PORT]
#                           serves WORK/html/index.html (13 bytes) on 127.0.0.1:PORT with one worker and no
#                           access log; the pid file is WORK/nginx.pid (stop_nginx WORK stops it). With RETURN_PORT,
#                           also answers every request on 127.0.0.1:RETURN_PORT with `return 200` and the same 13
#                           bytes from the configuration (no file system): the cheapest server, so that the
#                           client's own cost decides the rate.

start_nginx() {
  local work="$1" port="$2" return_port="${3:-}" return_server=""
  require_tools nginx
  mkdir -p "$work/html" "$work/nginx-tmp"
  printf 'hello, bench\n' > "$work/html/index.html"
  # nginx's workers run as another user: let them read the file.
  chmod 755 "$work" "$work/html"
  chmod 644 "$work/html/index.html"
  if [[ -n "$return_port" ]]; then
    return_server="server { listen 127.0.0.1:$return_port; location / { default_type text/plain; return 200 'hello, bench\\n'; } }"
  fi
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $work/html; }
  $return_server
}
CONF
  nginx -c "$work/nginx.conf"
}

stop_nginx() {
  local work="$1"
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
}
