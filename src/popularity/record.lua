-- The view counters' flush script (src/popularity/redis.rs): records one site's views.
-- KEYS[1]: the totals hash. ARGV: prefix, dedupe secs, bucket ttl, recent length, recent
-- ttl, co-read ttl, co-read cap, then per view: now, hour, visitor, article, n, n scopes.
-- Returns 1 (counted) or 0 (duplicate) per view.
local p = ARGV[1]
local dedupe = tonumber(ARGV[2])
local bucket_ttl = tonumber(ARGV[3])
local recent_len = tonumber(ARGV[4])
local recent_ttl = tonumber(ARGV[5])
local co_ttl = tonumber(ARGV[6])
local co_cap = tonumber(ARGV[7])
local out, buckets, cos = {}, {}, {}
local i = 8
while i <= #ARGV do
  local now = tonumber(ARGV[i])
  local hour, visitor, article = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local n = tonumber(ARGV[i + 4])
  local seen = p .. 'seen:' .. visitor .. ':' .. article
  local mark = string.format('%d', now + dedupe)
  -- One call for a new pair; a mark that exists is read, and replaced only when the app
  -- clock has passed it (which the key's own expiry does first outside tests).
  local fresh = redis.call('SET', seen, mark, 'NX', 'EX', dedupe)
  if not fresh and tonumber(redis.call('GET', seen) or '0') <= now then
    fresh = redis.call('SET', seen, mark, 'EX', dedupe)
  end
  if fresh then
    for j = 1, n do
      local k = p .. 'h:' .. ARGV[i + 4 + j] .. ':' .. hour
      redis.call('ZINCRBY', k, 1, article)
      buckets[k] = true
    end
    redis.call('HINCRBY', KEYS[1], article, 1)
    local recent = p .. 'recent:' .. visitor
    local again = false
    for _, other in ipairs(redis.call('LRANGE', recent, 0, -1)) do
      if other ~= article then
        local a, b = p .. 'co:' .. article, p .. 'co:' .. other
        redis.call('ZINCRBY', a, 1, other)
        redis.call('ZINCRBY', b, 1, article)
        cos[a] = true
        cos[b] = true
      else
        again = true
      end
    end
    if again then redis.call('LREM', recent, 0, article) end
    if redis.call('LPUSH', recent, article) > recent_len then
      redis.call('LTRIM', recent, 0, recent_len - 1)
    end
    redis.call('EXPIRE', recent, recent_ttl)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
  i = i + 5 + n
end
for k in pairs(buckets) do redis.call('EXPIRE', k, bucket_ttl) end
for k in pairs(cos) do
  redis.call('EXPIRE', k, co_ttl)
  local extra = redis.call('ZCARD', k) - co_cap
  if extra > 0 then redis.call('ZREMRANGEBYRANK', k, 0, extra - 1) end
end
return out
