// OpenAI's media endpoints through the `openai` SDK (the family's second
// <family>-client file, beside openai-client.ts): the client's fields as they
// came, uploads sent from disk by form field. Speech, and a transcription
// asked with `stream: true`, are read as they arrive: the raw response is taken
// (the SDK would otherwise parse a stream request's body as events whatever it
// is) and passed on by its content type — server-sent events parsed by the
// SDK's own reader, audio bytes as they come, or a whole JSON / text answer
// (whisper-1 ignores `stream` and answers JSON, as OpenAI documents).
import { openAsBlob } from 'node:fs';
import type OpenAI from 'openai';
import type { APIPromise } from 'openai/core/api-promise';
import type { MediaOperation } from '../../domain/media.js';
import { callOptions } from '../shared/caller-signal.js';

/** An upload waiting on disk: read lazily (fs.openAsBlob) as the SDK sends it, never whole in memory. */
export interface MediaFile {
  path: string;
  filename: string;
  mediaType: string;
}

export type MediaAnswer =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  /** Server-sent events, each parsed; breaking off aborts the request. */
  | { kind: 'events'; events: AsyncIterable<unknown> }
  /** Audio bytes as they arrive; breaking off aborts the request. */
  | { kind: 'audio'; chunks: AsyncIterable<Uint8Array>; contentType: string };

export type MediaCall = (
  operation: MediaOperation,
  params: Record<string, unknown>,
  files: Record<string, MediaFile[]>,
  signal: AbortSignal,
  headers?: Readonly<Record<string, string>>,
) => Promise<MediaAnswer>;

export function mediaCall(client: () => Promise<OpenAI>): MediaCall {
  return async (operation, params, files, signal, headers) => {
    const sdk = await client();
    const body: Record<string, unknown> = { ...params };
    for (const [field, list] of Object.entries(files)) {
      const opened = await Promise.all(list.map(async (file) => new File([await openAsBlob(file.path)], file.filename, { type: file.mediaType })));
      // `image[]` (several images to edit) is sent as a list; a single file as itself.
      body[field.replace(/\[\]$/, '')] = field.endsWith('[]') || opened.length > 1 ? opened : opened[0];
    }
    const options = callOptions(signal, headers);
    const answer = (value: unknown): MediaAnswer => (typeof value === 'string' ? { kind: 'text', text: value } : { kind: 'json', value });
    // Read as it arrives: the SDK's own controller, so that the event reader can end the request when left early.
    const streamed = (request: (controller: AbortController) => APIPromise<unknown>) => {
      const controller = new AbortController();
      return answerAsItArrives(request(controller), controller);
    };
    switch (operation) {
      case 'images.generations':
        return answer(await sdk.images.generate(body as never, options));
      case 'images.edits':
        return answer(await sdk.images.edit(body as never, options));
      case 'audio.transcriptions':
        if (body['stream'] === true) return streamed((controller) => sdk.audio.transcriptions.create(body as never, { ...options, signal: controller.signal }));
        return answer(await sdk.audio.transcriptions.create(body as never, options));
      case 'audio.translations':
        return answer(await sdk.audio.translations.create(body as never, options));
      case 'moderations':
        return answer(await sdk.moderations.create(body as never, options));
      case 'audio.speech':
        return streamed((controller) => sdk.audio.speech.create(body as never, { ...options, signal: controller.signal }));
    }
  };
}

/** The answer by what the upstream sent: events, JSON, text or audio. */
async function answerAsItArrives(request: APIPromise<unknown>, controller: AbortController): Promise<MediaAnswer> {
  const response = await request.asResponse();
  const contentType = response.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'text/event-stream') {
    // Part of the SDK already loaded (its own streams use it): the import only resolves it.
    const { Stream } = await import('openai/core/streaming');
    return { kind: 'events', events: Stream.fromSSEResponse<unknown>(response, controller) };
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return { kind: 'json', value: await response.json() };
  if (mediaType.startsWith('text/')) return { kind: 'text', text: await response.text() };
  return { kind: 'audio', chunks: bodyChunks(response, controller), contentType: contentType || 'application/octet-stream' };
}

async function* bodyChunks(response: Response, controller: AbortController): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    // The upstream fetch's body is a Node Readable, the global fetch's a ReadableStream: both iterate.
    if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) yield chunk;
    finished = true;
  } finally {
    // Left early: end the upstream request too.
    if (!finished) controller.abort();
  }
}
