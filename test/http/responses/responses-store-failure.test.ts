// When the database cannot keep a response, the client still gets its answer
// (the upstream call is done and paid for), told so in x-gateway-warnings and
// by `store: false` (in the final event of a stream), and the failure is logged; a streamed response is stored before
// response.completed, so a client that continues at once finds it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic']);
});
afterAll(async () => harness?.close());

describe('storing responses', () => {
  it('a streamed response can be continued the moment response.completed arrives', async () => {
    for (let turn = 0; turn < 5; turn += 1) {
      const stream = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Say hello', stream: true });
      let id = '';
      for await (const event of stream) {
        if (event.type === 'response.completed') {
          id = event.response.id;
          break;
        }
      }
      const next = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Again', previous_response_id: id, store: false });
      expect(next.previous_response_id).toBe(id);
    }
  });

  it('a response the database cannot keep is still answered, with a not_stored warning and a log line', async () => {
    await sql`drop table stored_responses`.execute(harness.gateway.gateway.storage.database.db);
    const { data, response } = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Say hello' }).withResponse();
    expect(data.output_text).toBe('Hello, world!');
    expect((data as unknown as { store: boolean }).store).toBe(false);
    const warnings = JSON.parse(response.headers.get('x-gateway-warnings') ?? '[]') as Array<{ code: string }>;
    expect(warnings.map((warning) => warning.code)).toContain('not_stored');
    expect(harness.gateway.logLines.some((line) => line.includes('storing a response failed') && line.includes(data.id))).toBe(true);

    // Streamed, the headers are gone before storing is tried: the final event says it.
    const stream = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Say hello', stream: true });
    const events: Array<{ type: string; sequence_number: number; response?: { id: string; store: boolean; output_text?: string } }> = [];
    for await (const event of stream) events.push(event as (typeof events)[number]);
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect(completed.response?.store).toBe(false);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    expect(harness.gateway.logLines.some((line) => line.includes('storing a response failed') && line.includes(completed.response!.id))).toBe(true);
  });
});
