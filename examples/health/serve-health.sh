#!/bin/sh
# Answers one HTTP request on stdin/stdout; `nc -ll -e` runs it once per connection.
# GET /health -> 200 {"status":"ok","pod":"<hostname>"}; anything else -> 404.
CR=$(printf '\r')

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

if [ "$method" = GET ] && [ "${path%%\?*}" = /health ]; then
  reply "200 OK" "{\"status\":\"ok\",\"pod\":\"$(hostname)\"}"
else
  reply "404 Not Found" "{\"status\":\"not found\",\"path\":\"$path\"}"
fi
