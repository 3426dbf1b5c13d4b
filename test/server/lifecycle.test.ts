// The gateway's life on a real port, as an operator sees it: health and
// readiness, a shutdown that neither hangs on idle connections nor drops work
// in flight, and connections that send nothing (or stop half-way) are cut.
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { connectRaw, type RawConnection } from './raw-http1.js';
import { closedWithin, collectH2, h2Request, request, settlesWithin, waitFor } from './helpers.js';

// Generous bounds for "it did happen", never a measure of speed.
const CLOSE_BOUND_MS = 10_000;

interface Running extends StartedGateway {
  /** Idempotent close, so afterEach can always call it. */
  closeOnce(): Promise<void>;
}

const running: Running[] = [];
const rawConnections: RawConnection[] = [];
const sessions: http2.ClientHttp2Session[] = [];

async function start(environment: Record<string, string> = {}): Promise<Running> {
  const started = await startGateway(environment);
  let closing: Promise<void> | undefined;
  const gateway: Running = { ...started, closeOnce: () => (closing ??= started.close()) };
  running.push(gateway);
  return gateway;
}

async function raw(port: number): Promise<RawConnection> {
  const connection = await connectRaw(port);
  rawConnections.push(connection);
  return connection;
}

function h2Session(url: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    sessions.push(session);
    session.on('error', () => {}); // a cut session is an expected outcome here
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

afterEach(async () => {
  for (const connection of rawConnections.splice(0)) connection.socket.destroy();
  for (const session of sessions.splice(0)) session.destroy();
  await Promise.all(running.splice(0).map((gateway) => gateway.closeOnce()));
});

const healthRequest = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/** Resolves once the gateway has logged the start of a request to `path` (its headers arrived). */
const requestStarted = (gateway: StartedGateway, path: string) =>
  waitFor(
    () => gateway.logLines.some((line) => line.includes('"incoming request"') && line.includes(`"url":"${path}"`)),
    CLOSE_BOUND_MS,
    `request to ${path} started`,
  );

describe('health and readiness', () => {
  it('/healthz and /readyz answer 200; /readyz answers 503 once the database is gone', async () => {
    const gateway = await start();
    const health = await request(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    expect((await request(`${gateway.url}/readyz`)).status).toBe(200);

    await gateway.gateway.storage.database.close();
    const notReady = await request(`${gateway.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toMatchObject({ status: 'unavailable' });
    // The process itself is still alive.
    expect((await request(`${gateway.url}/healthz`)).status).toBe(200);
  });
});

describe('h2c', () => {
  it('runs each HTTP/2 session on the TCP socket itself, not a JavaScript stream wrapper', async () => {
    const gateway = await start();
    const inner = (gateway.gateway.fastify.server as unknown as { _http2Server: http2.Http2Server })._http2Server;
    const served: http2.ServerHttp2Session[] = [];
    inner.on('session', (session: http2.ServerHttp2Session) => served.push(session));
    const session = await h2Session(gateway.url);
    const answer = await h2Request(session, { ':method': 'GET', ':path': '/healthz' });
    expect(answer.status).toBe(200);
    expect(served).toHaveLength(1);
    // Node wraps a socket whose handle is not a native stream in a JSStreamSocket (every frame through JS).
    const handle = (served[0]!.socket as unknown as { _handle: object })._handle;
    expect(handle.constructor.name).toBe('TCP');
  });
});

describe('close()', () => {
  it('does not wait for idle HTTP/1.1 keep-alive connections or idle HTTP/2 sessions', async () => {
    // Long idle timeout and grace: only the drain itself can free these connections early.
    const gateway = await start({ GATEWAY_IDLE_TIMEOUT_MS: '600000', GATEWAY_SHUTDOWN_GRACE_MS: '20000' });
    const keepAlive = await raw(gateway.port);
    keepAlive.write(healthRequest);
    const first = await keepAlive.nextResponse();
    expect(first.status).toBe(200);
    expect(first.headers['connection']).toBe('keep-alive');

    const session = await h2Session(gateway.url);
    expect((await h2Request(session, { ':path': '/healthz' })).status).toBe(200);

    await settlesWithin(gateway.closeOnce(), CLOSE_BOUND_MS, 'close() with idle connections open');
    await closedWithin(keepAlive.socket, CLOSE_BOUND_MS);
    await closedWithin(session, CLOSE_BOUND_MS);
  });

  it('lets an HTTP/2 request that is in flight finish with its answer', async () => {
    const gateway = await start({ GATEWAY_SHUTDOWN_GRACE_MS: '20000' });
    const session = await h2Session(gateway.url);
    // A Connect call whose body is held back: the handler cannot answer before it arrives.
    const stream = session.request({
      ':method': 'POST',
      ':path': '/llmgateway.v1.KeysService/ListKeys',
      'content-type': 'application/json',
      authorization: `Bearer ${gateway.adminToken}`,
    });
    const answer = collectH2(stream);
    await requestStarted(gateway, '/llmgateway.v1.KeysService/ListKeys');

    const goaway = new Promise((resolve) => session.once('goaway', resolve));
    const closing = gateway.closeOnce();
    await goaway; // the server is draining: no new streams on this session
    stream.end('{}');

    const response = await answer;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({});
    await settlesWithin(closing, CLOSE_BOUND_MS, 'close() after the in-flight request');
  });

  it('lets an HTTP/1.1 request that is in flight finish, then closes its connection', async () => {
    const gateway = await start({ GATEWAY_SHUTDOWN_GRACE_MS: '20000' });
    const connection = await raw(gateway.port);
    connection.write(
      'POST /llmgateway.v1.KeysService/ListKeys HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Content-Type: application/json\r\nAuthorization: Bearer ${gateway.adminToken}\r\nContent-Length: 2\r\n\r\n`,
    );
    await requestStarted(gateway, '/llmgateway.v1.KeysService/ListKeys');
    const closing = gateway.closeOnce();
    // Let the drain begin while the body is still missing (sequencing only).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connection.socket.destroyed).toBe(false);
    connection.write('{}');

    const response = await connection.nextResponse();
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({});
    expect(response.headers['connection']).toBe('close');
    await closedWithin(connection.socket, CLOSE_BOUND_MS);
    await settlesWithin(closing, CLOSE_BOUND_MS, 'close() after the in-flight request');
  });
});

describe('timeouts', () => {
  const timeouts = { GATEWAY_HEADERS_TIMEOUT_MS: '300', GATEWAY_REQUEST_TIMEOUT_MS: '500', GATEWAY_IDLE_TIMEOUT_MS: '500' };

  it('closes a connection that sends nothing after GATEWAY_HEADERS_TIMEOUT_MS', async () => {
    const gateway = await start(timeouts);
    const silent = await raw(gateway.port);
    await closedWithin(silent.socket, CLOSE_BOUND_MS);
    expect(silent.received()).toBe('');
  });

  it('closes an HTTP/1.1 connection that sends only part of its headers', async () => {
    const gateway = await start(timeouts);
    const partial = await raw(gateway.port);
    partial.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await closedWithin(partial.socket, CLOSE_BOUND_MS);
    expect(partial.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 and closes an HTTP/1.1 connection whose body is not all sent within GATEWAY_REQUEST_TIMEOUT_MS', async () => {
    const gateway = await start(timeouts);
    const slow = await raw(gateway.port);
    // An admin call, so the gateway reads the body (the headers are complete, the body never is).
    slow.write(
      'POST /llmgateway.v1.KeysService/ListKeys HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${gateway.adminToken}\r\nContent-Length: 10\r\n\r\n{`,
    );
    await closedWithin(slow.socket, CLOSE_BOUND_MS);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle HTTP/1.1 keep-alive connection after GATEWAY_IDLE_TIMEOUT_MS', async () => {
    const gateway = await start(timeouts);
    const keepAlive = await raw(gateway.port);
    keepAlive.write(healthRequest);
    expect((await keepAlive.nextResponse()).status).toBe(200);
    await closedWithin(keepAlive.socket, CLOSE_BOUND_MS);
  });

  it('closes an idle HTTP/2 session after GATEWAY_IDLE_TIMEOUT_MS', async () => {
    const gateway = await start(timeouts);
    const session = await h2Session(gateway.url);
    expect((await h2Request(session, { ':path': '/healthz' })).status).toBe(200);
    await closedWithin(session, CLOSE_BOUND_MS);
  });

  it('keeps serving new connections while those timeouts run', async () => {
    const gateway = await start(timeouts);
    const silent = await raw(gateway.port);
    const partial = await raw(gateway.port);
    partial.write('GET /healthz HTTP/1.1\r\n');
    expect((await request(`${gateway.url}/healthz`)).status).toBe(200);
    await closedWithin(silent.socket, CLOSE_BOUND_MS);
  });
});
