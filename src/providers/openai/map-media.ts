// OpenAI's media endpoints through the OpenAI family: the client's fields go
// to the SDK as they came (the model replaced by the resolved upstream model
// or Azure deployment), uploads by form field; the answer comes back as it
// came, with the units it is priced by: images returned, audio seconds (the
// transcription's `usage.seconds` or `duration`), input characters (speech
// `input`, moderations `input` texts). Token usage where the answer has it —
// in a streamed answer, on its final event (`transcript.text.done`,
// `speech.audio.done`).
import { create, type JsonValue } from '@bufbuild/protobuf';
import { UsageSchema, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { AdapterMedia, MediaBody, MediaRequest, MediaUnits, StreamedMediaBody } from '../../domain/media.js';
import type { MediaAnswer, MediaFile } from './openai-media-client.js';

export function mediaParams(request: MediaRequest, model: string): { params: Record<string, unknown>; files: Record<string, MediaFile[]> } {
  const files: Record<string, MediaFile[]> = {};
  for (const upload of request.uploads) (files[upload.field] ??= []).push({ path: upload.path, filename: upload.filename, mediaType: upload.mediaType });
  return { params: { ...request.fields, model }, files };
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

/** A whole answer (JSON or text). */
export function mapMedia(request: MediaRequest, answer: Extract<MediaAnswer, { kind: 'json' | 'text' }>): AdapterMedia {
  const body: MediaBody =
    answer.kind === 'json'
      ? { kind: 'json', value: answer.value as JsonValue }
      : { kind: 'text', text: answer.text, contentType: textType(request.fields['response_format']) };
  const value = answer.kind === 'json' ? record(answer.value) : {};
  const units: MediaUnits = { images: 0, audioSeconds: 0, characters: inputCharacters(request) };
  if (request.operation.startsWith('images.')) units.images = Array.isArray(value['data']) ? value['data'].length : 0;
  if (request.operation === 'audio.transcriptions' || request.operation === 'audio.translations') {
    const usage = record(value['usage']);
    units.audioSeconds = count(usage['seconds']) || count(value['duration']);
  }
  return { body, units, usage: tokenUsage(record(value['usage'])), warnings: [] };
}

/** A streamed answer: the units known from the request (speech `input`); its token usage comes as a part. */
export function mapStreamedMedia(request: MediaRequest, body: StreamedMediaBody): AdapterMedia {
  return { body, units: { images: 0, audioSeconds: 0, characters: inputCharacters(request) }, usage: undefined, warnings: [] };
}

const FINAL_EVENTS: ReadonlySet<unknown> = new Set(['transcript.text.done', 'speech.audio.done']);

/** A streamed answer's final event, with the token usage it reports; undefined for any other event. */
export function finalEvent(event: unknown): { usage: Usage | undefined } | undefined {
  const value = record(event);
  return FINAL_EVENTS.has(value['type']) ? { usage: tokenUsage(record(value['usage'])) } : undefined;
}

/** Speech reads `input`; moderations `input` as text or a list of texts / text parts. */
function inputCharacters(request: MediaRequest): number {
  if (request.operation !== 'audio.speech' && request.operation !== 'moderations') return 0;
  const input = request.fields['input'];
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input.map((entry) => (typeof entry === 'string' ? entry : String(record(entry)['text'] ?? ''))) : [];
  return texts.reduce((sum, text) => sum + [...text].length, 0);
}

/** gpt-image, gpt-4o-transcribe and gpt-4o-mini-tts (streamed) report token usage (`input_tokens`, `output_tokens`). */
function tokenUsage(usage: Record<string, unknown>): Usage | undefined {
  const input = count(usage['input_tokens']);
  const output = count(usage['output_tokens']);
  if (input === 0 && output === 0) return undefined;
  return create(UsageSchema, { inputTokens: input, outputTokens: output, totalTokens: count(usage['total_tokens']) || input + output });
}

const TEXT_TYPES: Record<string, string> = { srt: 'application/x-subrip', vtt: 'text/vtt' };

function textType(format: unknown): string {
  return `${(typeof format === 'string' && TEXT_TYPES[format]) || 'text/plain'}; charset=utf-8`;
}
