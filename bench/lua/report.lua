-- Prints wrk's results as one machine-readable line (latencies in microseconds):
--   BENCH requests=<n> seconds=<s> rps=<r> p50=<us> p99=<us> errors=<n> non2xx=<n>
-- Used alone (-s report.lua) for GETs, and by create.lua for POSTs.
function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f p50=%d p99=%d errors=%d non2xx=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
