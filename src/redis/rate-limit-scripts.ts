// The rate limiter's Lua scripts: each call is one script, so the check and the
// take cannot interleave with another replica's. Same algorithm as the
// in-memory limiter (core/limits/in-memory-rate-limiter.ts), as sorted sets:
//   KEYS[1] requests: a sorted set, one member per request, scored by its time (exact log).
//   KEYS[2] tokens: a sorted set of buckets (granularity ms wide), scored by the newest time
//           counted in the bucket (so merging holds tokens longer than exact, never shorter);
//   KEYS[3] the buckets' amounts (a hash, with their sum in the field _sum).
//   KEYS[4] concurrency: a sorted set of leases, ticket id → expiry time.
// The clock is Redis's (TIME), one clock for every replica.
import { luaScript } from './redis-client.js';

// Prunes what left the window; defines now, win and state() → {reqUsed, reqReset, tokUsed, tokReset}.
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local win = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - win)
for _, bucket in ipairs(gone) do
  local amount = tonumber(redis.call('HGET', KEYS[3], bucket) or '0')
  redis.call('HINCRBY', KEYS[3], '_sum', -amount)
  redis.call('HDEL', KEYS[3], bucket)
end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - win) end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local function resetOf(key)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #newest == 0 then return 0 end
  return tonumber(newest[2]) + win - now
end
local function tokensUsed() return tonumber(redis.call('HGET', KEYS[3], '_sum') or '0') end
local function state()
  return {redis.call('ZCARD', KEYS[1]), resetOf(KEYS[1]), tokensUsed(), resetOf(KEYS[2])}
end
local function addTokens(amount, gran)
  local bucket = tostring(math.floor(now / gran))
  redis.call('ZADD', KEYS[2], 'GT', now, bucket)
  redis.call('HINCRBY', KEYS[3], bucket, amount)
  redis.call('HINCRBY', KEYS[3], '_sum', amount)
  redis.call('PEXPIRE', KEYS[2], win + gran)
  redis.call('PEXPIRE', KEYS[3], win + gran)
  return bucket
end
`;

/**
 * ARGV: window, rpm, tpm, concurrency, estimate, ticket id, lease ms, token granularity, concurrency wait ms,
 * deadline (Redis's clock, 0 = none: past it the caller has stopped waiting, so nothing is taken).
 * → {refused (0 none, 1 concurrency, 2 requests, 3 tokens, 4 past the deadline), wait ms,
 *    reqUsed, reqReset, tokUsed, tokReset, bucket, now}
 */
export const ACQUIRE = luaScript(`${PRELUDE}
local deadline = tonumber(ARGV[10])
if deadline > 0 and now > deadline then return {4, 0, 0, 0, 0, 0, '', now} end
local rpm, tpm, conc, est = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local id, lease, gran, concWait = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local refused, wait = 0, 0
if conc > 0 and redis.call('ZCARD', KEYS[4]) >= conc then refused, wait = 1, concWait end
if rpm > 0 then
  local excess = redis.call('ZCARD', KEYS[1]) + 1 - rpm
  if excess > 0 then
    local entry = redis.call('ZRANGE', KEYS[1], excess - 1, excess - 1, 'WITHSCORES')
    wait = math.max(wait, tonumber(entry[2]) + win - now)
    if refused == 0 then refused = 2 end
  end
end
if tpm > 0 then
  local excess = tokensUsed() + est - tpm
  if excess > 0 then
    local buckets = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
    local w = win
    for i = 1, #buckets, 2 do
      excess = excess - tonumber(redis.call('HGET', KEYS[3], buckets[i]) or '0')
      if excess <= 0 then w = tonumber(buckets[i + 1]) + win - now; break end
    end
    wait = math.max(wait, w)
    if refused == 0 then refused = 3 end
  end
end
local bucket = ''
if refused == 0 then
  if rpm > 0 then
    redis.call('ZADD', KEYS[1], now, id)
    redis.call('PEXPIRE', KEYS[1], win)
  end
  if tpm > 0 and est > 0 then bucket = addTokens(est, gran) end
  if conc > 0 then
    redis.call('ZADD', KEYS[4], now + lease, id)
    redis.call('PEXPIRE', KEYS[4], lease)
  end
end
local s = state()
return {refused, wait, s[1], s[2], s[3], s[4], bucket, now}
`);

/**
 * Undoes an ACQUIRE whose caller stopped waiting for it: its request, its estimated tokens (from the bucket
 * it answered, while that is in the window) and its slot. ARGV: ticket id, bucket ('' = none taken), estimate.
 */
export const GIVE_BACK = luaScript(`
local id, bucket, est = ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call('ZREM', KEYS[1], id)
redis.call('ZREM', KEYS[4], id)
if bucket ~= '' and est > 0 and redis.call('ZSCORE', KEYS[2], bucket) then
  local refund = math.min(est, tonumber(redis.call('HGET', KEYS[3], bucket) or '0'))
  redis.call('HINCRBY', KEYS[3], bucket, -refund)
  redis.call('HINCRBY', KEYS[3], '_sum', -refund)
end
return 1
`);

/**
 * Settle or release. ARGV: window, tpm, ticket id, bucket ('' = none taken), estimate, actual, granularity.
 * A bucket still in the window is corrected in place (never below 0); once gone, only more is counted, now.
 */
export const FINISH = luaScript(`${PRELUDE}
local tpm, id, bucket, est, actual, gran = tonumber(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('ZREM', KEYS[4], id)
if tpm > 0 then
  if bucket ~= '' then
    local delta = actual - est
    if redis.call('ZSCORE', KEYS[2], bucket) then
      local amount = tonumber(redis.call('HGET', KEYS[3], bucket) or '0')
      local nextAmount = math.max(0, amount + delta)
      redis.call('HSET', KEYS[3], bucket, nextAmount)
      redis.call('HINCRBY', KEYS[3], '_sum', nextAmount - amount)
    elseif delta > 0 then
      addTokens(delta, gran)
    end
  elseif actual > 0 then
    addTokens(actual, gran)
  end
end
return state()
`);

/** ARGV: window. → {reqUsed, reqReset, tokUsed, tokReset} */
export const PEEK = luaScript(`${PRELUDE}
return state()
`);

/** Extends a running request's lease. ARGV: window, ticket id, lease ms. → 1 renewed, 0 the lease was gone. */
export const RENEW = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZADD', KEYS[4], 'XX', now + lease, ARGV[2])
if redis.call('ZSCORE', KEYS[4], ARGV[2]) then
  redis.call('PEXPIRE', KEYS[4], lease)
  return 1
end
return 0
`);
