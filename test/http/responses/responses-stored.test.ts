// Stored responses through the official openai client: previous_response_id
// continues a conversation across providers (Anthropic → Gemini → OpenAI-
// compatible), a tool loop continues by id alone, retrieve / delete /
// inputItems.list work for the key that created the response, and any other
// key gets the same 404 as for a missing id. `store: false` keeps nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ProviderFamily } from '../../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';

let harness: ShimHarness;
let otherKey: OpenAI;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'gemini', 'openai-compatible']);
  const other = String((await harness.admin('KeysService/CreateKey', { name: 'someone-else' }))['secret']);
  otherKey = harness.clientWith({ apiKey: other });
});
afterAll(async () => harness?.close());

const lastUpstream = (family: ProviderFamily) => {
  const recorded = harness.fixture(family).received.filter((request) => request.normalized).at(-1);
  if (!recorded?.normalized) throw new Error(`the ${family} upstream received no chat request`);
  return recorded.normalized;
};
/** `store` is in the wire object, not in this SDK version's Response type. */
const storeOf = (response: OpenAI.Responses.Response) => (response as unknown as { store: boolean }).store;
const turns = (family: ProviderFamily) => lastUpstream(family).messages.map((message) => [message.role, message.text]);

describe('previous_response_id', () => {
  it('continues a conversation on another provider each turn, without instructions carried over', async () => {
    const first = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Say hello', instructions: 'Be terse.' });
    expect(storeOf(first)).toBe(true);
    const second = await harness.client.responses.create({ model: 'gemini/multi-turn', input: 'What is my name?', previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    expect(turns('gemini')).toEqual([
      ['user', 'Say hello'],
      ['assistant', 'Hello, world!'],
      ['user', 'What is my name?'],
    ]);
    expect(lastUpstream('gemini').system).toBe('');
    await harness.client.responses.create({ model: 'openai-compatible/plain-text', input: [{ role: 'user', content: 'Thanks' }], previous_response_id: second.id });
    expect(turns('openai-compatible')).toEqual([
      ['user', 'Say hello'],
      ['assistant', 'Hello, world!'],
      ['user', 'What is my name?'],
      ['assistant', 'Your name is Ada.'],
      ['user', 'Thanks'],
    ]);
  });

  it.each(['anthropic', 'gemini'] as const)('a tool loop on %s continues by id: only the function_call_output is sent', async (family) => {
    const first = await harness.client.responses.create({
      model: `${family}/one-tool-call`,
      input: 'Weather in Paris?',
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }],
    });
    const call = first.output.find((item) => item.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
    const stream = harness.client.responses.stream({
      model: `${family}/tool-result-round-trip`,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '18C sunny' }],
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Paris is sunny; Rome unknown.');
    const upstream = lastUpstream(family);
    expect(upstream.messages.map((message) => message.role)).toEqual(['user', 'assistant', expect.stringMatching(/tool|user/)]);
    expect(upstream.messages.flatMap((message) => message.toolResults).map((result) => result.text)).toEqual(['18C sunny']);
    // A streamed response is stored too, and continues the same way.
    expect((await harness.client.responses.retrieve(final.id)).output_text).toBe('Paris is sunny; Rome unknown.');
  });

  it('an unknown or foreign previous_response_id is a 400 naming the parameter', async () => {
    const mine = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Say hello' });
    for (const [client, id] of [[harness.client, 'resp_missing'], [otherKey, mine.id]] as const) {
      const error = await client.responses.create({ model: 'anthropic/plain-text', input: 'x', previous_response_id: id }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({
        message: `Previous response with id '${id}' not found.`,
        type: 'invalid_request_error',
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      });
    }
  });

  it('continuing a turn whose earlier turn was deleted names the id sent and the one missing', async () => {
    const first = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'one' });
    const second = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'two', previous_response_id: first.id });
    await harness.client.responses.delete(first.id);
    const error = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'three', previous_response_id: second.id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({
      message: `Previous response with id '${second.id}' cannot be continued: an earlier response of its conversation ('${first.id}') was deleted or has expired; send the conversation's input instead.`,
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  });
});

describe('input token counts', () => {
  it('responses.inputTokens.count counts the input with the stored conversation before it', async () => {
    const alone = await harness.client.responses.inputTokens.count({ model: 'openai-compatible/plain-text', input: 'What is my name?' });
    expect(alone.object).toBe('response.input_tokens');
    expect(alone.input_tokens).toBeGreaterThan(0);
    const first = await harness.client.responses.create({ model: 'gemini/plain-text', input: 'My name is Ada and I like long conversations about engines.' });
    const continued = await harness.client.responses.inputTokens.count({ model: 'openai-compatible/plain-text', input: 'What is my name?', previous_response_id: first.id });
    expect(continued.input_tokens).toBeGreaterThan(alone.input_tokens);
    // The first count loads the gateway's tokenizer (tens of MB), slow on a busy machine.
  }, 30_000);
});

describe('retrieve, input items, delete', () => {
  it('returns the stored response and its input items (paged), then deletes it', async () => {
    const created = await harness.client.responses.create({
      model: 'anthropic/plain-text',
      input: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'input_text', text: 'two' }] },
        { role: 'user', content: 'three' },
      ],
      metadata: { ticket: 'T-9' },
    });
    const retrieved = await harness.client.responses.retrieve(created.id);
    expect(retrieved).toMatchObject({ id: created.id, status: 'completed', metadata: { ticket: 'T-9' }, output_text: 'Hello, world!' });
    expect(retrieved.output).toEqual(created.output);

    const firstPage = await harness.client.responses.inputItems.list(created.id, { limit: 2, order: 'asc' });
    expect(firstPage.data.map((item) => (item as OpenAI.Responses.ResponseInputMessageItem).content[0])).toEqual([
      { type: 'input_text', text: 'one' },
      { type: 'input_text', text: 'two' },
    ]);
    expect(firstPage.has_more).toBe(true);
    const all: string[] = [];
    for await (const item of harness.client.responses.inputItems.list(created.id, { limit: 1 })) {
      all.push(((item as OpenAI.Responses.ResponseInputMessageItem).content[0] as { text: string }).text);
    }
    expect(all).toEqual(['three', 'two', 'one']);

    expect(await harness.client.responses.delete(created.id)).toEqual({ id: created.id, object: 'response.deleted', deleted: true });
    const gone = await harness.client.responses.retrieve(created.id).catch((caught: unknown) => caught);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("deletes as OpenAI's API reference does: Content-Type: application/json and no body", async () => {
    for (const extra of [{}, { 'content-length': '0' }] as Array<Record<string, string>>) {
      const created = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'one' });
      const response = await fetch(`${harness.gateway.url}/v1/responses/${created.id}`, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.secret}`, ...extra },
      });
      expect(await response.json()).toEqual({ id: created.id, object: 'response.deleted', deleted: true });
      expect(response.status).toBe(200);
    }
  });

  it('another key gets 404 for retrieve, input items and delete, and the response stays', async () => {
    const created = await harness.client.responses.create({ model: 'gemini/plain-text', input: 'Say hello' });
    for (const attempt of [
      () => otherKey.responses.retrieve(created.id),
      () => otherKey.responses.inputItems.list(created.id),
      () => otherKey.responses.delete(created.id),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ message: `Response with id '${created.id}' not found.`, type: 'invalid_request_error' });
    }
    expect((await harness.client.responses.retrieve(created.id)).id).toBe(created.id);
  });

  it('store: false keeps nothing', async () => {
    const created = await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Say hello', store: false });
    expect(storeOf(created)).toBe(false);
    await expect(harness.client.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('reasoning kept in a stored response goes back with its signature; retrieve shows encrypted_content only when included', async () => {
    const first = await harness.client.responses.create({ model: 'anthropic/reasoning-round-trip', input: 'And 3+3?', reasoning: { effort: 'medium', summary: 'auto' }, max_output_tokens: 4096 });
    expect((first.output[0] as OpenAI.Responses.ResponseReasoningItem).encrypted_content).toBeUndefined();
    const included = await harness.client.responses.retrieve(first.id, { include: ['reasoning.encrypted_content'] });
    expect((included.output[0] as OpenAI.Responses.ResponseReasoningItem).encrypted_content).toEqual(expect.any(String));
    await harness.client.responses.create({ model: 'anthropic/plain-text', input: 'Thanks', previous_response_id: first.id, reasoning: { effort: 'medium' }, max_output_tokens: 4096 });
    const assistant = lastUpstream('anthropic').messages.find((message) => message.role === 'assistant');
    expect(assistant?.reasoning).toEqual([{ text: 'Three plus three is six.', signature: 'sig-new-thought' }]);
  });
});
