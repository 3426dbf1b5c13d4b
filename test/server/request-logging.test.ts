// GATEWAY_LOG_LEVEL=debug: Fastify's own lines for each HTTP request are debug lines that never take the
// gateway's "request completed" (so counting it counts requests), never name the client's address, and
// mask every query value but the API's own switches (README "Logs").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactQueryValues } from '../../src/server/log-serializers.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';

const DEBUG = 20;
const INFO = 30;

describe('query values on request lines', () => {
  it('masks every value but the allowed switches', () => {
    expect(redactQueryValues('/v1beta/models/m:generateContent?key=sk-gw-secret&alt=sse')).toBe('/v1beta/models/m:generateContent?key=[Redacted]&alt=sse');
    expect(redactQueryValues('/v1beta/models?pageSize=2&key=sk-gw-secret')).toBe('/v1beta/models?pageSize=[Redacted]&key=[Redacted]');
    expect(redactQueryValues('/healthz?token=abc')).toBe('/healthz?token=[Redacted]');
    expect(redactQueryValues('/healthz?sk-gw-bare&&')).toBe('/healthz?[Redacted]&&');
    expect(redactQueryValues('/v1/models')).toBe('/v1/models');
    expect(redactQueryValues('/v1/models?')).toBe('/v1/models?');
  });
});

describe('Fastify request lines at debug', () => {
  let harness: ShimHarness;
  let lines: Record<string, unknown>[];

  beforeAll(async () => {
    harness = await startShimHarness(['openai'], { GATEWAY_LOG_LEVEL: 'debug' });
    const before = harness.gateway.logLines.length;
    await harness.client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Say hello' }] });
    expect((await fetch(`${harness.gateway.url}/healthz?token=abc`)).status).toBe(200);
    const scrape = await fetch(`${harness.gateway.url}/metrics`, { headers: { authorization: `Bearer ${harness.gateway.adminToken}` } });
    expect(scrape.status).toBe(200);
    expect((await fetch(`${harness.gateway.url}/v1/models`, { headers: { authorization: 'Bearer sk-gw-not-a-real-key' } })).status).toBe(401);
    lines = harness.gateway.logLines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
  });
  afterAll(async () => harness?.close());

  it('logs each request at debug, and "request completed" once: the gateway line of the one governed request', () => {
    const fastifyLines = lines.filter((line) => line.msg === 'incoming request' || line.msg === 'response sent' || line.msg === 'response failed');
    // The request's id under one name on every line, as on the finished-request line.
    for (const line of fastifyLines) expect(line).toHaveProperty('requestId');
    expect(fastifyLines.filter((line) => line.msg === 'incoming request')).toHaveLength(4);
    expect(fastifyLines.filter((line) => line.msg === 'response sent')).toHaveLength(4);
    expect(fastifyLines.map((line) => line.level)).toEqual(fastifyLines.map(() => DEBUG));
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ level: INFO, model: 'openai/plain-text', status: 'ok' });
  });

  it('names the request by method, host and URL, its values masked, never by the client address', () => {
    const urls = lines.filter((line) => line.msg === 'incoming request').map((line) => line.req);
    expect(urls).toContainEqual({ method: 'GET', url: '/healthz?token=[Redacted]', host: expect.any(String) });
    for (const line of lines) {
      const text = JSON.stringify(line);
      expect(text).not.toMatch(/remoteAddress|remotePort/);
      expect(text).not.toContain('token=abc');
    }
    expect(lines.find((line) => line.msg === 'response sent' && (line.res as { statusCode: number }).statusCode === 401)).toMatchObject({
      responseTime: expect.any(Number),
    });
  });
});
