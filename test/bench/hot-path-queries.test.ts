// The hot path reads nothing from the database and writes nothing before it
// answers (docs/architecture.md, "Shared state": keys, providers and routes are cached in memory; request
// logs are written behind the request, in batches). Shown on a real gateway:
// every query its Kysely instance runs is counted, and — the strong form —
// held back: while the database is "frozen", N chat requests (JSON and SSE,
// through the OpenAI shim) must all complete. A request that awaited a read
// or a write would hang there. Then the queries attempted during those N
// requests are counted: reads may only be the odd background reload of a
// cache (bounded, not per request); writes may only be batched, not one per
// request. Log lines written during the requests are counted too: one per
// request, the gateway's own (README "Logs"), and no other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

interface CompiledQueryLike {
  sql: string;
  query: { kind: string };
}

interface ExecutorPrototype {
  executeQuery(this: unknown, compiledQuery: CompiledQueryLike, options?: unknown): Promise<unknown>;
}

/** Every query of the gateway's Kysely executor (and of its transactions, which share the prototype). */
interface QueryProbe {
  reads: string[];
  writes: string[];
  /** While true, every query waits (nothing reaches the database) until release(). */
  hold: boolean;
  held: number;
  release(): void;
  reset(): void;
  uninstall(): void;
}

function installQueryProbe(executor: object): QueryProbe {
  let owner: object | null = executor;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, 'executeQuery')) owner = Object.getPrototypeOf(owner) as object | null;
  if (!owner) throw new Error('Kysely executor has no executeQuery to observe');
  const prototype = owner as ExecutorPrototype;
  const original = prototype.executeQuery;
  let waiting: Array<() => void> = [];
  const probe: QueryProbe = {
    reads: [],
    writes: [],
    hold: false,
    held: 0,
    release() {
      probe.hold = false;
      for (const resume of waiting.splice(0)) resume();
    },
    reset() {
      probe.reads = [];
      probe.writes = [];
      probe.held = 0;
    },
    uninstall() {
      probe.release();
      prototype.executeQuery = original;
    },
  };
  prototype.executeQuery = async function observed(this: unknown, compiledQuery, options) {
    const isRead = compiledQuery.query.kind === 'SelectQueryNode' || /^\s*(select|with|pragma|show)\b/i.test(compiledQuery.sql);
    (isRead ? probe.reads : probe.writes).push(compiledQuery.sql);
    if (probe.hold) {
      probe.held += 1;
      await new Promise<void>((resume) => waiting.push(resume));
    }
    return original.call(this, compiledQuery, options);
  };
  return probe;
}

const BATCH = 60;
/** One background reload per cache (keys, providers, routes) may fall into the window; per request would be ≥ BATCH. */
const BACKGROUND_READS = 3;
/** Batched writers (request logs) flush a few times; one write per request would be ≥ BATCH. */
const BATCHED_WRITES = BATCH / 4;

describe('hot path: no database reads, no synchronous writes, one log line per request', () => {
  let upstream: FaultUpstream;
  let started: StartedGateway;
  let probe: QueryProbe;
  let secret: string;

  const admin = async (method: string, body: object) => {
    const response = await fetch(`${started.url}/llmgateway.v1.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${started.adminToken}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const chat = async (stream: boolean): Promise<string> => {
    const response = await fetch(`${started.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: 'hot', stream, messages: [{ role: 'user', content: 'Hello' }] }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`chat: ${response.status} ${text}`);
    return text;
  };

  /** `count` requests, 4 at a time, a third of them streamed; resolves when all have answered. */
  const requests = async (count: number) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const text = await chat(index % 3 === 0);
        expect(text).toContain('by hot');
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  };

  beforeAll(async () => {
    upstream = await startFaultUpstream();
    // The production default log level: what a per-request log line would cost in production.
    started = await startGateway({ GATEWAY_LOG_LEVEL: 'info' });
    await admin('ProvidersService/CreateProvider', {
      id: 'fault',
      name: 'Fault fixture',
      type: 'PROVIDER_TYPE_OPENAI',
      baseUrl: upstream.baseUrl,
      apiKey: upstream.apiKey,
      models: [{ upstreamModel: 'ok-hot' }],
    });
    await admin('RoutesService/CreateRoute', { name: 'hot', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'fault', upstreamModel: 'ok-hot' }] });
    secret = String((await admin('KeysService/CreateKey', { name: 'hot-path' }))['secret']);
    probe = installQueryProbe(started.gateway.storage.database.db.getExecutor());
  });

  afterAll(async () => {
    probe?.uninstall();
    await started?.close();
    await upstream?.close();
  });

  it('sees the first request load the caches (the probe observes the hot path’s repositories)', async () => {
    probe.reset();
    await chat(false);
    // The key by its hash, the providers and the routes: read once, then cached.
    expect(probe.reads.some((sql) => /virtual_keys/.test(sql))).toBe(true);
    expect(probe.reads.some((sql) => /providers/.test(sql))).toBe(true);
    expect(probe.reads.some((sql) => /routes/.test(sql))).toBe(true);
  });

  let logLinesDuringBatch: string[] = [];

  it(`answers ${BATCH} requests while every database query is held back, and attempts no query per request`, async () => {
    await requests(4); // let anything that loads lazily load
    await new Promise((resolve) => setTimeout(resolve, 200));
    probe.reset();
    probe.hold = true;
    const logLinesBefore = started.logLines.length;
    const settled = requests(BATCH).then(
      () => 'all answered',
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    // A liveness bound, not a timing: a request that awaits the database never answers while it is held.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      settled,
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`still waiting with ${probe.held} queries held: a request waits for the database`), 20_000);
      }),
    ]);
    clearTimeout(timer);
    logLinesDuringBatch = started.logLines.slice(logLinesBefore);
    const reads = [...probe.reads];
    const writes = [...probe.writes];
    probe.release();
    await settled;

    expect(outcome).toBe('all answered');
    expect(reads.length, `reads during ${BATCH} requests:\n${reads.join('\n')}`).toBeLessThanOrEqual(BACKGROUND_READS);
    expect(writes.length, `writes during ${BATCH} requests:\n${writes.join('\n')}`).toBeLessThanOrEqual(BATCHED_WRITES);
  });

  // At the production default level (info) each request gets its one structured line (core/request-log/
  // request-log-line.ts); Fastify's own per-request lines ("incoming request", its "request completed"
  // with a response time) stay off.
  it('writes one log line per request at the production default level (info), and no other', () => {
    const ours = logLinesDuringBatch.filter((line) => /"msg":"request completed"/.test(line) && /"requestId":/.test(line));
    const others = logLinesDuringBatch.filter((line) => !ours.includes(line));
    expect(ours.length).toBe(BATCH);
    expect(others.length, `other log lines during ${BATCH} requests, e.g.:\n${others.slice(0, 2).join('\n')}`).toBeLessThan(BATCH / 4);
  });
});
