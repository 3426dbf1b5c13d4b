// A stream's usage on the Anthropic surface: message_start carries the input
// side when the upstream told it before the output (Anthropic's own
// message_start, Gemini's first event), as Anthropic's streams do and clients
// read it there; an OpenAI-family upstream counts the input only at the end,
// so there message_start says 0 and message_delta carries it. message_delta and
// the SDK's finalMessage() keep the totals, counted once in the request log and
// the metrics. Read through @anthropic-ai/sdk and as raw SSE.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderFamily } from '../../fixtures/scenarios.js';
import { parseExposition } from '../../metrics/exposition.js';
import { keyRows, startShimHarness, type ShimHarness } from '../shim-harness.js';
import { anthropicRequestFor } from './anthropic-requests.js';

let harness: ShimHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

type InputSide = Pick<Anthropic.Usage, 'input_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens'>;
const inputSide = (usage: InputSide): InputSide => ({
  input_tokens: usage.input_tokens,
  cache_creation_input_tokens: usage.cache_creation_input_tokens,
  cache_read_input_tokens: usage.cache_read_input_tokens,
});

// The scenarios' usage (test/fixtures/scenarios.ts) in Anthropic's accounting: input_tokens excludes the cache.
const CACHED = { input_tokens: 300, cache_creation_input_tokens: 200, cache_read_input_tokens: 1500 };
const PLAIN = { input_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
const UNKNOWN = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

const cases: Array<[ProviderFamily, string, InputSide, InputSide, number]> = [
  ['anthropic', 'usage-cached-reasoning', CACHED, CACHED, 300],
  ['gemini', 'plain-text', PLAIN, PLAIN, 4],
  ['openai', 'plain-text', UNKNOWN, PLAIN, 4],
];

describe('message_start usage', () => {
  it.each(cases)('%s upstream (%s): through the SDK', async (family, scenario, atStart, total, output) => {
    // The raw events (stream: true): the messages.stream() helper updates message_start's usage object in place.
    const stream = await client.messages.create({ ...anthropicRequestFor(scenario, family), stream: true });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const start = events.find((event) => event.type === 'message_start');
    expect(start?.type === 'message_start' && inputSide(start.message.usage)).toEqual(atStart);
    // message_delta carries the whole count, input side included, and finalMessage() merges it.
    const delta = events.find((event) => event.type === 'message_delta');
    expect(delta?.type === 'message_delta' && delta.usage).toMatchObject({ ...total, output_tokens: output });
    const final = await client.messages.stream(anthropicRequestFor(scenario, family)).finalMessage();
    expect(final.usage).toMatchObject({ ...total, output_tokens: output });
  });

  it('as raw SSE: the first event is message_start, with the Anthropic upstream’s input and cache counts', async () => {
    const response = await harness.post(
      '/v1/messages',
      { ...anthropicRequestFor('usage-cached-reasoning', 'anthropic'), stream: true },
      { 'x-api-key': harness.secret },
    );
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split('\n\n')
      .filter((frame) => frame.trim() !== '')
      .map((frame) => {
        const [name, data] = frame.split('\n');
        return { name: name?.replace(/^event: /, ''), data: JSON.parse(data?.replace(/^data: /, '') ?? 'null') as Record<string, unknown> };
      });
    expect(events[0]?.name).toBe('message_start');
    const message = events[0]?.data['message'] as { usage: Anthropic.Usage };
    expect(message.usage).toMatchObject({ ...CACHED, output_tokens: 0 });
    expect(events.filter((event) => event.name === 'message_start')).toHaveLength(1);
  });

  it('counts the tokens once: the request log and the metrics see the totals, not the input twice', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'stream-usage' })) as { secret: string; key: { id: string } };
    const keyed = new Anthropic({ baseURL: harness.gateway.url, apiKey: created.secret, maxRetries: 0 });
    const metricsBefore = await inputTokensMetric('anthropic');
    await keyed.messages.stream(anthropicRequestFor('usage-cached-reasoning', 'anthropic')).finalMessage();
    await harness.gateway.gateway.requestLog.flush();
    const [row] = await keyRows<{ inputTokens: number; cachedInputTokens?: number; outputTokens: number }>(harness, created.key.id, 1);
    expect(row).toMatchObject({ inputTokens: 2000, cachedInputTokens: 1500, outputTokens: 300 });
    expect((await inputTokensMetric('anthropic')) - metricsBefore).toBe(2000);
  });
});

describe('a stream cut short', () => {
  it('is charged for the input the upstream told at message_start (cache reads and writes at their prices), the output estimated', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'cut-stream' })) as { secret: string; key: { id: string } };
    const keyed = new Anthropic({ baseURL: harness.gateway.url, apiKey: created.secret, maxRetries: 0 });
    const controller = new AbortController();
    const stream = await keyed.messages.create(
      { model: 'anthropic/slow-stream', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Take your time' }] },
      { signal: controller.signal },
    );
    const cut = (async () => {
      for await (const event of stream) if (event.type === 'content_block_delta') controller.abort();
    })();
    await cut.catch(() => {});
    const [row] = await waitForRow(created.key.id);
    // The fixture's message_start: 5000 input tokens, 3000 read from the cache and 1000 written to it.
    expect(row).toMatchObject({ status: 'REQUEST_STATUS_CANCELED', inputTokens: 5000, cachedInputTokens: 3000, estimated: true });
  });
});

/** The key's one row, once it is written (a canceled request's row follows the cut). */
async function waitForRow(keyId: string) {
  for (let tries = 0; tries < 100; tries += 1) {
    await harness.gateway.gateway.requestLog.flush();
    const rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId } })) as { requests?: Array<Record<string, unknown>> }).requests ?? [];
    if (rows.length > 0) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the canceled request has no row');
}

async function inputTokensMetric(provider: string): Promise<number> {
  const answer = await fetch(`${harness.gateway.url}/metrics`, { headers: { authorization: `Bearer ${harness.gateway.adminToken}` } });
  return parseExposition(await answer.text()).sum('llm_gateway_tokens_total', { direction: 'input', provider, model: 'usage-cached-reasoning' });
}
