#!/usr/bin/env bash
# Builds the gateway jar (and the harness in the test classes), then runs every benchmark and prints the table.
# Options go to org.igdm.gateway.bench.Benchmark: --quick for a smoke check, --messages=N, --warmup=N,
# --concurrency=N, --file-rows=N, --stub-delay-ms=N, --jfr. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -B -q package -DskipTests
# the shaded jar brings every library the harness needs (GraphForm, the Artemis client); the stub needs only the JDK
exec "$JAVA_HOME/bin/java" -Xmx512m -cp target/test-classes:target/ig-dm-gateway.jar org.igdm.gateway.bench.Benchmark "$@"
