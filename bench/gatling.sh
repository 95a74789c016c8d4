# Sourced by bench/generator-vs-wrk.sh: Gatling as a peer, from Maven Central.
#
#   prepare_gatling ROOT WORK   resolves Gatling (bench/gatling/pom.xml, through the Maven wrapper, into ~/.m2) and
#                               compiles bench/gatling/BenchSimulation.java; sets `gatling_cp` to the class path, or
#                               leaves it empty and sets `gatling_why` to the reason
#   gatling_command URL USERS SECONDS RESULTS
#                               runs the simulation (logging at WARN, no HTML report, results in RESULTS): prints
#                               Gatling's own summaries and a "Done:" line as bench/JettyLoop.java does

prepare_gatling() {
  local root="$1" work="$2"
  gatling_cp=""
  if ! (cd "$root" && ./mvnw -B -q -ntp -f bench/gatling/pom.xml dependency:build-classpath \
        -Dmdep.outputFile="$work/gatling.cp") > "$work/gatling-resolve.out" 2>&1; then
    gatling_why="Gatling could not be resolved from Maven Central (see $work/gatling-resolve.out)"
    return 1
  fi
  mkdir -p "$work/gatling-classes"
  if ! javac -nowarn -cp "$(cat "$work/gatling.cp")" -d "$work/gatling-classes" \
        "$root/bench/gatling/BenchSimulation.java" > "$work/gatling-compile.out" 2>&1; then
    gatling_why="the Gatling simulation did not compile (see $work/gatling-compile.out)"
    return 1
  fi
  gatling_cp="$work/gatling-classes:$(cat "$work/gatling.cp")"
}

gatling_command() {
  local url="$1" users="$2" seconds="$3" results="$4"
  # Gatling 3.13 reads String internals reflectively for its log writer.
  java --add-opens=java.base/java.lang=ALL-UNNAMED -Dlogback.configurationFile="$root/bench/gatling/logback.xml" \
    -Dbench.url="$url" -Dbench.users="$users" -Dbench.seconds="$seconds" -cp "$gatling_cp" \
    io.gatling.app.Gatling -s BenchSimulation -nr -rf "$results"
}
