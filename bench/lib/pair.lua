-- wrk: fetch the two API bodies of a probe straight from nginx, alternately on each connection,
-- with the same Basic auth and Accept header the exporter sends. The pair rate is requests/s / 2.
local paths = {
  "/api/v0/meta/cluster_status",
  "/api/v0/jobs?action=any&worker=any&running=any&start=0&limit=100",
}
local n = 0
init = function(args)
  wrk.headers["Authorization"] = args[1]
  wrk.headers["Accept"] = "application/json"
end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % 2) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors=%d non2xx=%d seconds=%.3f\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6))
end
