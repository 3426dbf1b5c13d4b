// OpenAI's media endpoints through the official openai client: images
// (generate, edit with an upload), audio (a small generated WAV transcribed
// and translated, speech), moderations — forwarded to OpenAI-family
// providers, priced per image / audio second / million characters, logged,
// held to the key's allowed models; a model whose provider cannot serve the
// endpoint is a clear 400.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError, BadRequestError, toFile } from 'openai';
import { TINY_PNG_BASE64 } from '../fixtures/scenarios.js';
import { keyRows, type ShimHarness, startShimHarness, waitFor } from './shim-harness.js';

let harness: ShimHarness;
let uploadRoot: string | undefined;

const PRICES = { perImage: 0.04, perAudioSecond: 0.0001, perMillionCharacters: 15 };

beforeAll(async () => {
  // Uploads wait in folders of their own under the temporary directory; this file counts them, so it gets a
  // temporary directory no other test file (another worker) uploads into. The gateway runs in this process.
  uploadRoot = mkdtempSync(path.join(tmpdir(), 'media-test-'));
  process.env['TMPDIR'] = uploadRoot;
  harness = await startShimHarness(['openai', 'openai-compatible', 'anthropic']);
  for (const family of ['openai', 'openai-compatible'] as const) {
    const fixture = harness.fixture(family);
    await harness.admin('ProvidersService/CreateProvider', {
      id: `media-${family}`,
      name: `Media on ${family}`,
      type: family === 'openai' ? 'PROVIDER_TYPE_OPENAI' : 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl: fixture.baseUrl,
      apiKey: fixture.apiKey,
      models: ['gpt-image-1', 'dall-e-3', 'whisper-1', 'tts-1', 'omni-moderation-latest'].map((upstreamModel) => ({ upstreamModel, prices: PRICES })),
    });
  }
});
afterAll(async () => {
  await harness?.close();
  if (uploadRoot) rmSync(uploadRoot, { recursive: true, force: true });
});

/** A mono 16-bit PCM WAV of `seconds` of silence at 8 kHz. */
function wav(seconds: number): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(rate * 2 * seconds);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

type Row = { operation: string; surface: string; costUsd?: number; providerId: string; upstreamModel: string; status: string; requestBody?: string };

const rowsOf = (keyId: string, count: number) => keyRows<Row>(harness, keyId, count);

async function freshClient(body: object = {}): Promise<{ client: OpenAI; keyId: string; secret: string }> {
  const created = (await harness.admin('KeysService/CreateKey', { name: 'media', ...body })) as { secret: string; key: { id: string } };
  return { client: harness.clientWith({ apiKey: created.secret }), keyId: created.key.id, secret: created.secret };
}

const lastMedia = (family: 'openai' | 'openai-compatible') =>
  harness.fixture(family).received.filter((request) => (request.body as { endpoint?: string } | undefined)?.endpoint).at(-1)?.body as {
    endpoint: string;
    fields: Record<string, unknown>;
    files: Array<{ field: string; name: string; size: number; type: string }>;
  };

describe('images', () => {
  it('generate: n images back, the upstream model resolved, priced per image plus tokens', async () => {
    const { client, keyId } = await freshClient();
    const { data, response } = await client.images.generate({ model: 'media-openai/gpt-image-1', prompt: 'a cat', n: 2, size: '1024x1024' }).withResponse();
    expect(data.data?.map((image) => image.b64_json)).toEqual([TINY_PNG_BASE64, TINY_PNG_BASE64]);
    expect(response.headers.get('x-gateway-provider')).toBe('media-openai');
    expect(lastMedia('openai')).toMatchObject({ endpoint: 'images/generations', fields: { model: 'gpt-image-1', prompt: 'a cat', n: 2, size: '1024x1024' } });
    const [row] = await rowsOf(keyId, 1);
    expect(row).toMatchObject({ operation: 'images', surface: 'openai', providerId: 'media-openai', upstreamModel: 'gpt-image-1' });
    expect(row?.costUsd).toBeCloseTo(2 * PRICES.perImage, 6);
  });

  it('edit: the uploaded image reaches the provider intact, as multipart', async () => {
    const png = Buffer.from(TINY_PNG_BASE64, 'base64');
    const edited = await harness.client.images.edit({ model: 'media-openai-compatible/dall-e-3', image: await toFile(png, 'cat.png', { type: 'image/png' }), prompt: 'add a hat' });
    expect(edited.data).toHaveLength(1);
    const received = lastMedia('openai-compatible');
    expect(received.endpoint).toBe('images/edits');
    expect(received.fields).toMatchObject({ model: 'dall-e-3', prompt: 'add a hat' });
    expect(received.files).toEqual([{ field: 'image', name: 'cat.png', type: 'image/png', size: png.length }]);
  });
});

describe('audio', () => {
  it('transcriptions and translations of a generated WAV, priced per audio second', async () => {
    const { client, keyId } = await freshClient();
    const audio = wav(3);
    const transcript = await client.audio.transcriptions.create({ model: 'media-openai/whisper-1', file: await toFile(audio, 'hello.wav', { type: 'audio/wav' }), language: 'fr' });
    expect(transcript.text).toBe('Bonjour tout le monde.');
    expect(lastMedia('openai').files).toEqual([{ field: 'file', name: 'hello.wav', type: 'audio/wav', size: audio.length }]);
    expect(lastMedia('openai').fields).toMatchObject({ model: 'whisper-1', language: 'fr' });
    const text = await client.audio.transcriptions.create({ model: 'media-openai/whisper-1', file: await toFile(audio, 'hello.wav'), response_format: 'text' });
    expect(String(text).trim()).toBe('Bonjour tout le monde.');
    const translation = await client.audio.translations.create({ model: 'media-openai/whisper-1', file: await toFile(audio, 'hello.wav', { type: 'audio/wav' }), response_format: 'verbose_json' });
    expect(translation.text).toBe('Hello everyone.');
    const rows = await rowsOf(keyId, 3);
    expect(rows.map((row) => row.operation).sort()).toEqual(['transcriptions', 'transcriptions', 'translations']);
    // JSON and verbose_json say how long the audio was (3 s); plain text does not, so it is not priced.
    expect(rows.map((row) => row.costUsd ?? 0).sort()).toEqual([0, 3 * PRICES.perAudioSecond, 3 * PRICES.perAudioSecond].sort());
  });

  it('speech: audio bytes back with their content type, priced per million characters', async () => {
    const { client, keyId } = await freshClient();
    const speech = await client.audio.speech.create({ model: 'media-openai/tts-1', voice: 'alloy', input: 'Hello there' });
    expect(speech.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await speech.arrayBuffer()).toString()).toBe('ID3Hello there');
    const [row] = await rowsOf(keyId, 1);
    expect(row?.operation).toBe('speech');
    expect(row?.costUsd).toBeCloseTo((11 / 1_000_000) * PRICES.perMillionCharacters, 9);
  });

  it('a key that logs bodies logs the fields and the upload’s name and size, never its bytes', async () => {
    const { client, keyId } = await freshClient({ logRequestBodies: true });
    await client.audio.transcriptions.create({ model: 'media-openai/whisper-1', file: await toFile(wav(1), 'note.wav', { type: 'audio/wav' }), prompt: 'a meeting' });
    const [row] = await rowsOf(keyId, 1);
    const logged = JSON.parse(row?.requestBody ?? '{}') as Record<string, unknown>;
    expect(logged).toMatchObject({ operation: 'audio.transcriptions', model: 'media-openai/whisper-1', prompt: 'a meeting', uploads: [{ field: 'file', filename: 'note.wav', mediaType: 'audio/wav', bytes: 16_044 }] });
    expect(row?.requestBody).not.toContain('RIFF');
  });

  it('a large upload is streamed through and its temporary file removed', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('gw-upload-')).length;
    const audio = wav(300); // 4.8 MB
    const transcript = await harness.client.audio.transcriptions.create({ model: 'media-openai/whisper-1', file: await toFile(audio, 'long.wav', { type: 'audio/wav' }) });
    expect(transcript.text).toBe('Bonjour tout le monde.');
    expect(lastMedia('openai').files[0]?.size).toBe(audio.length);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('gw-upload-')).length).toBe(before);
  });
});

describe('moderations and the rules every endpoint keeps', () => {
  it('moderations: each input judged, also without /v1 in the base URL', async () => {
    const client = harness.clientWith({ baseURL: harness.gateway.url });
    const moderation = await client.moderations.create({ model: 'media-openai/omni-moderation-latest', input: ['I will kill the process', 'hello'] });
    expect(moderation.results.map((result) => result.flagged)).toEqual([true, false]);
  });

  it('a model whose provider cannot serve the endpoint is a 400 that says why', async () => {
    const error = await harness.client.images.generate({ model: 'anthropic/plain-text', prompt: 'a cat' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('cannot serve /v1/images/generations');
    expect((error as BadRequestError).message).toContain('anthropic');
  });

  it('moderations on an Azure OpenAI model (Azure has no moderations API) is the same 400, before any upstream call', async () => {
    const fixture = harness.fixture('openai');
    await harness.admin('ProvidersService/CreateProvider', {
      id: 'media-azure',
      name: 'Media on Azure',
      type: 'PROVIDER_TYPE_AZURE_OPENAI',
      baseUrl: fixture.baseUrl,
      apiKey: fixture.apiKey,
      azure: { apiVersion: '2024-10-21' },
      models: [{ upstreamModel: 'omni-moderation-latest' }],
    });
    const calls = fixture.received.length;
    const error = await harness.client.moderations.create({ model: 'media-azure/omni-moderation-latest', input: 'hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('cannot serve /v1/moderations');
    expect((error as BadRequestError).message).toContain('azure-openai');
    expect(fixture.received.length).toBe(calls);
  });

  it('the key’s allowed models hold: another model is refused, and the upstream is never called', async () => {
    const { client } = await freshClient({ allowedModels: ['media-openai/whisper-1'] });
    const calls = harness.fixture('openai').received.length;
    const error = await client.moderations.create({ model: 'media-openai/omni-moderation-latest', input: 'hi' }).catch((caught: unknown) => caught);
    expect([403, 404]).toContain((error as { status: number }).status);
    expect(harness.fixture('openai').received.length).toBe(calls);
  });

  it('an upload without its file, a missing model and a stream request are 400s naming the parameter', async () => {
    const form = new FormData();
    form.append('model', 'media-openai/whisper-1');
    const noFile = await fetch(`${harness.gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${harness.secret}` }, body: form });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { error: { param: string } }).error.param).toBe('file');
    const noModel = await harness.post('/v1/moderations', { input: 'hi' });
    expect(((await noModel.json()) as { error: { param: string } }).error.param).toBe('model');
    const stream = await harness.post('/v1/images/generations', { model: 'media-openai/gpt-image-1', prompt: 'x', stream: true });
    expect(stream.status).toBe(400);
  });

  it('multipart is read only on the upload routes: chat sent as a form is a 415 in OpenAI’s error shape', async () => {
    const form = new FormData();
    form.append('model', 'media-openai/whisper-1');
    const chat = await fetch(`${harness.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${harness.secret}` }, body: form });
    const body = (await chat.json()) as { error: { type: string; code: string; message: string } };
    expect(chat.status).toBe(415);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' });
    expect(body.error.message).toContain('application/json');
  });
});

describe('uploads that end before any upstream call', () => {
  const calls = () => harness.fixture('openai').received.length;

  it('a text field longer than the gateway reads (1 MiB) is a 413 naming it, never sent upstream cut short', async () => {
    const { client, keyId } = await freshClient();
    const before = calls();
    const error = await client.audio.transcriptions
      .create({ model: 'media-openai/whisper-1', file: await toFile(wav(1), 'a.wav', { type: 'audio/wav' }), prompt: `${'p'.repeat(1024 * 1024)}END` })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(413);
    expect((error as APIError).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large', param: 'prompt' });
    expect(calls()).toBe(before);
    const [row] = await keyRows<Row & { errorKind: string }>(harness, keyId, 1);
    expect(row?.errorKind).toBe('payload_too_large');
  });

  it('more files or fields than the gateway reads are a 413 in OpenAI’s shape, logged payload_too_large', async () => {
    const { client, keyId, secret } = await freshClient();
    const before = calls();
    const png = Buffer.from(TINY_PNG_BASE64, 'base64');
    const images = await Promise.all(Array.from({ length: 18 }, (_, index) => toFile(png, `${index}.png`, { type: 'image/png' })));
    const error = await client.images.edit({ model: 'media-openai/gpt-image-1', prompt: 'x', image: images }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(413);
    expect((error as APIError).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    expect((error as APIError).message).toContain('files');
    // 70 fields: the client has no such request; a form sent by hand.
    const form = new FormData();
    form.append('model', 'media-openai/whisper-1');
    for (let index = 0; index < 70; index += 1) form.append(`f${index}`, 'v');
    form.append('file', new Blob([new Uint8Array(wav(1))], { type: 'audio/wav' }), 'a.wav');
    const fields = await fetch(`${harness.gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${secret}` }, body: form });
    expect(fields.status).toBe(413);
    expect(((await fields.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    expect(calls()).toBe(before);
    const rows = await keyRows<Row & { errorKind: string }>(harness, keyId, 2);
    expect(rows.map((row) => row.errorKind)).toEqual(['payload_too_large', 'payload_too_large']);
  });

  it('a client that leaves mid-upload is logged canceled, not as the gateway’s own error', async () => {
    const { keyId, secret } = await freshClient();
    const uploads = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('gw-upload-')));
    const before = uploads();
    const boundary = 'gw-abort-boundary';
    const request = http.request(`${harness.gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': 10 * 1024 * 1024 },
    });
    request.on('error', () => {}); // the client's own side of the abort
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nmedia-openai/whisper-1\r\n`);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
    request.write(Buffer.alloc(1024 * 1024, 1));
    // The gateway is reading the upload once its temporary folder exists.
    await waitFor(() => [...uploads()].some((name) => !before.has(name)), 'the upload to be read');
    await new Promise<void>((resolve) => request.write(Buffer.alloc(64 * 1024, 1), () => resolve()));
    request.destroy();
    const [row] = await keyRows<Row & { errorKind: string }>(harness, keyId, 1);
    expect(row).toMatchObject({ status: 'REQUEST_STATUS_CANCELED', errorKind: 'canceled' });
    expect(harness.gateway.logLines.filter((line) => line.includes('unexpected error on the OpenAI surface'))).toEqual([]);
  });
});
