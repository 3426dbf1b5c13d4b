// The `fetch` the provider SDKs are given: undici's `request()` on a shared
// keep-alive Agent, answered with a small Response-shaped object whose body is
// the Node stream itself. Measured on the benchmark (bench/README.md), the
// global fetch — WHATWG Request/Response, web streams, AbortSignal plumbing —
// cost more CPU per upstream call than everything else the gateway does; the
// SDKs only need status, headers, json()/text() and a body they can iterate.
//
// Same behaviour as the global fetch where a provider call can tell:
// - redirects (3xx with a location) are followed, by handing the request to
//   the global fetch (rare: the SDKs send string bodies, which can be re-sent);
// - a compressed body (content-encoding gzip, deflate or br) is decoded (no
//   accept-encoding is sent, so upstreams normally answer uncompressed);
// - the caller's AbortSignal aborts the request and a body being read;
// - anything the fast path does not handle (a Request object, a stream or
//   form body) goes to the global fetch unchanged.
// Timeouts: `default` keeps undici's own (as the global fetch: 300 s for the
// headers and between body chunks); `none` has none (what @google/genai asks
// of the global dispatcher); the gateway's own deadlines abort through the signal.
import { STATUS_CODES } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, request } from 'undici';
import { UpstreamResponseHeaders } from './upstream-response-headers.js';

export type UpstreamFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface UpstreamFetchOptions {
  /**
   * `node`: `body` is the Node Readable (async-iterable: the openai and
   * Anthropic SDKs read it so); `web`: `body` is a WHATWG ReadableStream made
   * on first access (@google/genai calls getReader()).
   */
  body: 'node' | 'web';
  timeouts: 'default' | 'none';
}

const agents = new Map<UpstreamFetchOptions['timeouts'], Agent>();

/** One Agent per timeout policy for the whole process: its connection pools are per origin. */
function agentFor(timeouts: UpstreamFetchOptions['timeouts']): Agent {
  let agent = agents.get(timeouts);
  if (!agent) {
    agent = timeouts === 'none' ? new Agent({ headersTimeout: 0, bodyTimeout: 0 }) : new Agent();
    agents.set(timeouts, agent);
  }
  return agent;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function createUpstreamFetch(options: UpstreamFetchOptions): UpstreamFetch {
  return async (input, init = {}) => {
    const body = init.body;
    const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if ((typeof input !== 'string' && !(input instanceof URL)) || !simpleBody) return fetch(input, init);
    const url = String(input);
    const answer = await request(url, {
      method: (init.method ?? 'GET') as 'GET',
      headers: headerRecord(init.headers),
      body: body ?? null,
      signal: init.signal ?? null,
      dispatcher: agentFor(options.timeouts),
    });
    if (REDIRECTS.has(answer.statusCode) && answer.headers['location'] !== undefined) {
      await answer.body.dump();
      return fetch(input, init);
    }
    return responseOf(url, answer.statusCode, answer.headers, answer.body, options.body);
  };
}

function headerRecord(source: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!source) return record;
  if (source instanceof Headers) {
    source.forEach((value, name) => {
      record[name] = value;
    });
  } else if (Array.isArray(source)) {
    for (const [name, value] of source) if (name !== undefined && value !== undefined) record[name.toLowerCase()] = value;
  } else {
    for (const [name, value] of Object.entries(source)) if (value !== undefined && value !== null) record[name.toLowerCase()] = String(value);
  }
  return record;
}

function decoded(body: Readable, encoding: string | null): Readable {
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return body;
  return pipeline(body, decoder, () => {});
}

function responseOf(
  url: string,
  status: number,
  rawHeaders: Record<string, string | string[] | undefined>,
  rawBody: Readable,
  bodyKind: UpstreamFetchOptions['body'],
): Response {
  const headers = new UpstreamResponseHeaders(rawHeaders);
  const stream = decoded(rawBody, headers.get('content-encoding')?.trim().toLowerCase() ?? null);
  let used = false;
  let webBody: ReadableStream<Uint8Array> | undefined;
  const bytes = async (): Promise<Buffer> => {
    if (used) throw new TypeError('Body is unusable: Body has already been read');
    used = true;
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  };
  const text = async () => (await bytes()).toString('utf8');
  const response = {
    ok: status >= 200 && status <= 299,
    status,
    statusText: STATUS_CODES[status] ?? '',
    url,
    redirected: false,
    type: 'basic',
    headers,
    get bodyUsed() {
      return used;
    },
    get body() {
      if (NULL_BODY.has(status)) return null;
      if (bodyKind === 'node') return stream;
      webBody ??= Readable.toWeb(stream) as ReadableStream<Uint8Array>;
      return webBody;
    },
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: async () => copyOf(await bytes()).buffer,
    bytes: async () => copyOf(await bytes()),
    blob: async () => new Blob([copyOf(await bytes())]),
    formData: () => Promise.reject(new TypeError('formData() is not supported for upstream responses')),
    clone: () => {
      throw new TypeError('clone() is not supported for upstream responses');
    },
  };
  return response as unknown as Response;
}

/** A Uint8Array over its own ArrayBuffer (a Buffer may be a view into a shared pool). */
function copyOf(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return copy;
}

/** Closes the shared connection pools (tests; the process exit closes them anyway). */
export async function closeUpstreamAgents(): Promise<void> {
  const closing = [...agents.values()].map((agent) => agent.close());
  agents.clear();
  await Promise.all(closing);
}
