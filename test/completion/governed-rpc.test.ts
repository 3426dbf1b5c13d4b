// The in-memory services run the server's pipeline (src/compose.ts), governance
// included: CompletionService over the router transport enforces a key's rate
// limit and writes request-log rows, as it does behind the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';
import { collectPages } from '../storage/fixtures.js';
import { registerFixtureProvider, startFixture } from './matrix-setup.js';

let services: InMemoryServices;
let completion: Client<typeof CompletionService>;
let keys: Client<typeof KeysService>;
let openai: FixtureUpstream;

const hello = { chat: { model: 'openai/plain-text', messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Say hello' } } }] }] } };
const withKey = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } });

beforeAll(async () => {
  services = await createInMemoryServices();
  completion = createClient(CompletionService, services.transport);
  keys = createClient(KeysService, services.transport);
  openai = await startFixture('openai');
  await registerFixtureProvider(services, openai);
});

afterAll(async () => {
  await openai?.close();
  await services?.close();
});

describe('the in-memory CompletionService is governed', () => {
  it("refuses a call over the key's rate limit", async () => {
    const { secret } = await keys.createKey({ name: 'limited', rateLimits: { requestsPerMinute: 1 } }, { headers: adminHeaders });
    await completion.complete(hello, withKey(secret));
    const refused = await completion.complete(hello, withKey(secret)).then(
      () => undefined,
      (error: unknown) => ConnectError.from(error),
    );
    expect(refused?.code).toBe(Code.ResourceExhausted);
  });

  it('writes one request-log row per call', async () => {
    const { key, secret } = await keys.createKey({ name: 'logged' }, { headers: adminHeaders });
    await completion.complete(hello, withKey(secret));
    // The row is recorded behind the answer (a process.nextTick); over this in-memory transport the answer
    // arrives before that tick has run, so the flush waits for the next turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    await services.requestLog.flush();
    const rows = await collectPages((cursor) => services.storage.requestLogs.list({ keyId: key!.id }, { limit: 50, cursor }));
    expect(rows.items).toHaveLength(1);
    expect(rows.items[0]).toMatchObject({ keyId: key!.id, surface: 'rpc', operation: 'chat' });
  });
});
