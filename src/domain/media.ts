// OpenAI's media endpoints (images, audio, moderations) as the core and the
// OpenAI-family adapters see them. These have no canonical proto form (no
// other family serves them): the client's fields pass through to the
// provider as they came (minus the model, which the gateway resolves), and
// uploaded files wait on disk, so a retry or failover can send them again
// and nothing is held in memory whole.
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

export type MediaBody =
  | { kind: 'json'; value: JsonValue }
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'binary'; bytes: Uint8Array; contentType: string };

export interface AdapterMedia {
  body: MediaBody;
  units: MediaUnits;
  /** Token usage where the provider reports it (gpt-image, gpt-4o-transcribe). */
  usage: Usage | undefined;
  warnings: Warning[];
}

export interface MediaResponse {
  body: MediaBody;
  units: MediaUnits;
  usage: Usage;
  route: RouteInfo;
  warnings: Warning[];
}
