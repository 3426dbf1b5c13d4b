// The upload endpoints (images/edits, audio transcriptions and translations: multipart) within the
// gateway's limits, through the official openai client (toFile) and raw fetch where the client cannot
// build the case: the whole body — files and fields together — within GATEWAY_BODY_LIMIT_BYTES as a JSON
// body is, answered as JSON bodies over it are (413 `request_too_large`, a `payload_too_large` row), and
// the upstream never called.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError, toFile } from 'openai';
import { keyRows, type ShimHarness, startShimHarness } from './shim-harness.js';

const BODY_LIMIT = 1024 * 1024;

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai'], { GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  const fixture = harness.fixture('openai');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'media',
    name: 'Media',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    models: ['gpt-image-1', 'whisper-1'].map((upstreamModel) => ({ upstreamModel })),
  });
});
afterAll(async () => harness?.close());

type Row = { status: string; errorKind?: string; operation: string };

async function freshClient(): Promise<{ client: OpenAI; keyId: string; secret: string }> {
  const created = (await harness.admin('KeysService/CreateKey', { name: 'media-limits' })) as { secret: string; key: { id: string } };
  return { client: harness.clientWith({ apiKey: created.secret }), keyId: created.key.id, secret: created.secret };
}

/** What the client read: the status and OpenAI's error body. */
async function refusal(call: Promise<unknown>): Promise<{ status: number | undefined; error: unknown }> {
  const caught = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(APIError);
  return { status: (caught as APIError).status, error: (caught as APIError).error };
}

const upstreamCalls = () => harness.fixture('openai').received.length;

describe('the whole multipart body within GATEWAY_BODY_LIMIT_BYTES', () => {
  it('a transcription over the limit is a 413 request_too_large, logged payload_too_large, never sent upstream', async () => {
    const { client, keyId } = await freshClient();
    const calls = upstreamCalls();
    const audio = Buffer.alloc(2 * BODY_LIMIT, 7);
    const { status, error } = await refusal(client.audio.transcriptions.create({ model: 'media/whisper-1', file: await toFile(audio, 'big.wav', { type: 'audio/wav' }) }));
    expect(status).toBe(413);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    expect(upstreamCalls()).toBe(calls);
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ errorKind: 'payload_too_large' });
  });

  it('an image edit whose images are each under the limit but together over it is refused the same way', async () => {
    const { client } = await freshClient();
    const calls = upstreamCalls();
    const image = Buffer.alloc(Math.round(0.7 * BODY_LIMIT), 1);
    const images = [await toFile(image, 'a.png', { type: 'image/png' }), await toFile(image, 'b.png', { type: 'image/png' })];
    const { status, error } = await refusal(client.images.edit({ model: 'media/gpt-image-1', prompt: 'x', image: images }));
    expect(status).toBe(413);
    expect(error).toMatchObject({ code: 'request_too_large' });
    expect(upstreamCalls()).toBe(calls);
  });

  it('a chunked body (no Content-Length) is cut off at the limit too, and the connection still answers', async () => {
    const { keyId, secret } = await freshClient();
    const calls = upstreamCalls();
    const boundary = 'gw-limit-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nmedia/whisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
    const chunks = [Buffer.from(head), ...Array.from({ length: 12 }, () => Buffer.alloc(256 * 1024, 3)), Buffer.from(`\r\n--${boundary}--\r\n`)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const response = await fetch(`${harness.gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    expect(upstreamCalls()).toBe(calls);
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ errorKind: 'payload_too_large' });
    // The gateway still serves (a small upload under the limit goes through).
    const small = await harness.client.audio.transcriptions.create({ model: 'media/whisper-1', file: await toFile(Buffer.alloc(1000), 'a.wav', { type: 'audio/wav' }) });
    expect(small.text).toBe('Bonjour tout le monde.');
  });
});

describe('a multipart body that is not a well-formed form', () => {
  it('is a 400 invalid_request_error naming the body (not a 500), logged invalid_argument, never sent upstream', async () => {
    const { keyId, secret } = await freshClient();
    const calls = upstreamCalls();
    const boundary = 'gateway-test-boundary';
    // A part header with no end, then the body stops: busboy's "Unexpected end of form".
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nmedia/whisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF`;
    const answer = await fetch(`${harness.gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error' });
    expect(upstreamCalls()).toBe(calls);
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ errorKind: 'invalid_argument' });
  });
});
