// A private redis-server that a test can stall: `DEBUG SLEEP` blocks Redis
// with every connection kept (a fork for BGSAVE, a failover, a network blip
// look like this to a client), and what was sent meanwhile runs when it wakes,
// before anything sent after. Redis 7 accepts DEBUG only when enabled at start.
// pause()/resume() (SIGSTOP/SIGCONT) hang it for as long as a test wants, and
// watchCommands() (MONITOR) lists what clients sent, so a test can count the
// commands a gateway attempted while Redis hung (they run when it resumes).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { connectRedis, luaScript, type RedisConnection } from '../../src/redis/redis-client.js';
import { freePort } from '../helpers/gateway-process.js';

export interface StallableRedis {
  url: string;
  /** Puts Redis to sleep for `seconds`; resolves once it is asleep, with a promise of its waking. */
  stall(seconds: number): Promise<{ woke: Promise<void> }>;
  /** What the limiter and the budget ledger hold under `prefix`, read by a script of their own. */
  holdings(prefix: string): Promise<Holdings>;
  /** Hangs Redis (SIGSTOP): connections stay open, nothing is answered until resume(). */
  pause(): void;
  resume(): void;
  /** Starts listing every command Redis runs (MONITOR), from now on. */
  watchCommands(): Promise<CommandWatch>;
  stop(): Promise<void>;
}

export interface CommandWatch {
  /**
   * The commands Redis ran since the watch began (name lower-cased, then the arguments), up to a marker sent
   * now: everything sent before this call has run by then (Redis runs one command at a time, in order).
   */
  ranSoFar(): Promise<string[][]>;
  close(): void;
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
    pause: () => void server.kill('SIGSTOP'),
    resume: () => void server.kill('SIGCONT'),
    async watchCommands() {
      const monitor = net.connect(port, '127.0.0.1');
      let text = '';
      monitor.setEncoding('utf8').on('data', (data: string) => (text += data));
      monitor.write('MONITOR\r\n');
      await until(() => text.startsWith('+OK\r\n'));
      const started = text.length;
      const commands = () =>
        text
          .slice(started)
          .split('\r\n')
          .filter((line) => line.startsWith('+'))
          .map((line) => [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match, index) => (index === 0 ? match[1]!.toLowerCase() : match[1]!)));
      return {
        async ranSoFar() {
          const marker = `marker-${randomUUID()}`;
          const socket = net.connect(port, '127.0.0.1');
          socket.write(`*2\r\n$4\r\nECHO\r\n$${marker.length}\r\n${marker}\r\n`);
          await until(() => text.includes(`"${marker}"`));
          socket.destroy();
          const seen = commands();
          return seen.slice(0, seen.findIndex((command) => command[1] === marker));
        },
        close: () => void monitor.destroy(),
      };
    },
    async stop() {
      server.kill('SIGCONT');
      await inspector.close();
      await probe.close();
      const exited = once(server, 'exit');
      server.kill('SIGKILL');
      await exited;
    },
  };
}

async function until(condition: () => boolean, boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`redis-server did not answer within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
