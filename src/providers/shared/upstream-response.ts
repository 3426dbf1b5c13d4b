// The Response-shaped answer of the upstream fetch: what the SDKs read of a
// fetch Response — status, headers, json()/text(), a body to iterate — over
// the Node response stream. A class (methods on the prototype) rather than an
// object of closures, and the body collected from 'data' events rather than
// an async iterator: this object is built for every upstream call.
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import type { UpstreamResponseHeaders } from './upstream-response-headers.js';
import { bodyTail, keepAliveBody } from './upstream-body.js';
import { isJsonObject, jsonKindOf, UpstreamFault } from './upstream-fault.js';

/** `node`: `body` is the Node Readable; `web`: a WHATWG ReadableStream made on first access. */
export type UpstreamBodyKind = 'node' | 'web';

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export class UpstreamResponse {
  readonly ok: boolean;
  readonly statusText: string;
  readonly redirected = false;
  readonly type = 'basic';
  #used = false;
  #webBody: ReadableStream<Uint8Array> | undefined;
  #nodeBody: Readable | undefined;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: UpstreamResponseHeaders,
    private readonly stream: Readable,
    private readonly bodyKind: UpstreamBodyKind,
  ) {
    this.ok = status >= 200 && status <= 299;
    this.statusText = STATUS_CODES[status] ?? '';
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): Readable | ReadableStream<Uint8Array> | null {
    if (NULL_BODY.has(this.status)) return null;
    if (this.bodyKind === 'node') return (this.#nodeBody ??= keepAliveBody(this.stream));
    this.#webBody ??= Readable.toWeb(this.stream) as ReadableStream<Uint8Array>;
    return this.#webBody;
  }

  /** The last bytes (up to 32, latin1) a reader took from the streamed body: how the stream ended (upstream-body.ts). */
  readTail(): string {
    return this.#nodeBody === undefined ? '' : bodyTail(this.#nodeBody);
  }

  async text(): Promise<string> {
    return (await this.#bytes()).toString('utf8');
  }

  /**
   * A 2xx body that is empty, not JSON (its Content-Type named: what it is instead) or JSON but not an
   * object (every vendor answers an object) is the upstream's fault, said so; an error status's body stays
   * the SDK's to read.
   */
  async json(): Promise<unknown> {
    const text = await this.text();
    if (!this.ok) return JSON.parse(text) as unknown;
    if (text.trim() === '') throw new UpstreamFault('empty_body');
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      const type = mediaTypeOf(this.headers.get('content-type'));
      throw new UpstreamFault('malformed_body', type ? `not valid JSON; Content-Type ${type}` : 'not valid JSON');
    }
    if (!isJsonObject(value)) throw new UpstreamFault('malformed_body', `${jsonKindOf(value)} rather than an object`);
    return value;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return copyOf(await this.#bytes()).buffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return copyOf(await this.#bytes());
  }

  async blob(): Promise<Blob> {
    return new Blob([copyOf(await this.#bytes())]);
  }

  formData(): Promise<never> {
    return Promise.reject(new TypeError('formData() is not supported for upstream responses'));
  }

  clone(): never {
    throw new TypeError('clone() is not supported for upstream responses');
  }

  #bytes(): Promise<Buffer> {
    if (this.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    return collect(this.stream);
  }
}

/** The whole body; rejects with the stream's error, or if it closes before its end. */
function collect(stream: Readable & { complete?: boolean }): Promise<Buffer> {
  // Received whole already (an IncomingMessage's `complete`; a small answer comes in one packet with
  // its headers): read() takes it from the buffer at once, without the flowing mode's events. read()
  // queues the stream's 'end', which returns the socket to the keep-alive pool (a tick later still):
  // the body is answered from a tick queued behind it, so a caller's next request finds the socket free.
  if (stream.complete === true && stream.readableFlowing === null && !stream.destroyed) {
    const whole = (stream.read() as Buffer | null) ?? Buffer.alloc(0);
    return new Promise((resolve) => process.nextTick(resolve, whole));
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let ended = false;
    stream.on('data', (part: Buffer) => parts.push(part));
    stream.once('end', () => {
      ended = true;
      resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    });
    stream.once('error', reject);
    stream.once('close', () => {
      if (!ended) reject(Object.assign(new Error('the upstream response closed before its end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
}

/** A Uint8Array over its own ArrayBuffer (a Buffer may be a view into a shared pool). */
function copyOf(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return copy;
}

/** The media type of a Content-Type (no parameters), when it looks like one; an upstream's header goes into an error message. */
function mediaTypeOf(contentType: string | null): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type && type.length <= 100 && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : undefined;
}
