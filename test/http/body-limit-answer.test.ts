// A body far over GATEWAY_BODY_LIMIT_BYTES is answered 413 before it is read; the client is still
// sending then. The official clients must read that 413 (and not retry), not a connection error
// (EPIPE / reset) from a connection closed under them: the gateway reads and drops the rest of the body
// before it lets the connection go (src/server/linger-unread-body.ts). Every surface's route, served
// before Fastify (chat, messages) or by Fastify (responses, embeddings, Gemini), on the built gateway
// in its own process as `npm start` runs it (in one process with the client the race does not show).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor } from '../helpers/gateway-process.js';

const ADMIN = 'gw-admin-body-limit-test-0123456789abcdef';
const BODY_LIMIT = 1024 * 1024;
/** 21 times the limit: the answer comes long before the client is done sending. */
const HUGE = 'x'.repeat(BODY_LIMIT * 21);
const ROUNDS = 3;

let child: ChildProcess | undefined;
let dataDir: string;
let upstream: FaultUpstream;
let base: string;
let secret: string;
let openai: OpenAI;

beforeAll(async () => {
  checkStartScript();
  upstream = await startFaultUpstream();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-body-limit-'));
  const port = await freePort();
  const started = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN, GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
    { nodeFlags: START_FLAGS },
  );
  child = started.child;
  await waitFor(() => started.output().includes('gateway listening'), 'the gateway to listen');
  base = `http://127.0.0.1:${port}`;
  const admin = adminCaller(base, ADMIN);
  await admin('ProvidersService/CreateProvider', { id: 'up', name: 'Upstream', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: 'ok-a' }] });
  secret = String((await admin('KeysService/CreateKey', { name: 'big-bodies' }))['secret']);
  openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: secret, maxRetries: 0 });
});
afterAll(() => {
  child?.kill('SIGKILL');
  upstream?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The status the client read, or what else it got instead. */
async function outcome(call: () => Promise<unknown>): Promise<number | string> {
  try {
    await call();
    return 'answered';
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

describe('a body over the limit', () => {
  it.each([
    ['chat.completions (OpenAI SDK)', () => openai.chat.completions.create({ model: 'up/ok-a', messages: [{ role: 'user', content: HUGE }] })],
    ['responses (OpenAI SDK)', () => openai.responses.create({ model: 'up/ok-a', input: HUGE })],
    ['embeddings (OpenAI SDK)', () => openai.embeddings.create({ model: 'up/ok-a', input: HUGE })],
    [
      'messages (Anthropic SDK)',
      () => new Anthropic({ baseURL: base, apiKey: secret, maxRetries: 0 }).messages.create({ model: 'up/ok-a', max_tokens: 16, messages: [{ role: 'user', content: HUGE }] }),
    ],
    [
      'generateContent (Gemini SDK)',
      () => new GoogleGenAI({ apiKey: secret, httpOptions: { baseUrl: base } }).models.generateContent({ model: 'up/ok-a', contents: HUGE }),
    ],
  ])('is answered 413 on %s, every time', async (_surface, call) => {
    const outcomes: Array<number | string> = [];
    for (let round = 0; round < ROUNDS; round += 1) outcomes.push(await outcome(call));
    expect(outcomes).toEqual(Array(ROUNDS).fill(413));
  });

  it('leaves the gateway serving the next request', async () => {
    expect(await outcome(() => openai.chat.completions.create({ model: 'up/ok-a', messages: [{ role: 'user', content: HUGE }] }))).toBe(413);
    const answer = await openai.chat.completions.create({ model: 'up/ok-a', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(answer.choices[0]?.message.content).toBe('served by a');
  });
});
