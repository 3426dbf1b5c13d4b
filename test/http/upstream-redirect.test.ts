// An upstream that answers a redirect is never followed, whichever provider
// family's SDK made the call and whichever surface the client used: the
// provider's credentials (its API key header, its extra headers) and the
// prompt stay with the configured origin, the other origin receives nothing,
// and the client gets the gateway's upstream error naming the provider and
// where it was redirected — never the other origin's answer, never a 400 that
// blames the client (docs/errors.md, "HTTP 3xx").
import Anthropic from '@anthropic-ai/sdk';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import type { RedirectingUpstreams } from '../fixtures/redirecting-upstream.js';
import type { StartedGateway } from '../helpers/start-gateway.js';
import { startRedirectingGateway, type RedirectingGateway } from './redirecting-gateway.js';

const EXTRA_HEADER_VALUE = 'hunter2-extra-PASSWORD-value';
const REDIRECTS = [301, 302, 303, 307, 308];

/** One provider per family, all on the redirecting origin. */
const PROVIDERS = [
  { id: 'oa', type: 'PROVIDER_TYPE_OPENAI', path: '/v1', apiKey: 'sk-redirect-test-openai-0000000000' },
  { id: 'az', type: 'PROVIDER_TYPE_AZURE_OPENAI', path: '', apiKey: '0123456789abcdef0123456789abcdef', azure: { apiVersion: '2024-10-21' } },
  { id: 'compat', type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE', path: '/v1', apiKey: 'sk-redirect-test-compat-0000000000' },
  { id: 'ant', type: 'PROVIDER_TYPE_ANTHROPIC', path: '', apiKey: 'sk-ant-redirect-test-000000000000' },
  { id: 'gem', type: 'PROVIDER_TYPE_GEMINI', path: '', apiKey: 'AIzaRedirectTestNotARealKey00000000' },
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
    extraHeaders: { 'x-custom-pass': EXTRA_HEADER_VALUE },
    models: REDIRECTS.map((status) => ({ upstreamModel: `redirect-${status}` })),
  }, 'redirects');
  ({ gateway, upstreams } = started);
  ({ openai, anthropic, gemini, rpc } = started.clients);
});

afterAll(async () => started?.close());

const expectedMessage = (provider: string, status: number) =>
  `provider ${provider} answered HTTP ${status}, redirected to ${upstreams.otherOrigin} — not followed; fix the provider's base URL`;

/** The provider's origin was asked (the call was made), the other origin was not. */
function expectNothingElsewhere(status: number): void {
  expect(upstreams.received.some((request) => request.url.includes(`redirect-${status}`) || request.body.includes(`redirect-${status}`))).toBe(true);
  expect(upstreams.receivedElsewhere).toEqual([]);
}

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (answer) => {
      throw new Error(`expected a failure, got ${JSON.stringify(answer).slice(0, 200)}`);
    },
    (error: unknown) => error,
  );
}

describe('an upstream redirect is not followed', () => {
  describe.each(PROVIDERS.map((provider) => provider.id))('provider %s', (provider) => {
    it.each(REDIRECTS)('the openai SDK on /v1/chat/completions: HTTP %i is the upstream’s 502, naming where it pointed', async (status) => {
      const failure = await failureOf(openai.chat.completions.create({ model: `${provider}/redirect-${status}`, messages: [{ role: 'user', content: 'Hi' }] }));
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      const error = failure as InstanceType<typeof OpenAI.APIError>;
      expect(error.status).toBe(502);
      expect(error.message).toContain(expectedMessage(provider, status));
      expect(error.headers?.get('x-should-retry')).toBe('false');
      expect(error.headers?.get('x-gateway-attempts')).toMatch(new RegExp(`^${provider}/redirect-${status}=failed_precondition ${status} \\d+ms$`));
      expectNothingElsewhere(status);
    });

    it('a stream through the openai SDK: the same, before any chunk', async () => {
      const failure = await failureOf(
        (async () => {
          const stream = await openai.chat.completions.create({ model: `${provider}/redirect-307`, messages: [{ role: 'user', content: 'Hi' }], stream: true });
          for await (const chunk of stream) void chunk;
        })(),
      );
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      expect((failure as Error).message).toContain(expectedMessage(provider, 307));
      expectNothingElsewhere(307);
    });

    it('the Anthropic SDK on /v1/messages: 502 api_error', async () => {
      const failure = await failureOf(anthropic.messages.create({ model: `${provider}/redirect-302`, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }));
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect((failure as Error).message).toContain(expectedMessage(provider, 302));
      expectNothingElsewhere(302);
    });

    it('@google/genai on the Gemini surface: 502 INTERNAL', async () => {
      const failure = await failureOf(gemini.models.generateContent({ model: `${provider}/redirect-308`, contents: 'Hi' }));
      expect(failure).toBeInstanceOf(ApiError);
      expect((failure as ApiError).status).toBe(502);
      expect((failure as Error).message).toContain(expectedMessage(provider, 308));
      expectNothingElsewhere(308);
    });

    it('the RPC (Connect): failed_precondition, unary and streamed', async () => {
      const chat = { chat: { model: `${provider}/redirect-301`, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Hi' } } }] }] } };
      const unary = await failureOf(rpc.complete(chat));
      expect(unary).toBeInstanceOf(ConnectError);
      expect((unary as ConnectError).code).toBe(Code.FailedPrecondition);
      expect((unary as ConnectError).rawMessage).toBe(expectedMessage(provider, 301));
      const streamed = await failureOf(
        (async () => {
          for await (const message of rpc.streamComplete(chat)) void message;
        })(),
      );
      expect((streamed as ConnectError).code).toBe(Code.FailedPrecondition);
      expect((streamed as ConnectError).rawMessage).toBe(expectedMessage(provider, 301));
      expectNothingElsewhere(301);
    });
  });

  it('no credential and no extra header ever left the provider’s origin', () => {
    // Every call above reached the redirecting origin, with the provider's headers; none went on.
    expect(upstreams.received.length).toBeGreaterThan(0);
    expect(upstreams.received.every((request) => request.headers['x-custom-pass'] === EXTRA_HEADER_VALUE)).toBe(true);
    expect(upstreams.receivedElsewhere).toEqual([]);
  });
});
