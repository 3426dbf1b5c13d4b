// A private redis-server that a test can stall: `DEBUG SLEEP` blocks Redis
// with every connection kept (a fork for BGSAVE, a failover, a network blip
// look like this to a client), and what was sent meanwhile runs when it wakes,
// before anything sent after. Redis 7 accepts DEBUG only when enabled at start.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { connectRedis, luaScript, type RedisConnection } from '../../src/redis/redis-client.js';
import { freePort } from '../helpers/gateway-process.js';

export interface StallableRedis {
  url: string;
  /** Puts Redis to sleep for `seconds`; resolves once it is asleep, with a promise of its waking. */
  stall(seconds: number): Promise<{ woke: Promise<void> }>;
  /** What the limiter and the budget ledger hold under `prefix`, read by a script of their own. */
  holdings(prefix: string): Promise<Holdings>;
  stop(): Promise<void>;
}

export interface Holdings {
  /** Concurrency leases (keys' and upstream quotas'). */
  slots: number;
  /** Requests in the requests-per-minute windows. */
  requests: number;
  /** Tokens in the tokens-per-minute windows. */
  tokens: number;
  /** Budget reservations. */
  reservations: number;
}

const HOLDINGS = luaScript(`
local slots, requests, tokens, reservations = 0, 0, 0, 0
for _, key in ipairs(redis.call('KEYS', ARGV[1] .. '*')) do
  if string.sub(key, -5) == ':conc' then slots = slots + redis.call('ZCARD', key)
  elseif string.sub(key, -4) == ':req' then requests = requests + redis.call('ZCARD', key)
  elseif string.sub(key, -5) == ':tokn' then tokens = tokens + tonumber(redis.call('HGET', key, '_sum') or '0')
  elseif string.sub(key, -5) == ':held' then reservations = reservations + redis.call('ZCARD', key)
  end
end
return {slots, requests, tokens, reservations}
`);

export async function startStallableRedis(): Promise<StallableRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'],
    { stdio: 'ignore' },
  );
  const inspector: RedisConnection = connectRedis(url, () => {}, 5_000);
  const deadline = Date.now() + 10_000;
  while (!(await inspector.ready(200))) if (Date.now() > deadline) throw new Error('redis-server did not start');

  // Its own connection, ready before any stall (a new one could not finish its handshake with Redis asleep).
  const probe: RedisConnection = connectRedis(url, () => {}, 50);
  if (!(await probe.ready(5_000))) throw new Error('redis-server did not answer');
  /** True once a trivial script goes unanswered for 50 ms: Redis is asleep. */
  const asleep = () =>
    probe.run(luaScript('return 1'), [], []).then(
      () => false,
      () => true,
    );

  return {
    url,
    async stall(seconds) {
      const socket = net.connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const argument = String(seconds);
      socket.write(`*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$${argument.length}\r\n${argument}\r\n`);
      const woke = once(socket, 'data').then(() => void socket.destroy());
      const until = Date.now() + 10_000;
      while (!(await asleep())) if (Date.now() > until) throw new Error('redis-server never went to sleep');
      return { woke };
    },
    async holdings(prefix) {
      const [slots, requests, tokens, reservations] = (await inspector.run(HOLDINGS, [], [prefix])) as number[];
      return { slots: slots!, requests: requests!, tokens: tokens!, reservations: reservations! };
    },
    async stop() {
      await inspector.close();
      await probe.close();
      const exited = once(server, 'exit');
      server.kill('SIGKILL');
      await exited;
    },
  };
}
