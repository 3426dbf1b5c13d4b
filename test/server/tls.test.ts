// With GATEWAY_TLS_CERT_FILE/KEY_FILE the one port speaks TLS only, with ALPN
// choosing HTTP/2 or HTTP/1.1; cleartext on that port is refused. The
// certificate is a fresh self-signed one for 127.0.0.1, trusted by each client
// through `ca` (never by disabling verification). GATEWAY_METRICS_PORT speaks
// TLS with the same certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/gateway-process.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { createGrpcJsClients, type GrpcJsClients } from './grpc-js-client.js';
import { h2Request, request } from './helpers.js';

let certDir: string;
let ca: Buffer;
let gateway: StartedGateway;
let metricsPort = 0;
let grpcJs: GrpcJsClients | undefined;
const sessions: http2.ClientHttp2Session[] = [];

beforeAll(async () => {
  certDir = mkdtempSync(path.join(os.tmpdir(), 'gw-tls-'));
  const certFile = path.join(certDir, 'cert.pem');
  const keyFile = path.join(certDir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  );
  ca = readFileSync(certFile);
  metricsPort = await freePort();
  gateway = await startGateway({ GATEWAY_TLS_CERT_FILE: certFile, GATEWAY_TLS_KEY_FILE: keyFile, GATEWAY_METRICS_PORT: String(metricsPort) });
});

afterAll(async () => {
  grpcJs?.close();
  for (const session of sessions) session.destroy();
  await gateway?.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

const httpsUrl = () => `https://127.0.0.1:${gateway.port}`;
const listKeys = '/llmgateway.v1.KeysService/ListKeys';

function connectH2(): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(httpsUrl(), { ca });
    sessions.push(session);
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

describe('TLS on the metrics port', () => {
  it('serves GET /metrics over TLS with the same certificate, and refuses cleartext', async () => {
    const answer = await request(`https://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${gateway.adminToken}` }, ca });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('llm_gateway_requests_total');
    await expect(request(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${gateway.adminToken}` } })).rejects.toThrow();
  });
});

describe('TLS with ALPN', () => {
  it('listen() reports an https address', () => {
    expect(gateway.url).toBe(httpsUrl());
  });

  it('negotiates h2 and serves /healthz and a Connect call over it', async () => {
    const session = await connectH2();
    expect(session.alpnProtocol).toBe('h2');
    const health = await h2Request(session, { ':path': '/healthz' });
    expect(health.status).toBe(200);
    const created = await h2Request(
      session,
      {
        ':method': 'POST',
        ':path': '/llmgateway.v1.KeysService/CreateKey',
        'content-type': 'application/json',
        authorization: `Bearer ${gateway.adminToken}`,
      },
      JSON.stringify({ name: 'over-h2-tls' }),
    );
    expect(created.status).toBe(200);
    expect(JSON.parse(created.body)).toMatchObject({ key: { name: 'over-h2-tls' } });
  });

  it('negotiates http/1.1 and serves /healthz and a Connect call over it', async () => {
    const health = await request(`${httpsUrl()}/healthz`, { ca });
    expect(health.alpnProtocol).toBe('http/1.1');
    expect(health.status).toBe(200);
    const listed = await request(`${httpsUrl()}${listKeys}`, {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: '{}',
    });
    expect(listed.alpnProtocol).toBe('http/1.1');
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toBeTypeOf('object');
  });

  it('serves @grpc/grpc-js with createSsl(ca)', async () => {
    grpcJs = createGrpcJsClients(`127.0.0.1:${gateway.port}`, grpc.credentials.createSsl(ca));
    const created = await grpcJs.call('keys', 'createKey', { name: 'over-grpc-tls' }, gateway.adminToken);
    expect(created.key).toMatchObject({ name: 'over-grpc-tls', enabled: true });
    expect(await grpcJs.statusOf('keys', 'listKeys', {}, 'not-the-admin-token-0123456789')).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(request(`${httpsUrl()}/healthz`)).rejects.toThrow(/self.signed|certificate/i);
  });
});

describe('cleartext on the TLS port', () => {
  it('an HTTP/1.1 request gets no answer: the connection is closed', async () => {
    await expect(request(`http://127.0.0.1:${gateway.port}/healthz`)).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE/);
  });

  it('an h2c (prior knowledge) session gets no answer either', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const session = http2.connect(`http://127.0.0.1:${gateway.port}`);
      sessions.push(session);
      session.on('error', (error) => resolve(`error: ${error.message}`));
      session.on('close', () => resolve('closed'));
      const stream = session.request({ ':path': '/healthz' });
      stream.on('error', () => {});
      stream.on('response', (headers) => resolve(`answered ${String(headers[':status'])}`));
      stream.end();
    });
    expect(outcome).not.toMatch(/^answered/);
  });

  it('a plain http.request with keep-alive agent fails the same way', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      await expect(
        new Promise((resolve, reject) => {
          const outgoing = http.get({ host: '127.0.0.1', port: gateway.port, path: '/healthz', agent }, resolve);
          outgoing.on('error', reject);
        }),
      ).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });
});
