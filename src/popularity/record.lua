-- The view counters' flush script (src/popularity/redis.rs): records one site's views.
-- KEYS[1]: the totals hash. ARGV: prefix, dedupe secs, bucket ttl, recent length, reader
-- marks, reader ttl, co-read ttl, co-read cap, then per view: now, hour, visitor, article,
-- n, n scopes. Returns 1 (counted) or 0 (duplicate) per view.
--
-- Each view reads and writes its reader's key (the dedupe marks and the recent articles in
-- one string, see redis.rs); the counts are summed here and written once per (key, article)
-- at the end, so a batch's many views of the few articles everyone reads cost a handful of
-- ZINCRBY and HINCRBY, not one per view. The steps mirror `MemoryViews::read`.
local p = ARGV[1]
local dedupe = tonumber(ARGV[2])
local bucket_ttl = tonumber(ARGV[3])
local recent_len = tonumber(ARGV[4])
local reader_marks = tonumber(ARGV[5])
local reader_ttl = tonumber(ARGV[6])
local co_ttl = tonumber(ARGV[7])
local co_cap = tonumber(ARGV[8])
-- sums[key][member] += 1
local out, buckets, cos, totals = {}, {}, {}, {}
local function add(sums, key, member)
  local t = sums[key]
  if not t then
    t = {}
    sums[key] = t
  end
  t[member] = (t[member] or 0) + 1
end
-- Bucket key names, built once per hour and scope rather than once per view.
local bucket_keys = {}
local function bucket_key(scope, hour)
  local by_scope = bucket_keys[hour]
  if not by_scope then
    by_scope = {}
    bucket_keys[hour] = by_scope
  end
  local k = by_scope[scope]
  if not k then
    k = p .. 'h:' .. scope .. ':' .. hour
    by_scope[scope] = k
  end
  return k
end
local i = 9
while i <= #ARGV do
  local now = tonumber(ARGV[i])
  local hour, visitor, article = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local n = tonumber(ARGV[i + 4])
  local reader = p .. 'reader:' .. visitor
  local lines = redis.call('GET', reader)
  local fresh, others, kept = true, {}, {}
  if lines then
    local position = 0
    for until_s, other in string.gmatch(lines, '(%d+) ([^\n]+)') do
      position = position + 1
      if other == article then
        if tonumber(until_s) > now then
          fresh = false
          break
        end
      elseif position <= recent_len then
        others[#others + 1] = other
        kept[#kept + 1] = until_s .. ' ' .. other
      elseif #kept < reader_marks - 1 and tonumber(until_s) > now then
        kept[#kept + 1] = until_s .. ' ' .. other
      end
    end
  end
  if fresh then
    for j = 1, n do
      add(buckets, bucket_key(ARGV[i + 4 + j], hour), article)
    end
    totals[article] = (totals[article] or 0) + 1
    for _, other in ipairs(others) do
      add(cos, article, other)
      add(cos, other, article)
    end
    local line = string.format('%d', now + dedupe) .. ' ' .. article
    if #kept > 0 then line = line .. '\n' .. table.concat(kept, '\n') end
    redis.call('SET', reader, line, 'EX', reader_ttl)
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
for article, members in pairs(cos) do
  local k = p .. 'co:' .. article
  for member, count in pairs(members) do redis.call('ZINCRBY', k, count, member) end
  redis.call('EXPIRE', k, co_ttl)
  local extra = redis.call('ZCARD', k) - co_cap
  if extra > 0 then redis.call('ZREMRANGEBYRANK', k, 0, extra - 1) end
end
return out
