#!/usr/bin/env bash
# One node against several: for each node count, starts a fresh redis-server (on a free port), a
# fresh PostgreSQL database (127.0.0.1:5432, user postgres, trust auth) and that many Parley nodes
# in cluster mode as processes on this machine, runs `parley loadgen --servers` against them and
# prints one comparison table: deliveries/s, latency, CPU per delivery of each node, Redis CPU and
# traffic, each node's traffic with Redis. Everything it started is stopped on exit (also Ctrl-C).
#
#   scripts/cluster-bench.sh                      # original profile: 500 clients, 10 rooms, 10 msg/s, 30 s warmup + 60 s
#   scripts/cluster-bench.sh --find-max           # per node count, raise the rate x1.5 per step until a step fails
#   scripts/cluster-bench.sh --nodes "1 2 3" --split rooms --clients 200 --duration 10s --warmup 5s
#
# Options (defaults in brackets):
#   --nodes "LIST"        node counts to compare, each a separate cluster ["1 2"]
#   --standalone          also run one node without Redis (same PostgreSQL): the single-node baseline
#   --split S             members | rooms | round-robin: how clients are spread over the nodes [members:
#                         each room's members on every node, so every message crosses nodes: the worst case]
#   --clients N [500]  --rooms N [10]  --rps R [10]  --duration D [60s]  --warmup D [30s]
#   --payload-mix MIX     [the loadgen's default, the original's 64:80,256:18,1024-2048:2]
#   --find-max            ramp instead of one run: steps from --rps, x1.5 each, until loss, errors, a
#                         disconnect or p99 above --p99-limit-ms; each step a loadgen run on the same nodes
#   --p99-limit-ms MS [10]  --step-warmup D [5s]  --step-duration D [12s]  --max-steps N [8]
#   --jar PATH            [target/parley.jar]
#   --server-jvm-args "A" JVM options for each node, e.g. "-Xmx1g -XX:+UseZGC"
#   --server-args "A"     extra `parley server` flags for each node (after the script's own)
#   --loadgen-args "A"    extra `parley loadgen` flags, e.g. "--threads 1"
#   --out DIR             keeps the JSON reports and node logs here [a new directory under /tmp]
#
# On one machine the nodes, Redis, PostgreSQL and the load generator share the same cores: the
# figures show the cost per delivery of each part, not what separate machines would reach.
set -euo pipefail

NODES="1 2"
STANDALONE=0
SPLIT=members
CLIENTS=500
ROOMS=10
RPS=10
DURATION=60s
WARMUP=30s
MIX=""
FIND_MAX=0
P99_LIMIT_MS=10
STEP_WARMUP=5s
STEP_DURATION=12s
MAX_STEPS=8
JAR=target/parley.jar
SERVER_JVM_ARGS=""
SERVER_ARGS=""
LOADGEN_ARGS=""
OUT=""

die() {
    echo "cluster-bench: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --nodes) NODES=$2; shift 2 ;;
        --standalone) STANDALONE=1; shift ;;
        --split) SPLIT=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --rooms) ROOMS=$2; shift 2 ;;
        --rps) RPS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --payload-mix) MIX=$2; shift 2 ;;
        --find-max) FIND_MAX=1; shift ;;
        --p99-limit-ms) P99_LIMIT_MS=$2; shift 2 ;;
        --step-warmup) STEP_WARMUP=$2; shift 2 ;;
        --step-duration) STEP_DURATION=$2; shift 2 ;;
        --max-steps) MAX_STEPS=$2; shift 2 ;;
        --jar) JAR=$2; shift 2 ;;
        --server-jvm-args) SERVER_JVM_ARGS=$2; shift 2 ;;
        --server-args) SERVER_ARGS=$2; shift 2 ;;
        --loadgen-args) LOADGEN_ARGS=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

for tool in java redis-server redis-cli psql curl jq python3 ss; do
    command -v "$tool" >/dev/null 2>&1 || die "needs $tool on the PATH"
done
[ -f "$JAR" ] || die "no $JAR: build it first (mvn -q package -DskipTests)"
case "$SPLIT" in members|rooms|round-robin) ;; *) die "--split must be members, rooms or round-robin" ;; esac
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
OUT=${OUT:-$(mktemp -d /tmp/parley-cluster-bench-XXXXXX)}
mkdir -p "$OUT"
PG="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
$PG -c 'SELECT 1' >/dev/null 2>&1 || die "PostgreSQL does not answer on 127.0.0.1:5432 (scripts/ensure-postgres.sh starts it)"

# what this script started, so the exit trap stops exactly that
NODE_PIDS=()
REDIS_PORT=""
DB=""

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stop_nodes() {
    local pid
    for pid in "${NODE_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${NODE_PIDS[@]}"; do
        # the server's drain (5 s by default) then exit; a node that hangs is killed
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    NODE_PIDS=()
}

stop_redis() {
    if [ -n "$REDIS_PORT" ]; then
        redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        REDIS_PORT=""
    fi
}

drop_db() {
    if [ -n "$DB" ]; then
        $PG -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
        DB=""
    fi
}

cleanup() {
    stop_nodes
    stop_redis
    drop_db
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_redis() {
    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --logfile "$1/redis.log" --pidfile "$1/redis.pid" >/dev/null
    for _ in $(seq 1 50); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "redis-server did not answer on port $REDIS_PORT (see $1/redis.log)"
}

# start_nodes DIR COUNT CLUSTER(0|1): fills SERVERS, ADMINS, PIDS (comma-separated)
start_nodes() {
    local dir=$1 count=$2 cluster=$3 i port admin
    SERVERS=""
    ADMINS=""
    PIDS=""
    for i in $(seq 1 "$count"); do
        port=$(free_port)
        admin=$(free_port)
        local args=(server --host 127.0.0.1 --port "$port" --ws-port -1 --admin-port "$admin"
            --data-dir "$dir/n$i" --db-url "jdbc:postgresql://127.0.0.1:5432/$DB" --db-user postgres
            --rate-limit 0 --password-iterations 1000 --logins-in-flight-per-address 0
            --registrations-per-address-per-hour 0 --room-max-members 1000
            # the loadgen connects every client first and then logs them in a few at a time: a
            # cluster login (account row, presence claim in Redis) on a busy box can take longer
            # than the default 10 s after connecting; setup is not measured
            --login-timeout 120s)
        if [ "$cluster" = 1 ]; then
            args+=(--cluster-redis "redis://127.0.0.1:$REDIS_PORT" --node-id "n$i")
        fi
        # shellcheck disable=SC2086 # the JVM and server argument strings are split on purpose
        java $SERVER_JVM_ARGS -jar "$JAR" "${args[@]}" $SERVER_ARGS >"$dir/n$i.log" 2>&1 &
        NODE_PIDS+=("$!")
        SERVERS="$SERVERS${SERVERS:+,}127.0.0.1:$port"
        ADMINS="$ADMINS${ADMINS:+,}http://127.0.0.1:$admin"
        PIDS="$PIDS${PIDS:+,}$!"
    done
    local url pid
    i=0
    for url in ${ADMINS//,/ }; do
        pid=${NODE_PIDS[$i]}
        i=$((i + 1))
        for _ in $(seq 1 900); do
            curl -fs -o /dev/null "$url/health/ready" && continue 2
            kill -0 "$pid" 2>/dev/null || die "node $i exited at start; see $dir/n$i.log"
            sleep 0.1
        done
        die "node $i not ready within 90 s; see $dir/n$i.log"
    done
}

# run_loadgen REPORT RPS WARMUP DURATION: exit code of the loadgen (0 clean, 1 loss/errors, 2 setup)
run_loadgen() {
    local report=$1 rps=$2 warmup=$3 duration=$4 redis_args=()
    [ -n "$REDIS_PORT" ] && redis_args=(--redis-uri "redis://127.0.0.1:$REDIS_PORT")
    local mix_args=()
    [ -n "$MIX" ] && mix_args=(--payload-mix "$MIX")
    # shellcheck disable=SC2086
    java -jar "$JAR" loadgen --servers "$SERVERS" --node-split "$SPLIT" --admin-urls "$ADMINS" \
        --node-pids "$PIDS" "${redis_args[@]}" --clients "$CLIENTS" --rooms "$ROOMS" --rps "$rps" \
        "${mix_args[@]}" --warmup "$warmup" --duration "$duration" --report "$report" $LOADGEN_ARGS \
        >"${report%.json}.out" 2>"${report%.json}.err" && return 0 || return $?
}

# one configuration: label, node count, cluster flag; appends report paths to REPORTS
REPORTS=()
run_config() {
    local label=$1 count=$2 cluster=$3
    local dir="$OUT/$label"
    mkdir -p "$dir"
    DB="parley_clbench_$(date +%s)_$$_${count}"
    $PG -c "CREATE DATABASE $DB" >/dev/null
    if [ "$cluster" = 1 ]; then
        start_redis "$dir"
    fi
    start_nodes "$dir" "$count" "$cluster"
    echo "== $label: nodes $SERVERS (pids $PIDS)${REDIS_PORT:+, redis 127.0.0.1:$REDIS_PORT}, database $DB, split $SPLIT"
    if [ "$FIND_MAX" = 0 ]; then
        local report="$dir/run.json" code=0
        run_loadgen "$report" "$RPS" "$WARMUP" "$DURATION" || code=$?
        [ -f "$report" ] || { cat "${report%.json}.out" "${report%.json}.err" >&2; die "$label: the loadgen wrote no report (exit $code)"; }
        sed -n '/== loadgen summary/,$p' "${report%.json}.out"
        REPORTS+=("$label|$report")
    else
        local rps=$RPS step best="" code
        for step in $(seq 1 "$MAX_STEPS"); do
            local report="$dir/step$step.json"
            code=0
            # the first step also warms the nodes' JIT up
            run_loadgen "$report" "$rps" "$([ "$step" = 1 ] && echo "$WARMUP" || echo "$STEP_WARMUP")" "$STEP_DURATION" || code=$?
            if [ ! -f "$report" ]; then
                echo "  step $step @ $rps msg/s: no report (exit $code): $(tail -n 1 "${report%.json}.out")"
                break
            fi
            local p99 verdict
            p99=$(jq -r '.latency_us.p99 / 1000' "$report")
            verdict=$(jq -r --argjson limit "$P99_LIMIT_MS" --argjson code "$code" \
                'if $code != 0 then "FAIL: " + .verdict.reason elif .delivered == 0 then "FAIL: nothing delivered"
                 elif .latency_us.p99 / 1000 > $limit then "FAIL: p99 above \($limit) ms" else "ok" end' "$report")
            printf '  step %d @ %s msg/s: %s deliveries/s, p99 %.3f ms, lost %s: %s\n' "$step" "$rps" \
                "$(jq -r '.deliveries_per_sec | floor' "$report")" "$p99" "$(jq -r .lost "$report")" "$verdict"
            [ "$verdict" = ok ] || break
            best=$report
            rps=$(python3 -c "import math,sys; r=float(sys.argv[1])*1.5; p=10**(math.floor(math.log10(r))-1); print(f'{round(r/p)*p:g}')" "$rps")
        done
        if [ -n "$best" ]; then
            REPORTS+=("$label (find-max)|$best")
        else
            echo "  $label: no step passed"
        fi
    fi
    stop_nodes
    stop_redis
    drop_db
}

if [ "$STANDALONE" = 1 ]; then
    run_config "1-node-standalone" 1 0
fi
for n in $NODES; do
    run_config "$n-node-cluster" "$n" 1
done

echo
if [ "$FIND_MAX" = 1 ]; then
    echo "== comparison: best passing step of each (p99 limit $P99_LIMIT_MS ms), $CLIENTS clients, $ROOMS rooms, split $SPLIT =="
else
    echo "== comparison: $CLIENTS clients, $ROOMS rooms, $RPS msg/s each, $WARMUP warmup + $DURATION, split $SPLIT =="
fi
printf '%-30s %7s %13s %9s %9s %7s %7s  %-19s %-19s %9s %9s %17s  %s\n' "configuration" "msg/s" "deliveries/s" "p50 ms" "p99 ms" \
    "lost" "errors" "node cores" "node CPU-s/M" "nodes s/M" "redis cpu" "redis in/out MB/s" "node to/from redis MB/s"
for entry in "${REPORTS[@]}"; do
    label=${entry%%|*}
    report=${entry#*|}
    jq -r --arg name "$label" '
        def f(n; p): if n == null then "-" else (n * pow(10; p) | round / pow(10; p) | tostring) end;
        def mb(n): if n == null then "-" else f(n / 1e6; 2) end;
        [ $name, f(.rps; 2), (.deliveries_per_sec | floor | tostring), f(.latency_us.p50 / 1000; 3),
          f(.latency_us.p99 / 1000; 3), (.lost | tostring), (.errors | tostring),
          ([.cluster.nodes[]? | f(.cpu_cores; 2)] | join("/")),
          ([.cluster.nodes[]? | f(.cpu_seconds_per_million_deliveries; 2)] | join("/")),
          f(.cluster.nodes_cpu_seconds_per_million_deliveries; 2),
          f(.cluster.redis.cpu_cores; 3),
          (mb(.cluster.redis.net_input_per_sec) + "/" + mb(.cluster.redis.net_output_per_sec)),
          ([.cluster.nodes[]? | mb(.bytes_to_redis_per_sec) + "/" + mb(.bytes_from_redis_per_sec)] | join("  ")) ]
        | @tsv' "$report" | while IFS=$'\t' read -r l rps d p50 p99 lost errors cores spm all rcpu rio nio; do
        printf '%-30s %7s %13s %9s %9s %7s %7s  %-19s %-19s %9s %9s %17s  %s\n' "$l" "$rps" "$d" "$p50" "$p99" "$lost" "$errors" \
            "$cores" "$spm" "$all" "$rcpu" "$rio" "$nio"
    done
done
echo
echo "node cores, node CPU-s/M (CPU seconds per million deliveries that node wrote) and node to/from redis"
echo "are per node in --servers order; nodes s/M = all nodes' CPU per million deliveries the clients received;"
echo "redis cpu in cores. Reports, loadgen output and node logs: $OUT"
