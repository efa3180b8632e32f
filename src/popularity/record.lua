-- The view counters' flush script (src/popularity/redis.rs): records one site's views.
-- KEYS[1]: the totals hash. ARGV: prefix, dedupe secs, bucket ttl, recent length, recent
-- ttl, co-read ttl, co-read cap, then per view: now, hour, visitor, article, n, n scopes.
-- Returns 1 (counted) or 0 (duplicate) per view.
--
-- Each view costs its own dedupe mark and reader list (they are per reader); the counts are
-- summed here and written once per (key, article) at the end, so a batch's many views of the
-- few articles everyone reads cost a handful of ZINCRBY and HINCRBY, not one per view.
local p = ARGV[1]
local dedupe = tonumber(ARGV[2])
local bucket_ttl = tonumber(ARGV[3])
local recent_len = tonumber(ARGV[4])
local recent_ttl = tonumber(ARGV[5])
local co_ttl = tonumber(ARGV[6])
local co_cap = tonumber(ARGV[7])
local out, buckets, cos, totals = {}, {}, {}, {}
-- sums[key][member] += 1
local function add(sums, key, member)
  local t = sums[key]
  if not t then
    t = {}
    sums[key] = t
  end
  t[member] = (t[member] or 0) + 1
end
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
      add(buckets, p .. 'h:' .. ARGV[i + 4 + j] .. ':' .. hour, article)
    end
    totals[article] = (totals[article] or 0) + 1
    -- Pushed first: a new reader's list has nothing to pair with, so it costs no read.
    local recent = p .. 'recent:' .. visitor
    local len = redis.call('LPUSH', recent, article)
    if len > 1 then
      local again = false
      for _, other in ipairs(redis.call('LRANGE', recent, 1, -1)) do
        if other ~= article then
          add(cos, p .. 'co:' .. article, other)
          add(cos, p .. 'co:' .. other, article)
        else
          again = true
        end
      end
      -- A re-read: the older copy is the one nearest the tail.
      if again then redis.call('LREM', recent, -1, article) end
      if len > recent_len then redis.call('LTRIM', recent, 0, recent_len - 1) end
    end
    redis.call('EXPIRE', recent, recent_ttl)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
  i = i + 5 + n
end
for k, members in pairs(buckets) do
  for member, count in pairs(members) do redis.call('ZINCRBY', k, count, member) end
  redis.call('EXPIRE', k, bucket_ttl)
end
for member, count in pairs(totals) do redis.call('HINCRBY', KEYS[1], member, count) end
for k, members in pairs(cos) do
  for member, count in pairs(members) do redis.call('ZINCRBY', k, count, member) end
  redis.call('EXPIRE', k, co_ttl)
  local extra = redis.call('ZCARD', k) - co_cap
  if extra > 0 then redis.call('ZREMRANGEBYRANK', k, 0, extra - 1) end
end
return out
