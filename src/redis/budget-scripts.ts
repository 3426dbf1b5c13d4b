// The budget ledger's Lua scripts (one script per call: admission cannot
// interleave with another replica's). Per key, period and unit:
//   KEYS[1] spent: the period's spend across replicas (a float string). Seeded
//           from, and never below, what a replica knows from the database.
//   KEYS[2] reservations: a sorted set, reservation id → lease expiry (Redis's clock).
//   KEYS[3] their amounts: a hash, id → amount, with their sum in the field _sum.
// Amounts go back as strings: Redis turns Lua numbers into integers.
import { luaScript } from './redis-client.js';

// Drops expired reservations (a dead replica's); defines now and reservedSum().
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(gone) do
  local amount = tonumber(redis.call('HGET', KEYS[3], id) or '0')
  redis.call('HINCRBYFLOAT', KEYS[3], '_sum', -amount)
  redis.call('HDEL', KEYS[3], id)
end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now) end
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[3]) end
local function reservedSum() return math.max(0, tonumber(redis.call('HGET', KEYS[3], '_sum') or '0')) end
`;

/**
 * ARGV: budget, known spent, amount, reservation id, lease ms, epsilon, spent ttl ms.
 * → {admitted (1/0), spent, reserved before this one}
 */
export const RESERVE = luaScript(`${PRELUDE}
local budget, known, amount = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local id, lease, epsilon, ttl = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local stored = redis.call('GET', KEYS[1])
local spent = tonumber(stored or '0')
if not stored or known > spent then
  redis.call('SET', KEYS[1], ARGV[2])
  spent = known
end
redis.call('PEXPIRE', KEYS[1], ttl)
local reserved = reservedSum()
if spent + reserved >= budget - epsilon or spent + reserved + amount > budget + epsilon then
  return {0, tostring(spent), tostring(reserved)}
end
-- Nothing to hold (an exhausted-budget check): admitted without a reservation to settle.
if amount == 0 then return {1, tostring(spent), tostring(reserved)} end
redis.call('ZADD', KEYS[2], now + lease, id)
redis.call('HSET', KEYS[3], id, ARGV[3])
redis.call('HINCRBYFLOAT', KEYS[3], '_sum', amount)
redis.call('PEXPIRE', KEYS[2], lease)
redis.call('PEXPIRE', KEYS[3], lease)
return {1, tostring(spent), tostring(reserved)}
`);

/**
 * Swaps a reservation for what was spent. ARGV: reservation id, spent, spent ttl ms.
 * Spend is added only to a live counter: a missing one is seeded again from the database.
 */
export const SETTLE = luaScript(`${PRELUDE}
local id, spent = ARGV[1], tonumber(ARGV[2])
local amount = redis.call('HGET', KEYS[3], id)
if amount then
  redis.call('HINCRBYFLOAT', KEYS[3], '_sum', -tonumber(amount))
  redis.call('HDEL', KEYS[3], id)
end
redis.call('ZREM', KEYS[2], id)
if spent > 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBYFLOAT', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return 1
`);

/** Extends a running request's reservation. ARGV: reservation id, lease ms. → 1 renewed, 0 gone. */
export const RENEW_RESERVATION = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[2], 'XX', now + lease, ARGV[1])
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('PEXPIRE', KEYS[2], lease)
  redis.call('PEXPIRE', KEYS[3], lease)
  return 1
end
return 0
`);
