// Browser tier: a Connect-Web client, bundled with esbuild, runs in headless
// Chromium on a page served from another origin than the gateway, so CORS
// preflights, headers and both Connect encodings (and gRPC-Web) go over the
// wire exactly as a browser sends them. Results come back from the page as
// plain JSON (what the browser's client saw) and are asserted here.
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import type { PageCall, PageCallResult, PageTransportKind } from './page-client.js';

const availability = browserAvailability();
const requiredHere = process.env['CI'] === 'true';
if (!availability.available && !requiredHere) {
  warnLoudly(`BROWSER TIER NOT RUN: ${availability.reason}`);
}

/** What Chromium received from the gateway, as reported by Playwright. */
interface ReceivedResponse {
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
}

/** Records every response the page gets from `origin`, bodies included. */
function recordResponses(page: Page, origin: string): { settled(): Promise<ReceivedResponse[]> } {
  const pending: Array<Promise<ReceivedResponse>> = [];
  page.on('response', (response) => {
    if (!response.url().startsWith(`${origin}/`)) return;
    pending.push(
      response.body().then((body) => ({
        url: response.url(),
        status: response.status(),
        contentType: response.headers()['content-type'] ?? '',
        body,
      })),
    );
  });
  return { settled: () => Promise.all(pending) };
}

async function callFrom(page: Page, call: PageCall): Promise<PageCallResult> {
  // Typed loosely for Playwright (its serialisation types recurse too deeply on JsonValue).
  const result: unknown = await page.evaluate((pageCall: unknown) => window.gatewayClient.call(pageCall as PageCall), call as unknown);
  return result as PageCallResult;
}

/** The response of a call that must succeed. */
async function succeed(page: Page, call: PageCall): Promise<JsonObject> {
  const result = await callFrom(page, call);
  if (!result.ok) {
    throw new Error(`${call.service}.${call.method} over ${call.transport} failed in the browser: ${result.code}: ${result.rawMessage}`);
  }
  expect(result.response).toBeTypeOf('object');
  return result.response as JsonObject;
}

/** The error of a call that must fail. */
async function fail(page: Page, call: PageCall): Promise<Extract<PageCallResult, { ok: false }>> {
  const result = await callFrom(page, call);
  if (result.ok) throw new Error(`${call.service}.${call.method} over ${call.transport} unexpectedly succeeded`);
  return result;
}

function objectAt(value: JsonValue | undefined, name: string): JsonObject {
  expect(value, name).toBeTypeOf('object');
  expect(value, name).not.toBeNull();
  expect(Array.isArray(value), name).toBe(false);
  return value as JsonObject;
}

function idsOf(list: JsonValue | undefined): string[] {
  expect(Array.isArray(list)).toBe(true);
  return (list as JsonObject[]).map((item) => String(item['id']));
}

describe.skipIf(!availability.available && !requiredHere)('Connect-Web from headless Chromium on another origin', () => {
  let bundle: PageBundle | undefined;
  /** The origin the gateway allows. */
  let allowedSite: StaticServer | undefined;
  /** Another origin, not in the gateway's list. */
  let otherSite: StaticServer | undefined;
  /** GATEWAY_CORS_ORIGINS = allowedSite's origin. */
  let gateway: StartedGateway | undefined;
  /** No GATEWAY_CORS_ORIGINS at all (the default). */
  let gatewayWithoutCors: StartedGateway | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!availability.available) throw new Error(`the browser tier is required on CI but cannot run: ${availability.reason}`);
    bundle = await bundlePageClient();
    allowedSite = await startStaticServer(bundle.dir);
    otherSite = await startStaticServer(bundle.dir);
    expect(allowedSite.origin).not.toBe(otherSite.origin);
    gateway = await startGateway({ GATEWAY_CORS_ORIGINS: allowedSite.origin });
    gatewayWithoutCors = await startGateway();
    // The page must truly be cross-origin: same host, another port.
    expect(new URL(gateway.url).port).not.toBe(new URL(allowedSite.origin).port);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    const closers = [browser, gatewayWithoutCors, gateway, otherSite, allowedSite, bundle].map((resource) =>
      resource === undefined ? undefined : 'remove' in resource ? resource.remove() : resource.close(),
    );
    const outcomes = await Promise.allSettled(closers);
    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failures.length > 0) throw new AggregateError(failures.map((failure) => failure.reason), 'browser test cleanup failed');
  }, 60_000);

  it.each<[PageTransportKind, string]>([
    ['connect-json', 'application/json'],
    ['connect-binary', 'application/proto'],
  ])(
    'manages providers and keys over %s, with the admin token, as a browser does',
    async (transport, expectedContentType) => {
      const page = await openClientPage(browser!.context, allowedSite!.origin);
      try {
        const received = recordResponses(page, gateway!.url);
        const admin = { baseUrl: gateway!.url, transport, bearer: gateway!.adminToken } as const;
        const providerApiKey = `sk-test-${transport}-${crypto.randomUUID().replaceAll('-', '')}`;
        const providerId = `openai-${transport}`;
        const seen: JsonValue[] = [];

        const created = objectAt(
          (
            await succeed(page, {
              ...admin,
              service: 'providers',
              method: 'createProvider',
              request: { id: providerId, name: `OpenAI (${transport})`, type: 'PROVIDER_TYPE_OPENAI', apiKey: providerApiKey },
            })
          )['provider'],
          'provider',
        );
        seen.push(created);
        expect(created['id']).toBe(providerId);
        expect(created['type']).toBe('PROVIDER_TYPE_OPENAI');
        expect(created['apiKeyLast4']).toBe(providerApiKey.slice(-4));
        const fetchedProvider = await succeed(page, { ...admin, service: 'providers', method: 'getProvider', request: { id: providerId } });
        seen.push(fetchedProvider);
        expect(objectAt(fetchedProvider['provider'], 'provider')['apiKeyLast4']).toBe(providerApiKey.slice(-4));
        const providers = await succeed(page, { ...admin, service: 'providers', method: 'listProviders', request: {} });
        seen.push(providers);
        expect(idsOf(providers['providers'])).toContain(providerId);

        const prefix = `browser-${transport}`;
        const doomed = await succeed(page, {
          ...admin,
          service: 'keys',
          method: 'createKey',
          request: { name: `${prefix}-doomed`, allowedModels: ['gpt-4o*'], metadata: { from: 'chromium' } },
        });
        const live = await succeed(page, { ...admin, service: 'keys', method: 'createKey', request: { name: `${prefix}-live` } });
        seen.push(doomed, live);
        const doomedSecret = String(doomed['secret']);
        const liveSecret = String(live['secret']);
        expect(doomedSecret).toMatch(/^sk-gw-[A-Za-z0-9_-]{32}$/);
        expect(liveSecret).toMatch(/^sk-gw-[A-Za-z0-9_-]{32}$/);
        const doomedKey = objectAt(doomed['key'], 'key');
        const liveKey = objectAt(live['key'], 'key');
        expect(doomedKey['enabled']).toBe(true);
        expect(doomedKey['allowedModels']).toEqual(['gpt-4o*']);
        expect(doomedKey['metadata']).toEqual({ from: 'chromium' });

        const listed = await succeed(page, { ...admin, service: 'keys', method: 'listKeys', request: { nameContains: prefix } });
        seen.push(listed);
        expect(idsOf(listed['keys']).sort()).toEqual([String(doomedKey['id']), String(liveKey['id'])].sort());
        expect(JSON.stringify(listed)).not.toContain(doomedSecret);

        const updated = objectAt(
          (
            await succeed(page, {
              ...admin,
              service: 'keys',
              method: 'updateKey',
              request: { id: String(liveKey['id']), name: `${prefix}-renamed`, cacheEnabled: true },
            })
          )['key'],
          'key',
        );
        seen.push(updated);
        expect(updated['name']).toBe(`${prefix}-renamed`);
        expect(updated['cacheEnabled']).toBe(true);

        const revoked = objectAt(
          (await succeed(page, { ...admin, service: 'keys', method: 'revokeKey', request: { id: String(doomedKey['id']) } }))['key'],
          'key',
        );
        seen.push(revoked);
        expect(revoked['revokedAt']).toBeTypeOf('string');

        const listModels = { baseUrl: gateway!.url, transport, service: 'completion', method: 'listModels', request: {} } as const;
        expect(await fail(page, { ...listModels, bearer: doomedSecret })).toMatchObject({ code: 'PermissionDenied' });
        expect(await succeed(page, { ...listModels, bearer: liveSecret })).toMatchObject({});
        expect(await fail(page, { ...listModels, bearer: `sk-gw-${'x'.repeat(32)}` })).toMatchObject({ code: 'Unauthenticated' });

        // The provider's API key never reaches the browser: neither in what the client decoded …
        expect(JSON.stringify(seen)).not.toContain(providerApiKey);
        // … nor anywhere in the bytes Chromium received from the gateway, in either encoding.
        const responses = await received.settled();
        expect(responses.filter((response) => response.status === 200).length).toBeGreaterThanOrEqual(8);
        expect(responses.filter((response) => response.status !== 200).length).toBeGreaterThanOrEqual(2);
        for (const response of responses) {
          // Connect sends unary errors as JSON whatever the request's encoding.
          expect(response.contentType, response.url).toContain(response.status === 200 ? expectedContentType : 'application/json');
          expect(response.body.includes(providerApiKey), response.url).toBe(false);
          expect(response.body.includes(providerApiKey.slice(8)), response.url).toBe(false);
        }
        // (The capture itself works: the created key's id is in some received body.)
        expect(responses.some((response) => response.body.includes(String(doomedKey['id'])))).toBe(true);
      } finally {
        await page.close();
      }
    },
    90_000,
  );

  it('speaks gRPC-Web from the browser', async () => {
    const page = await openClientPage(browser!.context, allowedSite!.origin);
    try {
      const received = recordResponses(page, gateway!.url);
      const network = await observeNetwork(page);
      const grpcWeb = { baseUrl: gateway!.url, transport: 'grpc-web' } as const;
      const created = await succeed(page, {
        ...grpcWeb,
        bearer: gateway!.adminToken,
        service: 'keys',
        method: 'createKey',
        request: { name: 'browser-grpc-web' },
      });
      expect(String(created['secret'])).toMatch(/^sk-gw-/);
      expect(objectAt(created['key'], 'key')['name']).toBe('browser-grpc-web');
      // An error travels in grpc-status/grpc-message, which CORS must expose.
      expect(
        await fail(page, { ...grpcWeb, bearer: `sk-gw-${'y'.repeat(32)}`, service: 'completion', method: 'listModels' }),
      ).toMatchObject({ code: 'Unauthenticated' });
      const responses = await received.settled();
      expect(responses.length).toBe(2);
      for (const response of responses) expect(response.contentType).toContain('application/grpc-web');
      // Both calls were preflighted, and the gateway allowed this origin and gRPC-Web's headers.
      await expect.poll(() => network.preflights.length, { timeout: 10_000 }).toBe(2);
      for (const preflight of network.preflights) {
        expect(preflight.headers['access-control-allow-origin']).toBe(allowedSite!.origin);
        expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toContain('x-grpc-web');
        expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
      }
      expect(network.corsFailures).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it.each<['a gateway allowing only another origin' | 'a gateway without CORS origins']>([
    ['a gateway allowing only another origin'],
    ['a gateway without CORS origins'],
  ])('is blocked by the browser when calling %s', async (which) => {
    const target = which === 'a gateway without CORS origins' ? gatewayWithoutCors! : gateway!;
    const site = which === 'a gateway without CORS origins' ? allowedSite! : otherSite!;
    const page = await openClientPage(browser!.context, site.origin);
    try {
      const network = await observeNetwork(page);
      const name = `blocked-${crypto.randomUUID()}`;
      const logged = (method: string) =>
        target.logLines.filter(
          (line) => line.includes(`"method":"${method}"`) && line.includes('"url":"/llmgateway.v1.KeysService/CreateKey"'),
        ).length;
      const [preflightsBefore, postsBefore] = [logged('OPTIONS'), logged('POST')];
      const blocked = await fail(page, {
        baseUrl: target.url,
        transport: 'connect-json',
        bearer: target.adminToken,
        service: 'keys',
        method: 'createKey',
        request: { name },
      });
      // fetch() rejects with a TypeError ("Failed to fetch"); Connect-Web reports that as Unknown.
      expect(blocked.code).toBe('Unknown');
      expect(`${blocked.rawMessage} ${blocked.cause ?? ''}`).toMatch(/fetch/i);

      // The browser asked first (preflight) and the gateway answered without allowing this origin.
      await expect.poll(() => network.preflights.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      const preflight = network.preflights[0]!;
      expect(preflight.url).toBe(`${target.url}/llmgateway.v1.KeysService/CreateKey`);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      await expect.poll(() => network.corsFailures.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      expect(network.corsFailures[0]).toMatchObject({
        url: preflight.url,
        corsError: 'PreflightMissingAllowOriginHeader',
      });

      // The gateway saw the preflight, and never the POST itself.
      expect(logged('OPTIONS')).toBeGreaterThan(preflightsBefore);
      expect(logged('POST')).toBe(postsBefore);
      if (target === gateway) {
        const adminPage = await openClientPage(browser!.context, allowedSite!.origin);
        try {
          const listed = await succeed(adminPage, {
            baseUrl: target.url,
            transport: 'connect-json',
            bearer: target.adminToken,
            service: 'keys',
            method: 'listKeys',
            request: { nameContains: name },
          });
          expect(listed['keys'] ?? []).toEqual([]);
        } finally {
          await adminPage.close();
        }
      }
    } finally {
      await page.close();
    }
  }, 60_000);

  it.each<PageTransportKind>(['connect-json', 'connect-binary', 'grpc-web'])(
    'answers a wrong or missing admin token with Unauthenticated over %s',
    async (transport) => {
      const page = await openClientPage(browser!.context, allowedSite!.origin);
      try {
        const listKeys = { baseUrl: gateway!.url, transport, service: 'keys', method: 'listKeys', request: {} } as const;
        const wrong = await fail(page, { ...listKeys, bearer: 'not-the-admin-token-not-the-admin-token' });
        expect(wrong.code).toBe('Unauthenticated');
        expect(wrong.rawMessage).not.toContain(gateway!.adminToken);
        expect(await fail(page, listKeys)).toMatchObject({ code: 'Unauthenticated' });
        const createProvider = {
          ...listKeys,
          service: 'providers',
          method: 'createProvider',
          request: { name: 'nope', type: 'PROVIDER_TYPE_OPENAI', apiKey: 'sk-test-never-stored-000000' },
        } as const;
        expect(await fail(page, { ...createProvider, bearer: `${gateway!.adminToken}x` })).toMatchObject({ code: 'Unauthenticated' });
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
