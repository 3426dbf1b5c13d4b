// Small tools shared by the real-server tests: one-shot HTTP requests that
// never keep a connection, "wait until this closes" with a generous bound,
// child processes (curl, buf) kept off the network, and Connect error codes.
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type http2 from 'node:http2';
import type net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Code, ConnectError } from '@connectrpc/connect';

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** ALPN protocol of the connection (TLS only). */
  alpnProtocol: string | false | undefined;
}

export interface SimpleRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: Buffer;
}

/** One request on a fresh connection (agent: false), closed afterwards. */
export function request(url: string, options: SimpleRequest = {}): Promise<SimpleResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
        timeout: 10_000,
        ...(options.ca ? { ca: options.ca, ALPNProtocols: ['http/1.1'] } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            alpnProtocol: (response.socket as { alpnProtocol?: string | false }).alpnProtocol,
          }),
        );
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`request to ${url} timed out`)));
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

export interface H2Response {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

/** Sends one request on an existing HTTP/2 session and reads the whole answer. */
export function h2Request(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: string,
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    collectH2(stream).then(resolve, reject);
    stream.end(body);
  });
}

export function collectH2(stream: http2.ClientHttp2Stream): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    let responseHeaders: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (received) => (responseHeaders = received));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () =>
      resolve({
        status: Number(responseHeaders[':status'] ?? 0),
        headers: responseHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  });
}

/**
 * Resolves once `emitter` emits 'close'; rejects after `withinMs` (a generous
 * upper bound: "it did close", never "it closed quickly").
 */
export function closedWithin(emitter: net.Socket | http2.Http2Session, withinMs: number): Promise<void> {
  if (emitter.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${withinMs} ms`)), withinMs);
    emitter.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves with the promise's value, or rejects when it has not settled within `withinMs`. */
export function settlesWithin<T>(promise: Promise<T>, withinMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${withinMs} ms`)), withinMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Polls `condition` until it holds; rejects after `withinMs`. For sequencing, not for timing. */
export async function waitFor(condition: () => boolean, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function codeOf(promise: Promise<unknown>): Promise<Code> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error).code;
  }
  throw new Error('expected the call to fail');
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; a non-zero exit is a result, not an exception. */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 30_000, env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`${file} ${args.join(' ')} failed to run: ${error.message}\n${stderr}`));
        return;
      }
      resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

export const bufBin = fileURLToPath(new URL('../../node_modules/.bin/buf', import.meta.url));

/**
 * `buf` with empty cache/config folders and every non-loopback request sent to
 * a dead proxy, so it can never reach the Buf Schema Registry.
 */
export function createBufRunner(): { buf(args: string[]): Promise<CommandResult>; dispose(): void } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'server-buf-'));
  const env = {
    ...process.env,
    BUF_CACHE_DIR: path.join(home, 'cache'),
    BUF_CONFIG_DIR: path.join(home, 'config'),
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
  };
  return {
    buf: (args) => run(bufBin, args, env),
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** curl with no config file and no proxy. */
export const curl = (args: string[]): Promise<CommandResult> =>
  run('curl', ['--disable', '--silent', '--show-error', '--noproxy', '*', '--max-time', '20', ...args]);

export const adminHeaders = (token: string) => ({ authorization: `Bearer ${token}` });
