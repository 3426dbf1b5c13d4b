// OpenAI's media endpoints on the OpenAI surface: images, audio and
// moderations, forwarded through the governed pipeline to OpenAI-family
// providers (core/completion/media-dispatch.ts). JSON bodies pass through
// minus the model; multipart uploads (images/edits, audio transcriptions and
// translations) are streamed part by part to temporary files within the body
// limit (multipart-body.ts) and removed when the answer is sent. Answers go back as the
// provider gave them: JSON, text (transcripts as text/srt/vtt), or as they arrive
// (media-stream.ts) — speech audio, and the events of a transcription asked with
// `stream: true` or of speech asked with `stream_format: "sse"`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JsonValue } from '@bufbuild/protobuf';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { isStreamedBody, type MediaBody, type MediaOperation, type MediaRequest, type StreamedMediaBody } from '../../domain/media.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { abortOnClientLeave } from '../client-abort.js';
import { governanceHeaders } from '../gateway-headers.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { sendMediaStream } from './media-stream.js';
import { readParts, UPLOAD_LIMITS } from './multipart-body.js';
import { invalidType, invalidValue, isRecord, missingParameter, requiredString, shallowBody } from './request-error.js';

const JSON_ROUTES: Array<[string, MediaOperation]> = [
  ['/v1/images/generations', 'images.generations'],
  ['/v1/audio/speech', 'audio.speech'],
  ['/v1/moderations', 'moderations'],
];
const MULTIPART_ROUTES: Array<[string, MediaOperation, string]> = [
  ['/v1/images/edits', 'images.edits', 'image'],
  ['/v1/audio/transcriptions', 'audio.transcriptions', 'file'],
  ['/v1/audio/translations', 'audio.translations', 'file'],
];

/** The media operation a route's path serves, or undefined for another path. */
export function mediaOperationOf(url: string): MediaOperation | undefined {
  return [...JSON_ROUTES, ...MULTIPART_ROUTES].find(([path]) => path === url)?.[1];
}

export interface MediaRouteOptions {
  completion: GovernedCompletion;
  keyOf(request: FastifyRequest): VirtualKeyRecord;
}

export async function registerMediaRoutes(fastify: FastifyInstance, options: MediaRouteOptions): Promise<void> {
  const answer = async (request: FastifyRequest, reply: FastifyReply, media: MediaRequest) => {
    const controller = abortOnClientLeave(reply);
    const call = { request: media, key: options.keyOf(request), signal: controller.signal, context: contextFromRequest(request, 'openai') };
    const { response, report } = await options.completion.media(call);
    reply.headers({ ...routeHeaders(response.route), ...warningsHeader(response.warnings), ...governanceHeaders(report) });
    const { body } = response;
    if (!isStreamedBody(body)) return send(reply, body);
    await sendMediaStream(reply, body, { signal: controller.signal, log: request.log });
    return reply;
  };

  for (const [url, operation] of JSON_ROUTES) {
    fastify.post(url, async (request, reply) => {
      options.keyOf(request);
      const body = shallowBody(request.body);
      if (!isRecord(body)) throw invalidType('body', 'a JSON object', body);
      const { model, ...fields } = body;
      if (fields['stream'] === true) throw invalidValue('stream', 'streaming is not supported on this endpoint by this gateway.', 'unsupported_parameter');
      return answer(request, reply, { operation, model: modelOf(model), fields: fields as Record<string, JsonValue>, uploads: [] });
    });
  }

  // In a scope of their own: @fastify/multipart hooks every request of the scope it is registered in
  // (two async hooks and a close listener), which chat and every other OpenAI route would pay for nothing.
  await fastify.register(async (uploadScope) => {
    await uploadScope.register(multipart, { limits: UPLOAD_LIMITS, throwFileSizeLimit: true });
    for (const [url, operation, fileField] of MULTIPART_ROUTES) {
      uploadScope.post(url, async (request, reply) => {
        options.keyOf(request);
        if (!request.isMultipart()) throw invalidValue('body', `send ${url} as multipart/form-data with the upload in '${fileField}'.`, 'invalid_content_type');
        const folder = await mkdtemp(path.join(tmpdir(), 'gw-upload-'));
        try {
          const { fields, uploads } = await readParts(request, reply, folder, fastify.initialConfig.bodyLimit ?? Infinity);
          if (!uploads.some((upload) => upload.field.replace(/\[\]$/, '') === fileField)) throw missingParameter(fileField);
          const { model, ...rest } = fields;
          if (rest['stream'] === 'true') {
            // Transcriptions stream (server-sent events, media-stream.ts); translations have no stream, image edits' partial images are not passed on.
            if (operation !== 'audio.transcriptions') throw invalidValue('stream', 'streaming is not supported on this endpoint by this gateway.', 'unsupported_parameter');
            rest['stream'] = true;
          }
          return await answer(request, reply, { operation, model: modelOf(model), fields: rest, uploads });
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      });
    }
  });
}

function modelOf(value: unknown): string {
  const model = requiredString(value, 'model');
  if (model.trim() === '') throw invalidValue('model', 'must not be empty.');
  return model;
}

function send(reply: FastifyReply, body: Exclude<MediaBody, StreamedMediaBody>) {
  return body.kind === 'json' ? body.value : reply.type(body.contentType).send(body.text);
}
