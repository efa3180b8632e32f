-- View beacons for wrk (bench/beacons.sh, bench/service.sh): `wrk … -s bench/views.lua URL --
-- ARTICLES READS` spreads the beacons over articles a1..aARTICLES (10,000 by default), each
-- reader (a visitor id of its own) reading READS articles in a row (5 by default, so the
-- co-reading behind `related` has something to count; 1 makes every beacon a new reader).
-- Requests are built from per-article heads made once in init(): wrk's own advice, as building
-- each request with wrk.format costs the load generator more than the service spends on a
-- beacon. Reader ids are fixed-width, so one Content-Length serves every request.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  n = 0
  articles = tonumber(args[1] or "10000")
  reads = tonumber(args[2] or "5")
  heads = {}
  local start = '{"visitor":"v-' .. tid .. '-'
  local sample = start .. 1000000000 .. '"}'
  for a = 1, articles do
    local whole = wrk.format("POST", "/v1/sites/demo/articles/a" .. a .. "/views", {
      ["Content-Type"] = "text/plain;charset=UTF-8",
      ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    }, sample)
    heads[a] = whole:sub(1, #whole - #sample) .. start
  end
end
function request()
  n = n + 1
  return heads[1 + (n * 7919) % articles] .. (1000000000 + math.floor(n / reads)) .. '"}'
end
