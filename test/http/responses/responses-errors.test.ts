// The Responses API held to the other surfaces' bar: bad input gets OpenAI's
// error body with the parameter named (built-in tools refused by name), an
// upstream failure keeps its status, a stream that breaks after it began ends
// with response.failed and an error event, a key's rate limit refuses it as on
// Chat Completions, and every request is in the request log as surface
// 'responses' with its tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'openai']);
});
afterAll(async () => harness?.close());

const badRequest = async (body: Record<string, unknown>) => {
  const response = await harness.post('/v1/responses', { model: 'anthropic/plain-text', input: 'Hi', ...body });
  return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
};

describe('request errors', () => {
  it.each([
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type', /built-in tool 'web_search'/],
    [{ tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'file_search' } }, 'tool_choice.type', /built-in tool 'file_search'/],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', /'item_reference' items are not supported/],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id', /file ids cannot be resolved by this gateway/],
    [{ background: true }, 'background', /background responses are not supported/],
    [{ input: [] }, 'input', /at least one item/],
    [{ temperature: 3 }, 'temperature', /between 0 and 2/],
    [{ text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', /Missing required parameter/],
    // Responses' own names, not Chat Completions' (`….image_url.url`, `….file_data.url`).
    [{ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,@@@' }] }] }, 'input[0].content[0].image_url', /Invalid value for 'input\[0\]\.content\[0\]\.image_url'/],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'file:///etc/passwd' }] }] }, 'input[0].content[0].image_url', /scheme 'file:' is not supported/],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'data:image/png;base64' }] }] }, 'input[0].content[0].file_data', /malformed data URL/],
  ])('%j → 400 naming %s', async (body, param, message) => {
    const { status, body: answer } = await badRequest(body);
    expect(status).toBe(400);
    expect(answer.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(String(answer.error['message'])).toMatch(message);
  });

  it('warns in Responses names: the default output limit Claude needs is max_output_tokens', async () => {
    const response = await harness.post('/v1/responses', { model: 'anthropic/plain-text', input: 'Hi' });
    expect(response.status).toBe(200);
    const warnings = JSON.parse(response.headers.get('x-gateway-warnings') ?? '[]') as Array<{ code: string; param: string }>;
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'default_applied', param: 'max_output_tokens' }));
  });

  it('the official client raises BadRequestError for a missing input', async () => {
    const error = await harness.client.responses.create({ model: 'anthropic/plain-text' } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param: 'input', code: 'missing_required_parameter' });
  });

  it('a missing or wrong key is a 401 in OpenAI’s shape', async () => {
    const error = await harness.clientWith({ apiKey: 'sk-wrong' }).responses.retrieve('resp_x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe('paths', () => {
  it('answers without the /v1 prefix too, and authenticates with x-api-key', async () => {
    const created = await harness.post('/responses', { model: 'anthropic/plain-text', input: 'Say hello' }, { authorization: '', 'x-api-key': harness.secret });
    expect(created.status).toBe(200);
    const body = (await created.json()) as { id: string };
    const retrieved = await fetch(`${harness.gateway.url}/responses/${body.id}`, { headers: { 'x-api-key': harness.secret } });
    expect(((await retrieved.json()) as { id: string }).id).toBe(body.id);
  });
});

describe('upstream failures', () => {
  it('an upstream 429 keeps its status, unary and streamed (before any output)', async () => {
    const unary = await harness.client.responses.create({ model: 'anthropic/error-429', input: 'x', store: false }).catch((caught: unknown) => caught);
    expect(unary).toBeInstanceOf(OpenAI.RateLimitError);
    const streamed = await harness.client.responses.create({ model: 'openai/error-429', input: 'x', stream: true, store: false }).catch((caught: unknown) => caught);
    expect(streamed).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it.each(['anthropic', 'openai'] as const)('a %s stream cut after it began ends with response.failed and an error event', async (family) => {
    const response = await harness.post('/v1/responses', { model: `${family}/broken-stream`, input: 'x', stream: true });
    expect(response.status).toBe(200);
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean).map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return { name: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) as { type: string; sequence_number: number; response?: { status: string } } };
    });
    expect(events.every((event) => event.name === event.data.type)).toBe(true);
    expect(events.map((event) => event.data.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events.slice(-2).map((event) => event.name)).toEqual(['response.failed', 'error']);
    expect(events.at(-2)?.data.response?.status).toBe('failed');
    // A failed stream is not stored.
    const created = events[0]?.data as unknown as { response: { id: string } };
    const stored = await harness.client.responses.retrieve(created.response.id).catch((caught: unknown) => caught);
    expect(stored).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('governance', () => {
  it('a route name serves it, the route’s prompt rules rewrite it, and a repeat is answered from the cache', async () => {
    await harness.admin('RoutesService/CreateRoute', {
      name: 'responses-route',
      strategy: 'ROUTE_STRATEGY_PRIORITY',
      targets: [{ providerId: 'anthropic', upstreamModel: 'plain-text' }],
    });
    await harness.admin('PromptRulesService/CreatePromptRule', {
      name: 'house-style', scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'responses-route',
      operation: 'PROMPT_RULE_OPERATION_PREPEND_SYSTEM', text: 'House style: be brief.',
    });
    const cached = (await harness.admin('KeysService/CreateKey', { name: 'cached-responses', cacheEnabled: true })) as { secret: string };
    const client = harness.clientWith({ apiKey: cached.secret });
    const ask = () => client.responses.create({ model: 'responses-route', input: 'Cache me', store: false }).withResponse();
    const first = await ask();
    expect(first.data.output_text).toBe('Hello, world!');
    expect(first.response.headers.get('x-gateway-route')).toBe('responses-route');
    expect(first.response.headers.get('x-gateway-cache')).toBe('miss');
    const upstream = harness.fixture('anthropic').received.filter((request) => request.normalized).at(-1)!.normalized!;
    expect(upstream.system).toBe('House style: be brief.');
    const second = await ask();
    expect(second.response.headers.get('x-gateway-cache')).toBe('hit');
    expect(second.data.output_text).toBe('Hello, world!');
    expect(second.data.id).not.toBe(first.data.id);
  });

  it('a key’s requests-per-minute limit refuses the third request with rate_limit_exceeded', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'rpm-responses', rateLimits: { requestsPerMinute: 2 } })) as { secret: string };
    const client = harness.clientWith({ apiKey: created.secret });
    const outcomes: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      outcomes.push(
        await client.responses.create({ model: 'openai/plain-text', input: 'Hi', store: false }).then(
          () => 'ok',
          (error: unknown) => (error instanceof OpenAI.RateLimitError ? `429 ${(error.error as { code?: string }).code}` : String(error)),
        ),
      );
    }
    expect(outcomes).toEqual(['ok', 'ok', '429 rate_limit_exceeded']);
  });

  it('logs each request with surface responses, its tokens and whether it streamed, and counts it in the metrics', async () => {
    await harness.client.responses.create({ model: 'anthropic/usage-cached-reasoning', input: 'Long cached prompt', store: false });
    await harness.client.responses.stream({ model: 'openai/usage-cached-reasoning', input: 'Long cached prompt', store: false }).finalResponse();
    await harness.gateway.gateway.requestLog.flush();
    const listed = (await harness.admin('UsageService/ListRequests', { filter: { model: 'usage-cached-reasoning' } })) as {
      requests: Array<{ surface: string; stream?: boolean; inputTokens: number; outputTokens: number; cachedInputTokens?: number }>;
    };
    expect(listed.requests.map((row) => [row.surface, Boolean(row.stream), row.inputTokens, row.outputTokens])).toEqual(
      expect.arrayContaining([
        ['responses', false, 2000, 300],
        ['responses', true, 2000, 300],
      ]),
    );
    const metrics = await (await fetch(`${harness.gateway.url}/metrics`, { headers: { authorization: `Bearer ${harness.gateway.adminToken}` } })).text();
    expect(metrics).toMatch(/llm_gateway_requests_total\{[^}]*surface="responses"[^}]*model="usage-cached-reasoning"[^}]*\} [1-9]/);
  });
});
