// The provider SDKs' fetch (node:http on keep-alive agents): what a provider
// call can observe must match the global fetch — statuses, bodies,
// compression, aborts, failures and timeouts — against a real local server;
// redirects are the exception: never followed (upstream-redirect.ts).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeUpstreamAgents, createUpstreamFetch } from '../../../src/providers/shared/upstream-fetch.js';
import { callerSignalInit } from '../../../src/providers/shared/caller-signal.js';
import { UpstreamRedirect } from '../../../src/providers/shared/upstream-redirect.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  remotePort: number;
}

describe('the upstream fetch (node:http)', () => {
  let server: http.Server;
  let base = '';
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = http.createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body, remotePort: request.socket.remotePort ?? 0 });
      switch (request.url) {
        case '/json':
          response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body }));
          return;
        case '/gzip':
          response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"zipped":true}'));
          return;
        case '/moved':
          response.writeHead(307, { location: '/json' }).end();
          return;
        case '/moved-away':
          response.writeHead(302, { location: 'https://elsewhere.invalid:8443/v1/chat?key=secret' }).end();
          return;
        case '/empty':
          response.writeHead(204).end();
          return;
        case '/empty-200':
          response.writeHead(200, { 'content-type': 'application/json' }).end();
          return;
        case '/not-json':
          response.writeHead(200, { 'content-type': 'application/json' }).end('<html>proxy error</html>');
          return;
        case '/chunks':
          // Three writes, then the connection is cut before the body ends.
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.write('data: 1\n\n');
          setTimeout(() => response.write('data: 2\n\n'), 20);
          setTimeout(() => request.socket.destroy(), 60);
          return;
        case '/two-events':
          // The whole body in two writes close together: the second may be parsed before the reader looks at it.
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.write('data: 1\n\n');
          response.end('data: {"error":"stop here"}\n\n');
          return;
        case '/slow-headers':
          setTimeout(() => response.writeHead(200).end('late'), 1_000);
          return;
        case '/stalls':
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.write('first part');
          return; // never ends
        default:
          response.writeHead(404).end('{"error":"no such path"}');
      }
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await closeUpstreamAgents();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });

  it('sends method, headers and body, and answers status, headers and JSON', async () => {
    const response = await upstreamFetch(`${base}/json`, { method: 'POST', body: '{"q":1}', headers: new Headers({ 'Content-Type': 'application/json', 'X-Custom': 'yes' }) });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.statusText).toBe('Created');
    expect(response.url).toBe(`${base}/json`);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(await response.json()).toEqual({ echo: '{"q":1}' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(/already been read/);
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-custom']).toBe('yes');
    expect(request.headers['content-length']).toBe('7');
  });

  it('sends Host and a byte-exact Content-Length as fetch does (the SDKs pass a Headers)', async () => {
    await (await upstreamFetch(`${base}/json`, { method: 'POST', body: '{"q":"héllo ✓"}', headers: new Headers({ 'content-type': 'application/json' }) })).text();
    const posted = seen.at(-1)!;
    expect(posted.body).toBe('{"q":"héllo ✓"}');
    expect(posted.headers['content-length']).toBe(String(Buffer.byteLength('{"q":"héllo ✓"}')));
    expect(posted.headers['host']).toBe(new URL(base).host);
    expect(posted.headers['transfer-encoding']).toBeUndefined();
    await (await upstreamFetch(`${base}/json`, { method: 'POST', headers: new Headers() })).text();
    expect(seen.at(-1)!.headers['content-length']).toBe('0');
    await (await upstreamFetch(`${base}/json`, { headers: new Headers({ accept: 'application/json' }) })).text();
    expect(seen.at(-1)!.method).toBe('GET');
    expect(seen.at(-1)!.headers['content-length']).toBeUndefined();
    expect(seen.at(-1)!.headers['accept']).toBe('application/json');
  });

  it('keeps the connection alive between calls', async () => {
    await (await upstreamFetch(`${base}/json`, { method: 'POST', body: 'a' })).text();
    await (await upstreamFetch(`${base}/json`, { method: 'POST', body: 'b' })).text();
    const [first, second] = seen.slice(-2);
    expect(second!.remotePort).toBe(first!.remotePort);
  });

  it('answers an error status with its body, not a rejection', async () => {
    const response = await upstreamFetch(`${base}/nowhere`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(response.ok).toBe(false);
    expect(await response.json()).toEqual({ error: 'no such path' });
  });

  it('reads an empty or non-JSON 200 body as the upstream fault it is, not as a SyntaxError', async () => {
    await expect((await upstreamFetch(`${base}/empty-200`)).json()).rejects.toMatchObject({ name: 'UpstreamFault', condition: 'empty_body' });
    await expect((await upstreamFetch(`${base}/not-json`)).json()).rejects.toMatchObject({ name: 'UpstreamFault', condition: 'malformed_body' });
  });

  it('has no body for 204', async () => {
    const response = await upstreamFetch(`${base}/empty`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('decodes a gzip body', async () => {
    expect(await (await upstreamFetch(`${base}/gzip`)).json()).toEqual({ zipped: true });
  });

  it('never follows a redirect: it rejects naming the location’s origin (not its path or query)', async () => {
    const before = seen.length;
    await expect(upstreamFetch(`${base}/moved`, { method: 'POST', body: 'again' })).rejects.toMatchObject({ name: 'UpstreamRedirect', redirectStatus: 307, origin: base });
    const away = await upstreamFetch(`${base}/moved-away`, { method: 'POST', body: 'again' }).catch((error: unknown) => error);
    expect(away).toBeInstanceOf(UpstreamRedirect);
    expect(away).toMatchObject({ redirectStatus: 302, origin: 'https://elsewhere.invalid:8443' });
    expect((away as Error).message).not.toContain('secret');
    // The answers' bodies are read off and the connection is kept: nothing went to the location.
    expect(seen.slice(before).map((request) => request.url)).toEqual(['/moved', '/moved-away']);
  });

  it('never follows a redirect for a body the global fetch sends either (a form upload)', async () => {
    const before = seen.length;
    const form = new FormData();
    form.set('file', new Blob(['audio']), 'a.wav');
    await expect(upstreamFetch(`${base}/moved`, { method: 'POST', body: form })).rejects.toMatchObject({ name: 'UpstreamRedirect', redirectStatus: 307, origin: base });
    expect(seen.slice(before).map((request) => request.url)).toEqual(['/moved']);
  });

  it('streams the body chunk by chunk, and a cut connection fails the read', async () => {
    const response = await upstreamFetch(`${base}/chunks`);
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of response.body as unknown as AsyncIterable<Buffer>) chunks.push(String(chunk));
    })();
    await expect(reading).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(chunks).toEqual(['data: 1\n\n', 'data: 2\n\n']);
  });

  it('keeps the last bytes the reader took, to tell how a stream ended', async () => {
    const response = await upstreamFetch(`${base}/two-events`);
    const tail = () => (response as unknown as { readTail(): string }).readTail();
    expect(tail()).toBe('');
    for await (const chunk of response.body as unknown as AsyncIterable<Buffer>) void chunk;
    // The last 32 bytes of the body, across its two writes.
    expect(tail()).toBe('data: 1\n\ndata: {"error":"stop here"}\n\n'.slice(-32));
  });

  it('gives @google/genai a web stream it can read', async () => {
    const webFetch = createUpstreamFetch({ body: 'web', timeouts: 'none' });
    const response = await webFetch(`${base}/json`, { method: 'POST', body: 'web' });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += Buffer.from(part.value).toString();
    expect(JSON.parse(text)).toEqual({ echo: 'web' });
  });

  it('rejects with TypeError("fetch failed") when the upstream cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = upstreamFetch(`http://127.0.0.1:${port}/json`, { method: 'POST', body: '{}' });
    await expect(failure).rejects.toThrow(TypeError);
    await expect(failure).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('rejects with the signal’s reason when aborted before the answer', async () => {
    const controller = new AbortController();
    const pending = upstreamFetch(`${base}/slow-headers`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client left')), 50);
    await expect(pending).rejects.toThrow('client left');
  });

  it('rejects at once for a signal already aborted', async () => {
    await expect(upstreamFetch(`${base}/json`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an abort while the body is read fails the read', async () => {
    const controller = new AbortController();
    const response = await upstreamFetch(`${base}/stalls`, { signal: controller.signal });
    const reading = response.text();
    setTimeout(() => controller.abort(), 50);
    await expect(reading).rejects.toBeDefined();
  });

  it('an abort after the reader stopped early throws nothing (the openai SDK aborts a stream it leaves)', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const controller = new AbortController();
        const response = await upstreamFetch(`${base}/two-events`, { signal: controller.signal });
        const events: string[] = [];
        for await (const chunk of response.body as unknown as AsyncIterable<Buffer>) {
          events.push(String(chunk));
          // As the SDK does: abort first, then leave the body (before its end was read).
          if (events.join('').includes('stop here')) {
            controller.abort();
            break;
          }
        }
        expect(events.join('')).toContain('stop here');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = await upstreamFetch(`${base}/json`, { method: 'POST', body: 'still fine' });
      expect(await after.json()).toEqual({ echo: 'still fine' });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  describe('the gateway’s signal, passed beside the SDK’s (caller-signal.ts)', () => {
    it('rejects with its reason when it aborts before the answer, with the SDK’s signal still live', async () => {
      const gateway = new AbortController();
      const pending = upstreamFetch(`${base}/slow-headers`, { signal: new AbortController().signal, ...callerSignalInit(gateway.signal) });
      setTimeout(() => gateway.abort(new Error('client left')), 50);
      await expect(pending).rejects.toThrow('client left');
    });

    it('rejects at once when it is already aborted', async () => {
      await expect(upstreamFetch(`${base}/json`, { method: 'GET', ...callerSignalInit(AbortSignal.abort()) })).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('fails a body being read', async () => {
      const gateway = new AbortController();
      const response = await upstreamFetch(`${base}/stalls`, { signal: new AbortController().signal, ...callerSignalInit(gateway.signal) });
      const reading = response.text();
      setTimeout(() => gateway.abort(), 50);
      await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('still aborts a call the global fetch takes over (a form body)', async () => {
      const gateway = new AbortController();
      const form = new FormData();
      form.set('field', 'value');
      const pending = upstreamFetch(`${base}/slow-headers`, { method: 'POST', body: form, ...callerSignalInit(gateway.signal) });
      setTimeout(() => gateway.abort(new Error('deadline')), 200);
      await expect(pending).rejects.toThrow('deadline');
    });
  });

  it('fails a call whose upstream goes quiet (default timeouts)', async () => {
    const impatient = createUpstreamFetch({ body: 'node', timeouts: 'default', idleTimeoutMs: 200 });
    await expect(impatient(`${base}/slow-headers`)).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ETIMEDOUT' } });
    const response = await impatient(`${base}/stalls`);
    await expect(response.text()).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('waits as long as it takes with timeouts "none"', async () => {
    const patient = createUpstreamFetch({ body: 'node', timeouts: 'none', idleTimeoutMs: 200 });
    const response = await patient(`${base}/slow-headers`);
    expect(await response.text()).toBe('late');
  });
});
