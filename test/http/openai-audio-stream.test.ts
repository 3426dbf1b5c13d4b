// Streamed audio through the official openai client, against fixture upstreams
// that hold each streamed answer before its last part (an explicit gate, never
// a timer): a transcription asked with `stream: true` and speech asked with
// `stream_format: "sse"` arrive as OpenAI's events, and plain speech as audio
// bytes, each part as the upstream sends it — the client holds the first one
// while the upstream has not yet sent its last. The request log keeps the
// usage the final event reports (priced), a client that leaves aborts the
// upstream and leaves a canceled row, an upstream that breaks mid-stream ends
// the stream with an error event in OpenAI's shape, and whisper-1 (which does
// not stream: OpenAI ignores the flag) answers whole, as OpenAI does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError, toFile } from 'openai';
import { Stream } from 'openai/streaming';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { STREAMED_USAGE } from '../fixtures/openai-media-stream.js';
import { keyRows, startShimHarness, waitFor, type ShimHarness } from './shim-harness.js';

let harness: ShimHarness;
let openai: OpenAIFixture;
let azure: OpenAIFixture;

const PRICES = { inputPerMillion: 6, outputPerMillion: 12, perMillionCharacters: 15 };
const MODELS = ['gpt-4o-transcribe', 'gpt-4o-mini-tts', 'tts-1', 'whisper-1'];

beforeAll(async () => {
  harness = await startShimHarness([]);
  openai = await startOpenAIFixture({ family: 'openai' });
  azure = await startOpenAIFixture({ family: 'azure-openai' });
  for (const [id, fixture, type] of [
    ['audio-openai', openai, 'PROVIDER_TYPE_OPENAI'],
    ['audio-azure', azure, 'PROVIDER_TYPE_AZURE_OPENAI'],
  ] as const) {
    await harness.admin('ProvidersService/CreateProvider', {
      id,
      name: id,
      type,
      baseUrl: fixture.baseUrl,
      apiKey: fixture.apiKey,
      models: MODELS.map((upstreamModel) => ({ upstreamModel, prices: PRICES })),
    });
  }
});
afterAll(async () => {
  await openai?.close();
  await azure?.close();
  await harness?.close();
});

type Row = { operation: string; stream?: boolean; requestBody?: string; responseBody?: string; status: string; errorKind?: string; inputTokens?: number; outputTokens?: number; costUsd?: number; providerId: string };

async function freshClient(body: object = {}): Promise<{ client: OpenAI; keyId: string; secret: string }> {
  const created = (await harness.admin('KeysService/CreateKey', { name: 'audio-stream', ...body })) as { secret: string; key: { id: string } };
  return { client: harness.clientWith({ apiKey: created.secret }), keyId: created.key.id, secret: created.secret };
}

/** A mono 16-bit PCM WAV of one second of silence at 8 kHz. */
function wav(): Buffer {
  const data = Buffer.alloc(16_000);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const tokenCost = ({ input, output }: { input: number; output: number }) => (input * PRICES.inputPerMillion + output * PRICES.outputPerMillion) / 1_000_000;

describe('transcriptions with stream: true', () => {
  it('each event reaches the client as the upstream sends it; the row keeps the final event’s token usage, priced', async () => {
    const { client, keyId } = await freshClient();
    const gate = openai.mediaGates.hold();
    const stream = await client.audio.transcriptions.create({ model: 'audio-openai/gpt-4o-transcribe', file: await toFile(wav(), 'hello.wav', { type: 'audio/wav' }), stream: true });
    const events: OpenAI.Audio.TranscriptionStreamEvent[] = [];
    for await (const event of stream) {
      if (events.length === 0) {
        // The upstream is still holding its last event: this one was passed on, not buffered.
        expect(gate.lastSent).toBe(false);
        gate.open();
      }
      events.push(event);
    }
    expect(events.map((event) => event.type)).toEqual(['transcript.text.delta', 'transcript.text.delta', 'transcript.text.done']);
    expect(events.flatMap((event) => (event.type === 'transcript.text.delta' ? [event.delta] : [])).join('')).toBe('Bonjour tout le monde.');
    expect(events.at(-1)).toMatchObject({ text: 'Bonjour tout le monde.', usage: { input_tokens: 44, output_tokens: 9 } });
    const received = openai.received.at(-1)?.body as { fields: Record<string, unknown> };
    expect(received.fields).toMatchObject({ model: 'gpt-4o-transcribe', stream: 'true' });
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ operation: 'transcriptions', stream: true, status: 'REQUEST_STATUS_OK', inputTokens: 44, outputTokens: 9, providerId: 'audio-openai' });
    expect(row?.costUsd).toBeCloseTo(tokenCost(STREAMED_USAGE.transcription), 9);
  });

  it('through an Azure OpenAI provider (its v1 API) the same way', async () => {
    const gate = azure.mediaGates.hold();
    const stream = await harness.client.audio.transcriptions.create({ model: 'audio-azure/gpt-4o-transcribe', file: await toFile(wav(), 'a.wav', { type: 'audio/wav' }), stream: true });
    const types: string[] = [];
    for await (const event of stream) {
      if (types.length === 0) {
        expect(gate.lastSent).toBe(false);
        gate.open();
      }
      types.push(event.type);
    }
    expect(types).toEqual(['transcript.text.delta', 'transcript.text.delta', 'transcript.text.done']);
    expect(azure.received.at(-1)?.path).toBe('/openai/v1/audio/transcriptions');
  });

  it('whisper-1 does not stream (OpenAI ignores the flag and answers JSON): the answer comes whole, as OpenAI sends it', async () => {
    const form = new FormData();
    form.append('model', 'audio-openai/whisper-1');
    form.append('stream', 'true');
    form.append('file', new Blob([new Uint8Array(wav())], { type: 'audio/wav' }), 'a.wav');
    const answer = await fetch(`${harness.gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${harness.secret}` }, body: form });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(((await answer.json()) as { text: string }).text).toBe('Bonjour tout le monde.');
  });

  it('a client that leaves mid-stream aborts the upstream, and the row says canceled', async () => {
    const { client, keyId } = await freshClient();
    const gate = openai.mediaGates.hold();
    const before = openai.abortedStreams();
    const controller = new AbortController();
    const stream = await client.audio.transcriptions.create(
      { model: 'audio-openai/gpt-4o-transcribe', file: await toFile(wav(), 'a.wav', { type: 'audio/wav' }), stream: true },
      { signal: controller.signal },
    );
    await gate.reached;
    // The client's own abort ends its iteration quietly.
    for await (const event of stream) if (event.type === 'transcript.text.delta') controller.abort();
    await waitFor(() => openai.abortedStreams() > before, 'the upstream to see the disconnect');
    gate.open();
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ operation: 'transcriptions', status: 'REQUEST_STATUS_CANCELED', errorKind: 'canceled' });
    expect(gate.lastSent).toBe(false);
  });

  it('an upstream that breaks mid-stream: the stream ends with an error event in OpenAI’s shape, the row says error', async () => {
    const { client, keyId } = await freshClient();
    const stream = await client.audio.transcriptions.create({ model: 'audio-openai/gpt-4o-transcribe', file: await toFile(wav(), 'a.wav', { type: 'audio/wav' }), prompt: 'break', stream: true });
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const event of stream) if (event.type === 'transcript.text.delta') deltas.push(event.delta);
    })().catch((caught: unknown) => caught);
    expect(deltas).toEqual(['Bonjour']);
    // The client's SDK raises the final error event as an APIError.
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    expect((error as APIError).message).toContain('the connection broke');
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ operation: 'transcriptions', status: 'REQUEST_STATUS_ERROR', errorKind: 'unavailable' });
  });

  it('translations still refuse stream (OpenAI’s translations do not stream), before any upstream call', async () => {
    const calls = openai.received.length;
    const form = new FormData();
    form.append('model', 'audio-openai/whisper-1');
    form.append('stream', 'true');
    form.append('file', new Blob([new Uint8Array(wav())], { type: 'audio/wav' }), 'a.wav');
    const answer = await fetch(`${harness.gateway.url}/v1/audio/translations`, { method: 'POST', headers: { authorization: `Bearer ${harness.secret}` }, body: form });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { param: string } }).error.param).toBe('stream');
    expect(openai.received.length).toBe(calls);
  });
});

describe('speech', () => {
  it('stream_format "sse": speech.audio.delta events read as a stream as the upstream sends them; the usage of speech.audio.done is kept', async () => {
    const { client, keyId } = await freshClient({ logRequestBodies: true });
    const gate = openai.mediaGates.hold();
    const response = await client.audio.speech.create({ model: 'audio-openai/gpt-4o-mini-tts', voice: 'alloy', input: 'Hello there', stream_format: 'sse' });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-gateway-provider')).toBe('audio-openai');
    const events: Array<{ type: string; audio?: string; usage?: object }> = [];
    for await (const event of Stream.fromSSEResponse<{ type: string; audio?: string; usage?: object }>(response, new AbortController())) {
      if (events.length === 0) {
        expect(gate.lastSent).toBe(false);
        gate.open();
      }
      events.push(event);
    }
    expect(events.map((event) => event.type)).toEqual(['speech.audio.delta', 'speech.audio.delta', 'speech.audio.done']);
    expect(Buffer.concat(events.flatMap((event) => (event.audio ? [Buffer.from(event.audio, 'base64')] : []))).toString()).toBe('ID3Hello there');
    expect((openai.received.at(-1)?.body as { fields: object }).fields).toMatchObject({ model: 'gpt-4o-mini-tts', stream_format: 'sse' });
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ operation: 'speech', stream: true, status: 'REQUEST_STATUS_OK', inputTokens: 11, outputTokens: 180 });
    // A key that logs bodies logs the request's fields; a media answer (here audio) is never logged.
    expect(JSON.parse(row?.requestBody ?? '{}')).toMatchObject({ operation: 'audio.speech', input: 'Hello there', stream_format: 'sse' });
    expect(row?.responseBody).toBeUndefined();
    expect(row?.costUsd).toBeCloseTo(tokenCost(STREAMED_USAGE.speech) + (11 / 1_000_000) * PRICES.perMillionCharacters, 9);
  });

  it('audio bytes are piped as they arrive, with the upstream’s content type', async () => {
    const { client, keyId } = await freshClient();
    const gate = openai.mediaGates.hold();
    const response = await client.audio.speech.create({ model: 'audio-openai/tts-1', voice: 'alloy', input: 'Hello there' });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (chunks.length === 0) {
        expect(gate.lastSent).toBe(false);
        gate.open();
      }
      chunks.push(value);
    }
    expect(Buffer.concat(chunks).toString()).toBe('ID3Hello there');
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ operation: 'speech', status: 'REQUEST_STATUS_OK' });
    expect(row?.costUsd).toBeCloseTo((11 / 1_000_000) * PRICES.perMillionCharacters, 9);
  });

  it('a client that leaves while audio is piped aborts the upstream, and the row says canceled', async () => {
    const { client, keyId } = await freshClient();
    const gate = openai.mediaGates.hold();
    const before = openai.abortedStreams();
    const controller = new AbortController();
    const response = await client.audio.speech.create({ model: 'audio-openai/tts-1', voice: 'alloy', input: 'Hello there' }, { signal: controller.signal });
    await response.body!.getReader().read();
    controller.abort();
    await waitFor(() => openai.abortedStreams() > before, 'the upstream to see the disconnect');
    gate.open();
    const [row] = await keyRows<Row>(harness, keyId, 1);
    expect(row).toMatchObject({ operation: 'speech', status: 'REQUEST_STATUS_CANCELED' });
  });
});
