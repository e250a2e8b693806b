-- POSTs pods with metadata.generateName, so every request creates a new pod.
-- The namespace comes from the URL; wrk's thread setup gives each thread its own counter.
-- Also reports like report.lua.
local body = '{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"create-","labels":{"bench":"create"}},' ..
  '"spec":{"terminationGracePeriodSeconds":0,"containers":[{"name":"c","image":"localhost/orkest-bench:latest"}]}}'

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f p50=%d p99=%d errors=%d non2xx=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
