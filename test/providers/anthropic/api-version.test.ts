// The Messages API version a provider speaks and what follows from it:
// temperature / top_p / top_k are left out with a warning under 2026-10-21
// (which refuses them), and sent under an older version pinned in the
// provider's extra headers — in the converter, on the wire, and against a
// fixture upstream that refuses them as the API does.
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import {
  ANTHROPIC_API_VERSION,
  anthropicApiVersion,
  headersWithApiVersion,
  refusesSampling,
} from '../../../src/providers/anthropic/api-version.js';
import { convertRequest } from '../../../src/providers/anthropic/convert-request.js';
import { startAnthropicFixture } from '../../fixtures/anthropic-upstream.js';
import type { FixtureUpstream } from '../../fixtures/fixture-upstream.js';
import { adapterFor, collect, target } from './adapter-helpers.js';

type Sampling = Partial<Pick<ChatRequest, 'temperature' | 'topP' | 'topK' | 'providerOptions'>>;
const sampled = (extra: Sampling = {}): ChatRequest => {
  const request = create(ChatRequestSchema, {
    model: 'plain-text',
    messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Say hello' } } }] }],
    temperature: 0,
    topP: 0.9,
    topK: 40,
    maxOutputTokens: 100,
  });
  return Object.assign(request, extra);
};

describe('the API version', () => {
  it('is the gateway default unless the provider pins anthropic-version (any case, trimmed)', () => {
    expect(ANTHROPIC_API_VERSION).toBe('2026-10-21');
    expect(anthropicApiVersion({})).toBe(ANTHROPIC_API_VERSION);
    expect(anthropicApiVersion({ 'x-tenant': 'acme' })).toBe(ANTHROPIC_API_VERSION);
    expect(anthropicApiVersion({ 'Anthropic-Version': ' 2023-06-01 ' })).toBe('2023-06-01');
    expect(anthropicApiVersion({ 'anthropic-version': '' })).toBe(ANTHROPIC_API_VERSION);
  });

  it('goes out as exactly one header, the effective one', () => {
    expect(headersWithApiVersion({ 'x-tenant': 'acme' })).toEqual({ 'x-tenant': 'acme', 'anthropic-version': ANTHROPIC_API_VERSION });
    expect(headersWithApiVersion({ 'ANTHROPIC-VERSION': '2023-06-01' })).toEqual({ 'anthropic-version': '2023-06-01' });
  });

  it('2026-10-21 and later refuse sampling; older dated versions take it; a non-date is taken for the newest', () => {
    expect(refusesSampling('2026-10-21')).toBe(true);
    expect(refusesSampling('2027-01-01')).toBe(true);
    expect(refusesSampling('2023-06-01')).toBe(false);
    expect(refusesSampling('2026-10-20')).toBe(false);
    expect(refusesSampling('latest')).toBe(true);
  });
});

describe('convertRequest: sampling by API version', () => {
  it('under the default version: not sent, one unsupported_parameter warning each, naming the version and the way out', () => {
    const { params, warnings } = convertRequest(sampled(), 'claude-test');
    expect(params).not.toHaveProperty('temperature');
    expect(params).not.toHaveProperty('top_p');
    expect(params).not.toHaveProperty('top_k');
    expect(warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ['unsupported_parameter', 'temperature'],
      ['unsupported_parameter', 'top_p'],
      ['unsupported_parameter', 'top_k'],
    ]);
    expect(warnings[0]?.message).toContain('2026-10-21');
    expect(warnings[0]?.message).toContain('anthropic-version');
    expect(warnings[0]?.message).toContain('not sent');
  });

  it('under an older pinned version: sent as they are (temperature 0 included), no warning', () => {
    const { params, warnings } = convertRequest(sampled(), 'claude-test', '2023-06-01');
    expect(params).toMatchObject({ temperature: 0, top_p: 0.9, top_k: 40 });
    expect(warnings).toEqual([]);
  });

  it('nothing set, nothing said', () => {
    const { warnings } = convertRequest(sampled({ temperature: undefined, topP: undefined, topK: undefined }), 'claude-test');
    expect(warnings).toEqual([]);
  });
});

describe('through the SDK against the fixture upstream', () => {
  let fixture: FixtureUpstream;
  beforeAll(async () => {
    fixture = await startAnthropicFixture();
  });
  afterAll(async () => fixture?.close());
  const context = () => ({ signal: new AbortController().signal });
  const lastBody = () => fixture.received.at(-1)?.body as Record<string, unknown>;

  it('the fixture refuses sampling under the default version, as the API does', async () => {
    // The converter never sends it under this version: provider_options go around it.
    const adapter = adapterFor(fixture);
    const request = sampled({ temperature: undefined, topP: undefined, topK: undefined, providerOptions: { temperature: 0.5 } });
    const failure = await adapter.complete(request, target('plain-text'), context()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).kind).toBe('invalid_argument');
    expect((failure as GatewayError).message).toContain('temperature: Extra inputs are not permitted');
  });

  it('default version: the header says 2026-10-21, sampling stays home, the answer carries the warnings (unary and stream)', async () => {
    const adapter = adapterFor(fixture, { extraHeaders: { 'x-tenant': 'acme' } });
    const unary = await adapter.complete(sampled(), target('plain-text'), context());
    expect(fixture.received.at(-1)?.headers['anthropic-version']).toBe('2026-10-21');
    expect(lastBody()).not.toHaveProperty('temperature');
    expect(unary.warnings.map((warning) => warning.param)).toEqual(['temperature', 'top_p', 'top_k']);

    const streamed = await collect(adapter.stream(sampled(), target('plain-text'), context()));
    expect(streamed.text).toBe('Hello, world!');
    expect(streamed.warnings.map((warning) => warning.param)).toEqual(['temperature', 'top_p', 'top_k']);
    expect(lastBody()).not.toHaveProperty('top_p');
  });

  it('a pinned older version goes on the wire (once) and sampling with it, without warnings', async () => {
    const adapter = adapterFor(fixture, { extraHeaders: { 'Anthropic-Version': '2023-06-01' } });
    const unary = await adapter.complete(sampled(), target('plain-text'), context());
    expect(unary.warnings).toEqual([]);
    expect(fixture.received.at(-1)?.headers['anthropic-version']).toBe('2023-06-01');
    expect(lastBody()).toMatchObject({ temperature: 0, top_p: 0.9, top_k: 40 });
  });
});
