#!/bin/sh
# Calls http://$HEALTH_SERVICE/health once a second, printing one timestamped line per call:
# the answer, or an error line when the call fails.
trap 'exit 0' TERM INT  # PID 1 ignores unhandled signals; end promptly on stop.
url="http://${HEALTH_SERVICE:?HEALTH_SERVICE must name the health service, e.g. health:5000}/health"
echo "ping: calling $url every second"
while true; do
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  # `timeout` rather than wget's own -T: busybox 1.35's wget crashes with -T when the
  # connection is refused.
  if answer=$(timeout 3 wget -q -O - "$url" 2>&1); then
    echo "$now $answer"
  else
    echo "$now error: $url failed: ${answer:-no answer}"
  fi
  sleep 1
done
