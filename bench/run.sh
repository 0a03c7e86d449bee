#!/usr/bin/env bash
# Zone lifecycle benchmark: raw runc (the floor) vs a whole Gantry zone vs docker run -d, plus the
# node's zone capacity. Needs root. Installs runc & co. and docker.io when missing, builds, runs,
# and writes the Markdown results to bench/results/. Arguments go to the harness (--help lists them).
# The Docker engine is the harness's own, started and stopped by it inside its own network namespace.
#   bench/run.sh overlay [...]    the overlay bench instead (OverlayBench: iperf3/ping across nodes vs one node)
#   bench/run.sh firewall [...]   the firewall bench instead (FirewallBench: 1,000 rules, change → enforced, throughput)
# Those two install iperf3 (Debian's) when missing; their network is namespaces of their own (OverlayLab).
#   bench/run.sh oci-import [...] the image import bench instead (OciImportBench: a generated 100 MiB 4-layer OCI image
#                                 through ImageStore vs tar -x of its layers)
#   bench/run.sh image-fetch [...] the image store bench instead (ImageFetchBench: a ~100 MiB image imported once, time
#                                 until a second node runs it, against tar -x of it plus a zone start on a node that has it)
#   bench/run.sh mdata [...]      the metadata bench instead (MdataBench: mdata-get inside a zone with 200 zones on the node)
#   bench/run.sh snapshot [...]   the snapshot bench instead (SnapshotBench: a zone's snapshot and rollback vs cp -a)
#   bench/run.sh provision [...]  the provisioning throughput bench instead (ProvisionBench: creates and deletes through the
#                                 cloud API, provisioner and ZooKeeper on 1,000 SIMULATED nodes, against the bare writes)
#   bench/run.sh liveness [...]   the liveness bench instead (LivenessBench: kill -9 / SIGSTOP of SIMULATED nodes' agents, 1 s
#                                 pauses under full CPU load, kill -9 of the leading provisioner; roles as separate processes)
#   bench/run.sh list [...]       the machine list bench instead (ListBench: GET /my/machines of 10,000 machines paged as the
#                                 triton CLI pages, against a plain JDBC floor and /--ping; no root needed for it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(id -u)" -ne 0 ]; then
  echo "bench/run.sh: real zones need root" >&2
  exit 1
fi
"$here/scripts/ensure-host-packages.sh"
# One harness of bench/ with its Markdown report in bench/results/<name>-<time>.md: run_harness NAME CLASS [ARGS...]
run_harness() {
  local name="$1" class="$2"
  shift 2
  (cd "$here" && ./mvnw -q -B -pl bench -am package -DskipTests)
  mkdir -p "$here/bench/results"
  exec java -cp "$here/bench/target/classes:$here/bench/target/lib/*" "$class" \
    --report "$here/bench/results/$name-$(date -u +%Y%m%dT%H%M%SZ).md" "$@"
}
case "${1:-}" in
  mdata) shift; run_harness mdata io.gantry.bench.mdata.MdataBench "$@" ;;
  oci-import) shift; run_harness oci-import io.gantry.bench.image.OciImportBench "$@" ;;
  snapshot) shift; run_harness snapshot io.gantry.bench.snapshot.SnapshotBench "$@" ;;
  provision) shift; run_harness provision io.gantry.bench.provision.ProvisionBench "$@" ;;
  list) shift; run_harness list io.gantry.bench.api.ListBench "$@" ;;
  liveness) shift; run_harness liveness io.gantry.bench.liveness.LivenessBench "$@" ;;
  image-fetch)
    shift
    (cd "$here" && ./mvnw -q -B -pl bench -am package -DskipTests)
    mkdir -p "$here/bench/results"
    report="$here/bench/results/image-fetch-$(date -u +%Y%m%dT%H%M%SZ).md"
    java -cp "$here/bench/target/classes:$here/bench/target/lib/*" io.gantry.bench.images.ImageFetchBench "$@" | tee "$report"
    exit "${PIPESTATUS[0]}"
    ;;
  overlay|firewall)
    bench="$1"; shift
    if ! command -v iperf3 >/dev/null 2>&1; then
      echo "bench/run.sh: installing iperf3..." >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >/tmp/gantry-bench-apt.log 2>&1 \
        || { apt-get update -q >>/tmp/gantry-bench-apt.log 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >>/tmp/gantry-bench-apt.log 2>&1; } \
        || { echo "bench/run.sh: iperf3 did not install (see /tmp/gantry-bench-apt.log)" >&2; exit 1; }
    fi
    class=io.gantry.bench.net.OverlayBench
    [ "$bench" = firewall ] && class=io.gantry.bench.net.FirewallBench
    run_harness "$bench" "$class" "$@"
    ;;
esac
if [ ! -x /usr/sbin/dockerd ] && [[ " $* " != *" --docker off "* ]]; then
  echo "bench/run.sh: installing docker.io (the engine is only started by the benchmark itself)..." >&2
  # Debian's package would start dockerd as a service; keep it from doing so where nothing forbids it yet.
  policy_made=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_made=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/tmp/gantry-bench-apt.log 2>&1 \
    || { apt-get update -q >>/tmp/gantry-bench-apt.log 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >>/tmp/gantry-bench-apt.log 2>&1; } \
    || echo "bench/run.sh: docker.io did not install (see /tmp/gantry-bench-apt.log); Docker will not be measured" >&2
  if [ -n "$policy_made" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
(cd "$here" && ./mvnw -q -B -DskipTests install)
mkdir -p "$here/bench/results"
report="$here/bench/results/zone-lifecycle-$(date -u +%Y%m%dT%H%M%SZ).md"
exec java -jar "$here/bench/target/gantry-bench.jar" --report "$report" "$@"
