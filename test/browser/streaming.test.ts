// Browser tier, streaming: a Connect-Web client in headless Chromium, on a
// page served from another origin than the gateway, iterates the
// server-streaming CompletionService.StreamComplete over the Connect protocol
// (JSON and binary) and gRPC-Web, against a provider backed by the OpenAI
// fixture upstream. It also aborts a stream from the page (AbortController)
// and checks that the abort travels through the gateway to the upstream.
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startOpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import {
  browserAvailability,
  bundlePageClient,
  launchBrowser,
  observeNetwork,
  openClientPage,
  startStaticServer,
  warnLoudly,
  type Browser,
  type PageBundle,
  type StaticServer,
} from './browser-harness.js';
import type { PageCall, PageCallResult, PageStreamCall, PageStreamResult, PageTransportKind } from './page-client.js';

const availability = browserAvailability();
const requiredHere = process.env['CI'] === 'true';
if (!availability.available && !requiredHere) {
  warnLoudly(`BROWSER TIER (streaming) NOT RUN: ${availability.reason}`);
}

const PROVIDER_ID = 'fixture';
const TRANSPORTS: Array<[PageTransportKind, string]> = [
  ['connect-json', 'application/connect+json'],
  ['connect-binary', 'application/connect+proto'],
  ['grpc-web', 'application/grpc-web+proto'],
];
/** Upper bound for the upstream to notice the browser's abort (generous: it is normally milliseconds). */
const ABORT_REACHES_UPSTREAM_MS = 10_000;

async function callFrom(page: Page, call: PageCall): Promise<PageCallResult> {
  // Typed loosely for Playwright (its serialisation types recurse too deeply on JsonValue).
  const result: unknown = await page.evaluate((pageCall: unknown) => window.gatewayClient.call(pageCall as PageCall), call as unknown);
  return result as PageCallResult;
}

async function succeed(page: Page, call: PageCall): Promise<JsonObject> {
  const result = await callFrom(page, call);
  if (!result.ok) {
    throw new Error(`${call.service}.${call.method} over ${call.transport} failed in the browser: ${result.code}: ${result.rawMessage}`);
  }
  return result.response as JsonObject;
}

async function streamFrom(page: Page, call: PageStreamCall): Promise<PageStreamResult> {
  const result: unknown = await page.evaluate(
    (pageCall: unknown) => window.gatewayClient.streamComplete(pageCall as PageStreamCall),
    call as unknown,
  );
  return result as PageStreamResult;
}

/** The StreamComplete request for `model`, as proto3 JSON. */
function chatRequest(model: string): JsonValue {
  return { chat: { model, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Say hello' } }] }] } };
}

/** The chunk of one StreamCompleteResponse (as proto3 JSON). */
function chunkOf(message: JsonValue | undefined): JsonObject {
  expect(message).toBeTypeOf('object');
  const chunk = (message as JsonObject)['chunk'];
  expect(chunk).toBeTypeOf('object');
  return chunk as JsonObject;
}

/** Status and content type of each response the page got for StreamComplete (headers only: bodies of aborted streams never complete). */
function recordStreamResponses(page: Page, gatewayUrl: string): Array<{ status: number; contentType: string }> {
  const seen: Array<{ status: number; contentType: string }> = [];
  page.on('response', (response) => {
    if (response.url() !== `${gatewayUrl}/llmgateway.v1.CompletionService/StreamComplete`) return;
    seen.push({ status: response.status(), contentType: response.headers()['content-type'] ?? '' });
  });
  return seen;
}

describe.skipIf(!availability.available && !requiredHere)('StreamComplete from Connect-Web in headless Chromium on another origin', () => {
  let bundle: PageBundle | undefined;
  let site: StaticServer | undefined;
  let gateway: StartedGateway | undefined;
  let fixture: FixtureUpstream | undefined;
  let browser: Browser | undefined;
  /** A virtual key, created from the page with the admin token. */
  let secret = '';

  beforeAll(async () => {
    if (!availability.available) throw new Error(`the browser tier is required on CI but cannot run: ${availability.reason}`);
    bundle = await bundlePageClient();
    site = await startStaticServer(bundle.dir);
    fixture = await startOpenAIFixture({ family: 'openai' });
    gateway = await startGateway({ GATEWAY_CORS_ORIGINS: site.origin });
    expect(new URL(gateway.url).port).not.toBe(new URL(site.origin).port);
    browser = await launchBrowser();

    // Set up the provider and the caller's key from the browser too, with the admin token.
    const page = await openClientPage(browser.context, site.origin);
    try {
      const admin = { baseUrl: gateway.url, transport: 'connect-json', bearer: gateway.adminToken } as const;
      await succeed(page, {
        ...admin,
        service: 'providers',
        method: 'createProvider',
        request: {
          id: PROVIDER_ID,
          name: 'Fixture OpenAI',
          type: 'PROVIDER_TYPE_OPENAI',
          baseUrl: fixture.baseUrl,
          apiKey: fixture.apiKey,
          models: [{ upstreamModel: 'plain-text' }, { upstreamModel: 'slow-stream' }],
        },
      });
      const created = await succeed(page, { ...admin, service: 'keys', method: 'createKey', request: { name: 'browser-streamer' } });
      secret = String(created['secret']);
      expect(secret).toMatch(/^sk-gw-/);
    } finally {
      await page.close();
    }
  }, 120_000);

  afterAll(async () => {
    const closers = [browser, gateway, fixture, site, bundle].map((resource) =>
      resource === undefined ? undefined : 'remove' in resource ? resource.remove() : resource.close(),
    );
    const outcomes = await Promise.allSettled(closers);
    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failures.length > 0) throw new AggregateError(failures.map((failure) => failure.reason), 'browser streaming test cleanup failed');
  }, 60_000);

  it.each(TRANSPORTS)(
    'streams start, each text delta as its own message, finish, usage and route over %s',
    async (transport, expectedContentType) => {
      const page = await openClientPage(browser!.context, site!.origin);
      try {
        const responses = recordStreamResponses(page, gateway!.url);
        const network = await observeNetwork(page);
        const upstreamCallsBefore = fixture!.received.length;

        const result = await streamFrom(page, {
          baseUrl: gateway!.url,
          transport,
          bearer: secret,
          request: chatRequest(`${PROVIDER_ID}/plain-text`),
        });

        expect(result.error).toBeNull();
        expect(result.abortedByPage).toBe(false);
        // The route comes once output flows (the serving target) and again at the end (all attempts); the
        // OpenAI-style upstream names its service tier on its first chunk, told as the early input usage.
        expect(result.events).toEqual(['start', 'route', 'inputUsage', 'textDelta', 'textDelta', 'textDelta', 'finish', 'usage', 'route']);
        const all = result.messages.map(chunkOf);
        expect(all).toHaveLength(9);
        expect(all[2]!['inputUsage']).toEqual({ serviceTier: 'default' });
        const chunks = all.filter((chunk) => chunk['inputUsage'] === undefined);

        expect(chunks[0]!['start']).toMatchObject({ model: `${PROVIDER_ID}/plain-text` });
        expect(String(objectIn(chunks[0]!, 'start')['id'])).not.toBe('');
        // The three pieces the upstream streamed, in order, one message each.
        expect(chunks[1]!['route']).toMatchObject({ providerId: PROVIDER_ID, upstreamModel: 'plain-text' });
        expect(chunks.slice(2, 5).map((chunk) => objectIn(chunk, 'textDelta')['text'])).toEqual(['Hel', 'lo, ', 'world!']);
        expect(chunks[5]!['finish']).toMatchObject({ reason: 'FINISH_REASON_STOP', rawReason: 'stop' });
        expect(chunks[6]!['usage']).toMatchObject({ inputTokens: 9, outputTokens: 4, totalTokens: 13 });
        expect(chunks[7]!['route']).toMatchObject({ providerId: PROVIDER_ID, upstreamModel: 'plain-text' });
        // Everything belongs to the only choice (choiceIndex 0 is omitted in proto3 JSON).
        for (const chunk of chunks) expect(chunk['choiceIndex'] ?? 0).toBe(0);

        // It went over the wire as this transport's streaming content type …
        await expect.poll(() => responses.length, { timeout: 10_000 }).toBe(1);
        expect(responses[0]).toEqual({ status: 200, contentType: expect.stringContaining(expectedContentType) });
        // … through a CORS preflight that allowed this origin, with no CORS failure.
        await expect.poll(() => network.preflights.length, { timeout: 10_000 }).toBe(1);
        expect(network.preflights[0]!.headers['access-control-allow-origin']).toBe(site!.origin);
        expect(network.corsFailures).toEqual([]);

        // … and the gateway asked the upstream for a stream of that model, once.
        const upstreamCalls = fixture!.received.slice(upstreamCallsBefore);
        expect(upstreamCalls).toHaveLength(1);
        expect(upstreamCalls[0]!.normalized).toMatchObject({ model: 'plain-text', stream: true });
      } finally {
        await page.close();
      }
    },
    60_000,
  );

  it.each(TRANSPORTS)(
    'aborts a stream from the page after the first delta over %s, and the abort reaches the upstream',
    async (transport) => {
      const page = await openClientPage(browser!.context, site!.origin);
      try {
        const network = await observeNetwork(page);
        const abortedBefore = fixture!.abortedStreams();
        const upstreamCallsBefore = fixture!.received.length;

        const result = await streamFrom(page, {
          baseUrl: gateway!.url,
          transport,
          bearer: secret,
          request: chatRequest(`${PROVIDER_ID}/slow-stream`),
          abortAfterFirstTextDelta: true,
        });

        // The page got the start and the one delta the upstream sent (so the
        // gateway streamed them without waiting for the end), aborted, and its
        // client reported the abort as Canceled.
        expect(result.abortedByPage).toBe(true);
        expect(result.events.slice(0, 3)).toEqual(['start', 'route', 'textDelta']);
        expect(objectIn(chunkOf(result.messages[2]), 'textDelta')['text']).toBe('Hello');
        expect(result.events).not.toContain('finish');
        expect(result.error).toMatchObject({ code: 'Canceled' });

        // The upstream had been asked for a stream, and sees the client go away.
        const upstreamCalls = fixture!.received.slice(upstreamCallsBefore);
        expect(upstreamCalls).toHaveLength(1);
        expect(upstreamCalls[0]!.normalized).toMatchObject({ model: 'slow-stream', stream: true });
        await expect
          .poll(() => fixture!.abortedStreams(), { timeout: ABORT_REACHES_UPSTREAM_MS, interval: 50 })
          .toBeGreaterThan(abortedBefore);
        expect(fixture!.abortedStreams()).toBe(abortedBefore + 1);

        // In the browser's network log the request was aborted, not blocked by CORS.
        await expect.poll(() => network.corsFailures.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
        for (const failure of network.corsFailures) {
          expect(failure).toEqual({
            url: `${gateway!.url}/llmgateway.v1.CompletionService/StreamComplete`,
            corsError: null,
            errorText: 'net::ERR_ABORTED',
          });
        }
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});

function objectIn(value: JsonObject, name: string): JsonObject {
  const inner = value[name];
  expect(inner, name).toBeTypeOf('object');
  expect(inner, name).not.toBeNull();
  return inner as JsonObject;
}
