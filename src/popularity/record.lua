-- The view counters' flush script (src/popularity/redis.rs): records one site's views.
-- KEYS[1]: the totals hash. ARGV: prefix, dedupe secs, bucket ttl, recent length, reader
-- marks, reader ttl, co-read ttl, co-read cap; the number of articles, then per article: its
-- id, n, its n scopes; then per view: now (seconds), visitor, the article's number (from 1).
-- Returns 1 (counted) or 0 (duplicate) per view.
--
-- A view is three arguments, its article's id and scopes being sent once per batch: the
-- arguments are most of what Redis parses for this call.
-- Each view reads and writes its reader's key (the dedupe marks and the recent articles in
-- one string, see redis.rs); the counts are summed here and written once per (key, article)
-- at the end, so a batch's many views of the few articles everyone reads cost a handful of
-- ZINCRBY and HINCRBY, not one per view. The steps mirror `MemoryViews::read`.
local p = ARGV[1]
local dedupe = tonumber(ARGV[2])
local bucket_ttl = tonumber(ARGV[3])
local recent_len = tonumber(ARGV[4])
local reader_marks = tonumber(ARGV[5])
-- Kept as the string it came as: a Lua number passed to redis.call is formatted with printf.
local reader_ttl = ARGV[6]
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
-- The batch's articles: id, scopes, and their bucket key names by hour (built once per
-- article and hour rather than once per view).
local articles = {}
local i = 10
for a = 1, tonumber(ARGV[9]) do
  local n = tonumber(ARGV[i + 1])
  local scopes = {}
  for j = 1, n do scopes[j] = ARGV[i + 1 + j] end
  articles[a] = { id = ARGV[i], scopes = scopes, keys = {} }
  i = i + 2 + n
end
local function bucket_keys(a, hour)
  local keys = a.keys[hour]
  if not keys then
    keys = {}
    for j, scope in ipairs(a.scopes) do keys[j] = p .. 'h:' .. scope .. ':' .. hour end
    a.keys[hour] = keys
  end
  return keys
end
-- A batch's views share a few distinct seconds: their number, hour and dedupe deadline are
-- worked out once per second, not per view (number parsing and formatting showed up in
-- Redis's profile).
local now_s, now, hour, deadline
while i <= #ARGV do
  if ARGV[i] ~= now_s then
    now_s = ARGV[i]
    now = tonumber(now_s)
    -- Hours since the epoch, as `hour_of` counts them.
    hour = math.floor(now / 3600)
    deadline = tostring(now + dedupe)
  end
  local visitor = ARGV[i + 1]
  local a = articles[tonumber(ARGV[i + 2])]
  local article = a.id
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
    for _, k in ipairs(bucket_keys(a, hour)) do add(buckets, k, article) end
    totals[article] = (totals[article] or 0) + 1
    for _, other in ipairs(others) do
      add(cos, article, other)
      add(cos, other, article)
    end
    local line = deadline .. ' ' .. article
    if #kept > 0 then line = line .. '\n' .. table.concat(kept, '\n') end
    redis.call('SET', reader, line, 'EX', reader_ttl)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
  i = i + 3
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
