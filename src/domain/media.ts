// OpenAI's media endpoints (images, audio, moderations) as the core and the
// OpenAI-family adapters see them. These have no canonical proto form (no
// other family serves them): the client's fields pass through to the
// provider as they came (minus the model, which the gateway resolves), and
// uploaded files wait on disk, so a retry or failover can send them again
// and nothing is held in memory whole. Speech audio and the event streams
// (transcriptions, speech) come back as parts, passed on as they arrive.
import type { JsonValue } from '@bufbuild/protobuf';
import type { RouteInfo, Usage, Warning } from '../../gen/llmgateway/v1/chat_pb.js';
import type { MediaLogOperation } from './request-log.js';

export type MediaOperation = 'images.generations' | 'images.edits' | 'audio.transcriptions' | 'audio.translations' | 'audio.speech' | 'moderations';

/** How the request log and metrics name each operation (within the log's 16 characters). */
export const MEDIA_LOG_OPERATION: Record<MediaOperation, MediaLogOperation> = {
  'images.generations': 'images',
  'images.edits': 'image_edits',
  'audio.transcriptions': 'transcriptions',
  'audio.translations': 'translations',
  'audio.speech': 'speech',
  moderations: 'moderations',
};

export interface MediaUpload {
  /** The form field (`file`, `image`, `image[]`, `mask`). */
  field: string;
  filename: string;
  mediaType: string;
  /** A temporary file holding the upload; the edge deletes it after the call. */
  path: string;
  bytes: number;
}

export interface MediaRequest {
  operation: MediaOperation;
  /** The name the client sent: a gateway model, alias or route. */
  model: string;
  /** The client's other fields, passed through to the provider. */
  fields: Record<string, JsonValue>;
  uploads: MediaUpload[];
}

/** What was produced or consumed, for the price table's per-unit prices. */
export interface MediaUnits {
  images: number;
  audioSeconds: number;
  characters: number;
}

/** One piece of a streamed answer, passed on as the upstream sent it. */
export type MediaStreamPart =
  /** A server-sent event's JSON (`transcript.text.delta`, `speech.audio.delta`, … `*.done`). */
  | { kind: 'event'; event: JsonValue }
  /** Audio bytes. */
  | { kind: 'bytes'; bytes: Uint8Array }
  /** The token usage the final event reported: for the core's accounting, never sent to the client as such. */
  | { kind: 'usage'; usage: Usage };

export type MediaBody =
  | { kind: 'json'; value: JsonValue }
  | { kind: 'text'; text: string; contentType: string }
  /** Server-sent events (a transcription asked with `stream: true`, speech with `stream_format: "sse"`). */
  | { kind: 'events'; parts: AsyncIterable<MediaStreamPart> }
  /** Audio piped as it arrives (speech). */
  | { kind: 'audio'; parts: AsyncIterable<MediaStreamPart>; contentType: string };

/** A streamed answer: its parts are read once, as they come; breaking off aborts the upstream call. */
export type StreamedMediaBody = Extract<MediaBody, { parts: AsyncIterable<MediaStreamPart> }>;

export const isStreamedBody = (body: MediaBody): body is StreamedMediaBody => body.kind === 'events' || body.kind === 'audio';

/**
 * Whether the client asked for server-sent events: a transcription with `stream: true` (the edge turns the
 * form's "true" into true), speech with `stream_format: "sse"`. Speech audio is piped either way.
 */
export function asksForEvents(request: MediaRequest): boolean {
  if (request.operation === 'audio.transcriptions') return request.fields['stream'] === true;
  return request.operation === 'audio.speech' && request.fields['stream_format'] === 'sse';
}

export interface AdapterMedia {
  body: MediaBody;
  units: MediaUnits;
  /** Token usage where the provider reports it (gpt-image, gpt-4o-transcribe); a streamed body reports it as a part. */
  usage: Usage | undefined;
  warnings: Warning[];
}

export interface MediaResponse {
  body: MediaBody;
  units: MediaUnits;
  /** With its cost. A streamed body's: complete once its parts have all been read (the usage comes last). */
  usage: Usage;
  route: RouteInfo;
  warnings: Warning[];
}
