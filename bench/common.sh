# Sourced by the bench scripts: what they share.
#
#   bench_work NAME              makes the bench's work directory /tmp/loadstream-NAME.XXXXXX (in `work`); on exit
#                                the processes whose ids the bench added to `pids` are stopped, and nginx when the
#                                bench started it (bench/nginx.sh)
#   require_tools TOOL...        the peers a bench needs (wrk, hey, ab, nginx): installs the missing ones with
#                                apt-get when run as root on Debian/Ubuntu (BENCH_INSTALL=0 forbids it), else says
#                                what is missing and how to install it, and exits 1
#   build_distribution ROOT      builds the distribution when it is missing or stale (through the launcher, with
#                                `package`: nothing is installed into ~/.m2) and sets `lib` to its lib directory
#   start_broker ROOT PORT WORK  starts `loadstream broker` in its own JVM (added to `pids`); exits 1 with the
#                                broker's output when it is not listening within 120 s
#   await_line FILE TEXT SECONDS WHAT PID
#                                waits until FILE has a line containing TEXT; exits 1 with FILE's content when it
#                                does not appear within SECONDS or when process PID ends first
#   number VALUE [FORMAT]        prints VALUE with the printf FORMAT (default %.0f), or "not measured" when VALUE
#                                is not a number

bench_work() {
  work="$(mktemp -d "/tmp/loadstream-$1.XXXXXX")"
  pids=()
  trap stop_started EXIT
}

stop_started() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ "$(type -t stop_nginx)" == function ]]; then stop_nginx "$work"; fi
}

require_tools() {
  local missing=() packages=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 && continue
    missing+=("$tool")
    case "$tool" in
      ab) packages+=(apache2-utils) ;;
      *) packages+=("$tool") ;;
    esac
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ "$(id -u)" -eq 0 && "${BENCH_INSTALL:-1}" != 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${packages[*]} with apt-get (missing: ${missing[*]}) ..." >&2
    if apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2; then
      missing=()
      for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
      [[ ${#missing[@]} -eq 0 ]] && return 0
    fi
  fi
  echo "This bench needs ${missing[*]}, which is not installed. Install it (Debian/Ubuntu, as root):" >&2
  echo "  apt-get update && apt-get install -y ${packages[*]}" >&2
  exit 1
}

build_distribution() {
  local root="$1" version
  "$root/loadstream" --version >/dev/null
  version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1)"
  lib="$root/cli/target/loadstream-$version/lib"
  [[ -d "$lib" ]] || { echo "the distribution has no $lib" >&2; exit 1; }
}

start_broker() {
  local root="$1" port="$2" work="$3"
  "$root/loadstream" broker --port "$port" --dir "$work/broker" > "$work/broker.out" 2>&1 &
  pids+=($!)
  await_line "$work/broker.out" "listening on" 120 "The broker" "$!"
}

await_line() {
  local file="$1" text="$2" seconds="$3" what="$4" pid="$5" i
  for ((i = 0; i < seconds * 2; i++)); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  grep -q "$text" "$file" 2>/dev/null && return 0
  echo "$what did not start (no \"$text\" within $seconds s, or it exited). Its output ($file):" >&2
  cat "$file" >&2
  exit 1
}

number() {
  local value="$1" format="${2:-%.0f}"
  if [[ "$value" =~ ^-?([0-9]+([.][0-9]*)?|[.][0-9]+)$ ]]; then
    # shellcheck disable=SC2059
    LC_ALL=C printf "$format" "$value"
  else
    printf 'not measured'
  fi
}
