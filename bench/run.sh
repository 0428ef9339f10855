#!/usr/bin/env bash
# Builds the gateway jar (and the harness in the test classes), then runs every benchmark and prints the table.
# Options go to org.igdm.gateway.bench.Benchmark: --quick for a smoke check, --messages=N, --warmup=N,
# --concurrency=N, --file-rows=N, --stub-delay-ms=N, --jfr. See docs/benchmarks.md.
# `bench/run.sh store [--store-sends=N] [--store-callers=N] [--store-url=...]` measures the idempotency store
# alone instead: CPU per send and its size after a million sends.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -B -q package -DskipTests
# the shaded jar brings every library the harness needs (GraphForm, the Artemis client); the stub needs only the JDK
main=org.igdm.gateway.bench.Benchmark
if [ "${1:-}" = store ]; then
  main=org.igdm.gateway.bench.StoreBenchmark
  shift
fi
exec "$JAVA_HOME/bin/java" -Xmx512m -cp target/test-classes:target/ig-dm-gateway.jar "$main" "$@"
