-- wrk script of bench/web: GET / with DEPTH requests pipelined per
-- connection (wrk ... -s wrk.lua -- DEPTH, default 1), and one line of
-- figures for bench/web/loadgen at the end.
--
-- With DEPTH 1 no request() is defined, so wrk sends its prebuilt request
-- without calling Lua per request.

function init(args)
   local depth = tonumber(args[1] or "1")
   if depth > 1 then
      local r = {}
      for i = 1, depth do
         r[i] = wrk.format("GET", "/")
      end
      local req = table.concat(r)
      request = function()
         return req
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("WRK requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.status + e.timeout))
end
