-- wrk: probe an exporter and count answers that lack the success line (a probe that failed).
-- args: [accept header] [accept-encoding header] [success line, default "dtr_up 1"];
-- a gzip answer is not inspected.
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
down = 0
local success = "\ndtr_up 1"
init = function(args)
  if args[3] and args[3] ~= "" then success = "\n" .. args[3] end
  if args[1] and args[1] ~= "" then wrk.headers["Accept"] = args[1] end
  if args[2] and args[2] ~= "" then wrk.headers["Accept-Encoding"] = args[2] end
end
response = function(status, headers, body)
  if status == 200 and headers["Content-Encoding"] == nil and not string.find(body, success, 1, true) then
    down = down + 1
  end
end
done = function(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("down")
  end
  io.write(string.format("BENCH requests=%d errors=%d non2xx=%d down=%d seconds=%.3f p50ms=%.2f p99ms=%.2f\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, failed, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
