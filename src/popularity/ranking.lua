-- A window's ranking (src/popularity/redis.rs): the union of its hourly buckets, most read
-- first. KEYS[1]: a scratch key, unique to the call; KEYS[2]: the settled union; then the
-- live buckets; then the settled ones. ARGV: the number of live buckets, the last rank
-- (depth - 1), the settled union's TTL in seconds.
--
-- The settled buckets (hours that no longer take views) are unioned once into KEYS[2],
-- which every later call of the hour, from every instance, reuses: a 7-day window then
-- unions three sets, not 169. ZUNIONSTORE with no member leaves no key, so an empty
-- settled part is unioned again on each call, which costs nothing.
local live = tonumber(ARGV[1])
local settled = {}
for k = 3 + live, #KEYS do settled[#settled + 1] = KEYS[k] end
if #settled > 0 and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('ZUNIONSTORE', KEYS[2], #settled, unpack(settled))
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
local sources = { KEYS[2] }
for k = 3, 2 + live do sources[#sources + 1] = KEYS[k] end
redis.call('ZUNIONSTORE', KEYS[1], #sources, unpack(sources))
local top = redis.call('ZRANGE', KEYS[1], 0, ARGV[2], 'REV', 'WITHSCORES')
-- Unlinked: its members are freed off Redis's main thread.
redis.call('UNLINK', KEYS[1])
return top
