#!/bin/sh
# Answers one HTTP request on stdin/stdout; `nc -ll -e` runs it once per connection.
# GET /health -> 200 {"status":"ok","pod":"<hostname>"}, or 500 while the pod is failing;
# GET /fail makes /health fail from then on, GET /recover makes it answer 200 again (so tests
# and the README can show a liveness restart and a readiness flip); GET /whoami -> 200 with the
# pod's name whatever /health says; anything else -> 404.
CR=$(printf '\r')
FAILING=/tmp/health-failing

# A client that connects and sends nothing must not hold this process forever.
read -r -t 10 method path _ || exit 0
# Drain the request headers (up to the empty line): closing a socket with unread input
# makes the kernel send a reset, which can destroy the response before the client reads it.
while read -r -t 10 line; do
  case "$line" in "" | "$CR") break ;; esac
done

reply() {  # status, body
  printf 'HTTP/1.0 %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s\n' \
    "$1" "$((${#2} + 1))" "$2"
}

case "$method ${path%%\?*}" in
  "GET /health")
    if [ -e "$FAILING" ]; then
      reply "500 Internal Server Error" "{\"status\":\"failing\",\"pod\":\"$(hostname)\"}"
    else
      reply "200 OK" "{\"status\":\"ok\",\"pod\":\"$(hostname)\"}"
    fi ;;
  "GET /whoami") reply "200 OK" "{\"pod\":\"$(hostname)\"}" ;;
  "GET /fail") : > "$FAILING"; reply "200 OK" "{\"status\":\"failing\",\"pod\":\"$(hostname)\"}" ;;
  "GET /recover") rm -f "$FAILING"; reply "200 OK" "{\"status\":\"ok\",\"pod\":\"$(hostname)\"}" ;;
  *) reply "404 Not Found" "{\"status\":\"not found\",\"path\":\"$path\"}" ;;
esac
