// An upstream error that quotes the request's headers (as a debugging proxy's
// 400 might) keeps every configured extra header's value out of what the
// client reads and out of the gateway's log — whatever the header is called,
// not only names that look like a credential (x-custom-pass) — while the rest
// of the upstream's words stay (docs/errors.md: messages keep the upstream's
// words minus anything that looks like a credential).
import Anthropic from '@anthropic-ai/sdk';
import { ConnectError, type Client } from '@connectrpc/connect';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import type { RedirectingUpstreams } from '../fixtures/redirecting-upstream.js';
import type { StartedGateway } from '../helpers/start-gateway.js';
import { startRedirectingGateway, type RedirectingGateway } from './redirecting-gateway.js';

const PASSWORD = 'hunter2extraPASSWORDvalue';

const PROVIDERS = [
  { id: 'oa', type: 'PROVIDER_TYPE_OPENAI', path: '/v1', apiKey: 'sk-redaction-test-openai-000000000' },
  { id: 'ant', type: 'PROVIDER_TYPE_ANTHROPIC', path: '', apiKey: 'sk-ant-redaction-test-00000000000' },
  { id: 'gem', type: 'PROVIDER_TYPE_GEMINI', path: '', apiKey: 'AIzaRedactionTestNotARealKey000000' },
] as const;

let started: RedirectingGateway;
let gateway: StartedGateway;
let upstreams: RedirectingUpstreams;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;
let rpc: Client<typeof CompletionService>;

beforeAll(async () => {
  started = await startRedirectingGateway(PROVIDERS, {
    // A name that does not look like a credential; a short value that is a word, not a secret.
    extraHeaders: { 'x-custom-pass': PASSWORD, 'x-feature': 'on' },
    models: [{ upstreamModel: 'quote-headers' }],
  }, 'redaction');
  ({ gateway, upstreams } = started);
  ({ openai, anthropic, gemini, rpc } = started.clients);
});

afterAll(async () => started?.close());

/** The upstream's own words stayed (the header names, the short value), the long value did not (quotes may come escaped: the Anthropic SDK shows the JSON body). */
function expectRedacted(message: string): void {
  expect(message).toMatch(/"x-custom-pass\\?":\\?"\[redacted\]/);
  expect(message).toMatch(/"x-feature\\?":\\?"on/);
  expect(message).not.toContain(PASSWORD);
}

describe('an upstream error quoting the request headers', () => {
  it.each(PROVIDERS.map((provider) => provider.id))('provider %s: no extra header value reaches any surface', async (provider) => {
    const before = upstreams.received.length;
    const model = `${provider}/quote-headers`;

    const viaOpenAI = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(viaOpenAI).toBeInstanceOf(OpenAI.APIError);
    expect((viaOpenAI as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expectRedacted((viaOpenAI as Error).message);

    const viaAnthropic = await anthropic.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(viaAnthropic).toBeInstanceOf(Anthropic.APIError);
    expectRedacted((viaAnthropic as Error).message);

    const viaGemini = await gemini.models.generateContent({ model, contents: 'Hi' }).catch((error: unknown) => error);
    expect(viaGemini).toBeInstanceOf(ApiError);
    expectRedacted((viaGemini as Error).message);

    const viaRpc = await rpc
      .complete({ chat: { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Hi' } } }] }] } })
      .catch((error: unknown) => error);
    expect(viaRpc).toBeInstanceOf(ConnectError);
    expectRedacted((viaRpc as ConnectError).rawMessage);

    // The upstream did receive the header, four times: the value was sent, and only echoed back.
    expect(upstreams.received.slice(before).map((request) => request.headers['x-custom-pass'])).toEqual([PASSWORD, PASSWORD, PASSWORD, PASSWORD]);
  });

  it('nor the gateway’s log', async () => {
    await gateway.gateway.requestLog.flush();
    expect(gateway.logLines.some((line) => line.includes('x-custom-pass'))).toBe(true);
    expect(gateway.logLines.filter((line) => line.includes(PASSWORD))).toEqual([]);
  });
});
