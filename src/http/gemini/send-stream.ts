// streamGenerateContent: canonical chunks → Gemini responses
// (render-stream.ts) through the shared pump (../sse-stream.ts: the response
// opens with the first output, so an earlier failure keeps its real status).
// Framed as Server-Sent Events with `?alt=sse` (`data: <json>` + CRLF CRLF, as
// Google frames them; what @google/genai asks for), otherwise as Google's
// default: one JSON array written element by element (`[{…}\r\n,{…}]`). A
// failure after the stream began is a last element (or event) holding
// Google's error body. What the renderer found only at the end (function
// calls it had to leave out) is logged: the headers had already left.
import type { FastifyReply } from 'fastify';
import type { StreamChunk, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { routeHeaders, warningEntries, warningsHeaderFrom } from '../gateway-headers.js';
import { pumpSse, type SseRequestContext, type SseStream } from '../sse-stream.js';
import type { GeminiFieldNames } from './field-names.js';
import type { GeminiErrorBody, GeminiWireResponse } from './gemini-wire.js';
import { mapError } from './map-error.js';
import { GeminiStreamRenderer } from './render-stream.js';

export type StreamFraming = 'sse' | 'json-array';

export interface GenerateStreamOptions extends SseRequestContext {
  framing: StreamFraming;
  /** Warnings the shim found while parsing the request (Gemini names). */
  shimWarnings: readonly Warning[];
  /** Names the core's fields in errors and warnings as the request spelled them. */
  fieldNames: GeminiFieldNames;
  log: SseRequestContext['log'] & { warn(details: object, message: string): void };
}

export async function sendGenerateStream(reply: FastifyReply, chunks: AsyncIterable<StreamChunk>, options: GenerateStreamOptions): Promise<void> {
  const renderer = new GeminiStreamRenderer();
  let written = 0;
  const asArrayElement = (payload: GeminiWireResponse | GeminiErrorBody): string => `${written++ === 0 ? '[' : '\r\n,'}${JSON.stringify(payload)}`;
  const sse = options.framing === 'sse';
  const stream: SseStream<GeminiWireResponse, GeminiErrorBody> = {
    renderer,
    encode: sse ? (payload) => `data: ${JSON.stringify(payload)}\r\n\r\n` : asArrayElement,
    contentType: sse ? 'text/event-stream; charset=utf-8' : 'application/json; charset=utf-8',
    headers: () => ({
      ...routeHeaders(renderer.route),
      ...warningsHeaderFrom([...warningEntries(options.shimWarnings, (param) => param), ...warningEntries(renderer.warnings, (param) => options.fieldNames.field(param))]),
      ...options.extraHeaders?.(),
    }),
    get terminator() {
      return sse ? '' : written === 0 ? '[]' : ']';
    },
    get errorTerminator() {
      return sse ? undefined : ']';
    },
    mapError: (error) => mapError(error, { fieldNames: options.fieldNames }),
    logFields: (mapped) => ({ status: mapped.status, code: mapped.body.error.status }),
  };
  await pumpSse(reply, chunks, stream, options);
  for (const warning of renderer.lateWarnings) options.log.warn({ code: warning.code }, warning.message);
}
