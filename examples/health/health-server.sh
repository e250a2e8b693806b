#!/bin/sh
# Serves HTTP on port 5000: nc forks serve-health.sh for every connection ("-ll" keeps it
# listening). This shell stays PID 1 only to end cleanly on SIGTERM: PID 1 ignores signals
# it has no handler for, so without the trap every stop would wait out the grace period.
PORT="${PORT:-5000}"
# A container started again after a failed liveness probe starts healthy, as a new one would.
rm -f /tmp/health-failing
nc -ll -p "$PORT" -e /app/serve-health.sh &
server=$!
trap 'kill "$server"; exit 0' TERM INT
echo "health: listening on port $PORT as pod $(hostname)"
wait "$server"
