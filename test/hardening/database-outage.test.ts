// A database outage under load (issue 16 item 2): the gateway's own MariaDB is
// stopped (SIGTERM: clients then get ECONNREFUSED, as in the report) while
// keys seen before keep sending completions, then started again on the same
// data directory and port. Keys seen before must keep working from their last
// known state (a key revoked before stays refused), a key never seen gets 503
// `unavailable` (never 401, never 500), and once the database is back every
// request has its row and every request's cost is in the key's budget spend —
// without a restart and without a further request from those keys.
//
// The report's outage lasted 60 s against the default 30 s key cache; here the
// key cache is re-read every 500 ms (GATEWAY_KEY_CACHE_TTL_MS) so a ~8 s outage
// runs through the same expiry and fallback paths many times over.
import { createClient, ConnectError, Code } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { waitFor } from '../helpers/gateway-process.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import {
  binarySearchDirectories,
  createFreshMysqlDatabase,
  findMariadbBinaries,
  startRestartableMariadb,
  type FreshMysqlDatabase,
  type RestartableMysqlServer,
} from '../setup/mariadb.js';

const OUTAGE_MS = 8_000;
const CONCURRENCY = 4;
const SEEN_KEYS = 3;
const ADMIN_TOKEN = 'outage-admin-token-0123456789abcdef';
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const binaries = findMariadbBinaries(binarySearchDirectories());

interface Key {
  id: string;
  secret: string;
}

/** What one request got: its HTTP status (Connect: its code as a status), and its body. */
interface Answer {
  status: number;
  body: string;
}

describe.skipIf(binaries === null)('a database outage under load', () => {
  let server: RestartableMysqlServer;
  let database: FreshMysqlDatabase;
  let upstream: OpenAIFixture;
  let started: StartedGateway;

  beforeAll(async () => {
    server = await startRestartableMariadb(binaries!);
    database = await createFreshMysqlDatabase(server.url);
    upstream = await startOpenAIFixture({ family: 'openai' });
    started = await startGateway({
      DATABASE_URL: database.url,
      GATEWAY_MASTER_KEY: MASTER_KEY,
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      GATEWAY_LOG_LEVEL: 'info',
      GATEWAY_KEY_CACHE_TTL_MS: '500',
      // Every request reaches the upstream and is charged (no response-cache hits).
      GATEWAY_CACHE_MAX_BYTES: '0',
    });
  });

  afterAll(async () => {
    await server?.resume().catch(() => {});
    await started?.close();
    await upstream?.close();
    await server?.stop();
  });

  const admin = async (method: string, body: object): Promise<Record<string, unknown>> => {
    const response = await fetch(`${started.url}/llmgateway.v1.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${method}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const createKey = async (name: string): Promise<Key> => {
    const created = await admin('KeysService/CreateKey', {
      name,
      budget: { amount: 1_000_000, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_TOTAL' },
    });
    return { id: String((created['key'] as { id: string }).id), secret: String(created['secret']) };
  };

  const chatBody = (stream: boolean) =>
    JSON.stringify({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Say hello' }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) });
  const rest = async (secret: string, stream = false): Promise<Answer> => {
    const response = await fetch(`${started.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: chatBody(stream),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, body: await response.text() };
  };
  const rpc = async (secret: string): Promise<Answer> => {
    const client = createClient(CompletionService, createConnectTransport({ baseUrl: started.url, httpVersion: '1.1' }));
    try {
      await client.complete(
        { chat: { model: 'openai/plain-text', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Say hello' } } }] }] } },
        { headers: { authorization: `Bearer ${secret}` }, timeoutMs: 20_000 },
      );
      return { status: 200, body: '' };
    } catch (error) {
      const connect = ConnectError.from(error);
      return { status: 1000 + connect.code, body: connect.rawMessage };
    }
  };
  /** One request of the mix the load sends: REST unary, REST streamed, Connect unary. */
  const anyRequest = (secret: string, turn: number): Promise<Answer> => [() => rest(secret), () => rest(secret, true), () => rpc(secret)][turn % 3]!();

  const query = async <Row>(statement: string): Promise<Row[]> => {
    const connection = await mysql.createConnection(database.url);
    try {
      const [rows] = await connection.query(statement);
      return rows as Row[];
    } finally {
      await connection.end();
    }
  };

  it('keys seen before keep working, unseen keys get 503, and every row and every cent arrive once it is back', { timeout: 120_000 }, async () => {
    await admin('ProvidersService/CreateProvider', {
      id: 'openai',
      name: 'Fixture openai',
      type: 'PROVIDER_TYPE_OPENAI',
      baseUrl: upstream.baseUrl,
      apiKey: upstream.apiKey,
      models: [{ upstreamModel: 'plain-text', prices: { inputPerMillion: 1000, outputPerMillion: 3000 } }],
    });
    const seen = await Promise.all(Array.from({ length: SEEN_KEYS }, (_, index) => createKey(`seen-${index}`)));
    const revoked = await createKey('revoked-before');
    const unseen = await createKey('never-used');
    await admin('KeysService/RevokeKey', { id: revoked.id });

    // Before: every seen key answers on every surface (and is now cached); the revoked one is refused.
    let authenticated = 0;
    for (const key of seen) {
      for (let turn = 0; turn < 3; turn += 1) {
        expect(await anyRequest(key.secret, turn)).toMatchObject({ status: 200 });
        authenticated += 1;
      }
    }
    expect((await rest(revoked.secret)).status).toBe(403);

    // The outage: load from the seen keys, and now and then the revoked and the unseen key.
    await server.halt();
    const readyDuring = await fetch(`${started.url}/readyz`);
    expect(readyDuring.status).toBe(503);
    const failures: Array<{ key: string; answer: Answer }> = [];
    const revokedAnswers: Answer[] = [];
    const unseenAnswers: Answer[] = [];
    let duringOutage = 0;
    const outageEnds = Date.now() + OUTAGE_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        for (let turn = worker; Date.now() < outageEnds; turn += 1) {
          const key = seen[turn % seen.length]!;
          const answer = await anyRequest(key.secret, turn);
          duringOutage += 1;
          if (answer.status !== 200) failures.push({ key: key.id, answer });
          if (turn % 10 === 0) revokedAnswers.push(await anyRequest(revoked.secret, turn));
          if (turn % 10 === 5) unseenAnswers.push(await anyRequest(unseen.secret, turn));
        }
      }),
    );
    authenticated += duringOutage;

    expect(failures.slice(0, 3)).toEqual([]);
    expect(duringOutage).toBeGreaterThan(0);
    expect(revokedAnswers.length).toBeGreaterThan(0);
    expect(unseenAnswers.length).toBeGreaterThan(0);
    // The revoked key stays refused as it was: 403 on REST, permission_denied on Connect.
    for (const answer of revokedAnswers) expect([403, 1000 + Code.PermissionDenied]).toContain(answer.status);
    // The unseen key cannot be checked: 503 in the surface's own error body, Connect unavailable.
    for (const answer of unseenAnswers) {
      expect([503, 1000 + Code.Unavailable], answer.body).toContain(answer.status);
      if (answer.status === 503) expect(JSON.parse(answer.body)).toMatchObject({ error: { type: 'server_error', code: 'service_unavailable' } });
    }
    // Nothing was answered as an internal error, and nothing was logged as an unexpected one.
    expect(started.logLines.filter((line) => line.includes('unexpected error'))).toEqual([]);
    const rowsDuring = started.gateway.requestLog.stats();
    expect(rowsDuring.dropped).toBe(0);

    // Back: same data directory, same port; the gateway notices on its own.
    await server.resume();
    await waitFor(() => started.gateway.requestLog.stats().buffered === 0, 'the request-log buffer to drain', 40_000);
    expect((await fetch(`${started.url}/readyz`)).status).toBe(200);
    // A key never used before works too (no restart needed).
    const later = await createKey('after-the-outage');
    expect((await rest(later.secret)).status).toBe(200);
    authenticated += 1;
    await started.gateway.requestLog.flush();

    // One row per request that passed authentication; refusals at authentication (the revoked and the
    // unseen key) have none, with or without a database (README: "Database outages").
    const rows = Number((await query<{ rows: number }>('select count(*) as `rows` from request_logs'))[0]?.rows);
    expect({ rows, dropped: started.gateway.requestLog.stats().dropped }).toEqual({ rows: authenticated, dropped: 0 });

    // Spend committed during the outage reaches key_spend with no further request from those keys.
    const logged = async () =>
      query<{ key_id: string; cost: number; tokens: number }>(
        'select key_id, sum(cost_usd) as cost, sum(input_tokens + output_tokens) as tokens from request_logs group by key_id order by key_id',
      );
    const spent = async () => query<{ key_id: string; cost: number; tokens: number }>('select key_id, cost_usd as cost, tokens from key_spend order by key_id');
    const expected = (await logged()).map((row) => ({ key: row.key_id, tokens: Number(row.tokens), microUsd: Math.round(Number(row.cost) * 1e6) }));
    expect(expected.every((row) => row.microUsd > 0)).toBe(true);
    let actual: typeof expected = [];
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      actual = (await spent()).map((row) => ({ key: row.key_id, tokens: Number(row.tokens), microUsd: Math.round(Number(row.cost) * 1e6) }));
      if (JSON.stringify(actual) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(actual).toEqual(expected);

    console.info(
      `[database-outage] requests during the outage: ${duringOutage} from seen keys (${failures.length} failed), ` +
        `${revokedAnswers.length} revoked, ${unseenAnswers.length} unseen; rows during: ${rowsDuring.written} written, ` +
        `${rowsDuring.buffered} buffered; rows after: ${rows} of ${authenticated} authenticated requests`,
    );
  });
});
