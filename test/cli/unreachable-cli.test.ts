// The built `llm-gateway` binary against what is not a working gateway: a
// listener that never answers (--timeout), TLS it cannot verify, the wrong
// scheme, a server that is not the gateway, and a gateway that answers that it
// is unavailable. Each is exit 4 with the cause named, and only the last says
// the gateway answered.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Code, ConnectError } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { runCli } from '../helpers/cli-process.js';

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
let certDir: string;
let silentUrl: string;
let tlsPort: number;
let jsonPort: number;
let unavailableUrl: string;

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  // Accepts the connection and never answers (a hung gateway, a stuck proxy).
  silentUrl = `http://127.0.0.1:${await listen(net.createServer(() => {}))}`;
  certDir = mkdtempSync(path.join(os.tmpdir(), 'gw-cli-tls-'));
  const certFile = path.join(certDir, 'cert.pem');
  const keyFile = path.join(certDir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  );
  tlsPort = await listen(https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (_request, response) => response.end()));
  // Some other HTTP service: JSON for every request.
  jsonPort = await listen(http.createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end('{"status":"ok"}');
  }));
  // The admin API answering as the gateway does while its database is down.
  const unavailable = connectNodeAdapter({
    routes: (router) =>
      router.service(KeysService, {
        listKeys() {
          throw new ConnectError("the gateway's database is unavailable", Code.Unavailable);
        },
      }),
  });
  unavailableUrl = `http://127.0.0.1:${await listen(http.createServer(unavailable))}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

const token = { GATEWAY_ADMIN_TOKEN: 'gw-admin-cli-tests-0123456789abcdef' };

describe('llm-gateway against no working gateway', { timeout: 60_000 }, () => {
  it('gives up after --timeout (or GATEWAY_CLI_TIMEOUT) on a gateway that never answers: exit 4, saying it timed out', async () => {
    const flag = await runCli(['--timeout', '1s', 'keys', 'list'], { ...token, GATEWAY_URL: silentUrl });
    expect(flag.code).toBe(4);
    expect(flag.stderr).toContain(`the gateway at ${silentUrl} could not be reached: no answer within 1s (timed out`);
    const file = path.join(certDir, 'gateway.yaml');
    writeFileSync(file, 'keys:\n  - name: ci\n');
    const variable = await runCli(['apply', '-f', file, '--dry-run'], { ...token, GATEWAY_URL: silentUrl, GATEWAY_CLI_TIMEOUT: '500ms' });
    expect(variable.code).toBe(4);
    expect(variable.stderr).toContain('no answer within 500ms');
    const bad = await runCli(['--timeout', 'soon', 'keys', 'list'], { ...token, GATEWAY_URL: silentUrl });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timeout: expected a duration');
    // A bad value from the environment is named as the variable it came from.
    const badVariable = await runCli(['keys', 'list'], { ...token, GATEWAY_URL: silentUrl, GATEWAY_CLI_TIMEOUT: 'abc' });
    expect(badVariable.code).toBe(2);
    expect(badVariable.stderr).toContain('GATEWAY_CLI_TIMEOUT: expected a duration');
  });

  it('reports TLS and connection failures as not reached (exit 4), with the cause', async () => {
    const untrusted = await runCli(['keys', 'list'], { ...token, GATEWAY_URL: `https://127.0.0.1:${tlsPort}` });
    expect(untrusted.code).toBe(4);
    expect(untrusted.stderr).toContain(`the gateway at https://127.0.0.1:${tlsPort} could not be reached: self-signed certificate`);
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');

    const cleartextToTls = await runCli(['keys', 'list'], { ...token, GATEWAY_URL: `http://127.0.0.1:${tlsPort}` });
    expect(cleartextToTls.code).toBe(4);
    expect(cleartextToTls.stderr).toContain('could not be reached');

    const tlsToCleartext = await runCli(['keys', 'list'], { ...token, GATEWAY_URL: `https://127.0.0.1:${jsonPort}` });
    expect(tlsToCleartext.code).toBe(4);
    expect(tlsToCleartext.stderr).toContain('could not be reached: TLS failed');
    expect(tlsToCleartext.stderr).toContain('does --url have the right scheme');

    for (const result of [untrusted, cleartextToTls, tlsToCleartext]) expect(result.stderr).not.toContain('the gateway answered');
  });

  it('says when what answers is not the gateway (exit 4)', async () => {
    const other = await runCli(['keys', 'list'], { ...token, GATEWAY_URL: `http://127.0.0.1:${jsonPort}` });
    expect(other.code).toBe(4);
    expect(other.stderr).toContain(`http://127.0.0.1:${jsonPort} does not serve the gateway's admin API (unsupported content type application/json): check --url`);
  });

  it('says the gateway answered when it reports itself unavailable, e.g. its database down (exit 4)', async () => {
    const down = await runCli(['keys', 'list'], { ...token, GATEWAY_URL: unavailableUrl });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain(`the gateway at ${unavailableUrl} answered that it is unavailable: the gateway's database is unavailable`);
    expect(down.stderr).not.toContain('could not be reached');
  });
});
