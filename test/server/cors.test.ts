// Browsers on a configured origin may call the Connect API (preflight and the
// real call); any other origin, and every origin when none is configured, gets
// no CORS grant. The origin is only a header value: nothing is contacted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { request } from './helpers.js';

const APP_ORIGIN = 'http://app.example.test';
const OTHER_ORIGIN = 'http://evil.example.test';
const LIST_KEYS = '/llmgateway.v1.KeysService/ListKeys';

let configured: StartedGateway;
let unconfigured: StartedGateway;

beforeAll(async () => {
  [configured, unconfigured] = await Promise.all([startGateway({ GATEWAY_CORS_ORIGINS: APP_ORIGIN }), startGateway()]);
});

afterAll(async () => {
  await Promise.all([configured?.close(), unconfigured?.close()]);
});

const preflight = (gateway: StartedGateway, origin: string) =>
  request(`${gateway.url}${LIST_KEYS}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,connect-protocol-version',
    },
  });

const call = (gateway: StartedGateway, origin: string) =>
  request(`${gateway.url}${LIST_KEYS}`, {
    method: 'POST',
    headers: {
      origin,
      'content-type': 'application/json',
      'connect-protocol-version': '1',
      authorization: `Bearer ${gateway.adminToken}`,
    },
    body: '{}',
  });

const headerList = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');

describe('with GATEWAY_CORS_ORIGINS set', () => {
  it('a preflight from the configured origin is allowed, with the Connect headers', async () => {
    const response = await preflight(configured, APP_ORIGIN);
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(headerList(response.headers['access-control-allow-methods'])).toContain('post');
    expect(headerList(response.headers['access-control-allow-headers'])).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'connect-protocol-version']),
    );
  });

  it('the real call from the configured origin is answered with the origin allowed and Connect headers exposed', async () => {
    const response = await call(configured, APP_ORIGIN);
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(headerList(response.headers['access-control-expose-headers'])).toEqual(
      expect.arrayContaining(['grpc-status', 'grpc-message']),
    );
    // A browser app reads the gateway's own headers too (README, "OpenAI and Anthropic clients, unchanged").
    expect(headerList(response.headers['access-control-expose-headers'])).toEqual(
      expect.arrayContaining(['x-gateway-route', 'x-gateway-expert', 'x-gateway-attempts']),
    );
  });

  it('an origin that is not listed gets no grant', async () => {
    const response = await preflight(configured, OTHER_ORIGIN);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const answered = await call(configured, OTHER_ORIGIN);
    expect(answered.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('without CORS configuration', () => {
  it.each([APP_ORIGIN, OTHER_ORIGIN])('no origin is allowed (%s)', async (origin) => {
    const response = await preflight(unconfigured, origin);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const answered = await call(unconfigured, origin);
    expect(answered.headers['access-control-allow-origin']).toBeUndefined();
  });
});
