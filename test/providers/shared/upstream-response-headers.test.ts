import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeUpstreamAgents, createUpstreamFetch } from '../../../src/providers/shared/upstream-fetch.js';
import { UpstreamResponseHeaders } from '../../../src/providers/shared/upstream-response-headers.js';

const RAW = {
  'content-type': 'application/json',
  'x-request-id': 'req_123',
  'retry-after': '2',
  vary: ['accept', 'origin'],
  'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
  'X-Mixed-Case': 'kept',
};

/** What the global fetch's Headers holds for the same answer. */
function reference(): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(RAW)) for (const entry of Array.isArray(value) ? value : [value]) headers.append(name, entry);
  return headers;
}

describe('UpstreamResponseHeaders', () => {
  it('reads like the Headers of a fetch Response', () => {
    const ours = new UpstreamResponseHeaders(RAW);
    const theirs = reference();
    expect(ours).toBeInstanceOf(Headers);
    for (const name of ['content-type', 'Content-Type', 'VARY', 'set-cookie', 'x-mixed-case', 'absent']) {
      expect(ours.get(name)).toBe(theirs.get(name));
      expect(ours.has(name)).toBe(theirs.has(name));
    }
    expect([...ours]).toEqual([...theirs]);
    expect([...ours.entries()]).toEqual([...theirs.entries()]);
    expect([...ours.keys()]).toEqual([...theirs.keys()]);
    expect([...ours.values()]).toEqual([...theirs.values()]);
    expect(ours.getSetCookie()).toEqual(theirs.getSetCookie());
    const seen: string[] = [];
    ours.forEach((value, name, parent) => {
      expect(parent).toBe(ours);
      seen.push(`${name}=${value}`);
    });
    expect(seen).toEqual([...theirs].map(([name, value]) => `${name}=${value}`));
    // A copy made by the platform's own Headers reads the same.
    expect([...new Headers(ours)]).toEqual([...theirs]);
  });

  it('is immutable, as a Response’s headers are', () => {
    const ours = new UpstreamResponseHeaders(RAW);
    expect(() => ours.set('x', '1')).toThrow(TypeError);
    expect(() => ours.append('x', '1')).toThrow(TypeError);
    expect(() => ours.delete('vary')).toThrow(TypeError);
    expect(ours.get('vary')).toBe('accept, origin');
  });
});

describe('the upstream fetch answers with them', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((_request, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.setHeader('x-request-id', 'req_abc');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await closeUpstreamAgents();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a real answer: status, headers and body', async () => {
    const fetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
    const response = await fetch(`${base}/v1/x`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Request-Id')).toBe('req_abc');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
  });
});
