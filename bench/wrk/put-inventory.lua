-- wrk script: PUT /inventory/{sku} over a fixed set of SKUs, each request with a fresh quantity.
-- Usage: wrk -t2 -c32 -d10s -s bench/wrk/put-inventory.lua http://127.0.0.1:18083
-- SKUS (env) sets how many distinct SKUs are written (default 1000), so rows rarely contend on a lock.
local skus = tonumber(os.getenv("SKUS") or "1000")
local prefix = os.getenv("SKU_PREFIX") or "BENCH"
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() + id)
end

request = function()
  local n = math.random(1, skus)
  local body = string.format('{"name":"Bench item %d","quantity":%d}', n, math.random(0, 100000))
  return wrk.format("PUT", "/inventory/" .. prefix .. "-" .. n, auth({ ["Content-Type"] = "application/json" }), body)
end

-- No response() hook: it would make wrk parse every response in Lua; wrk counts non-2xx by itself.
done = function(summary, latency, requests)
  io.write(string.format("non-2xx (wrk): %d\n", summary.errors.status))
  io.write(string.format("p50 %.2f ms  p90 %.2f ms  p99 %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
