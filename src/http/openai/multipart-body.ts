// An upload (multipart/form-data) read part by part: each file piped to a temporary file as it
// arrives — never held in memory whole — and each text field kept as sent. @fastify/multipart (busboy)
// bounds only each part and the number of parts; the whole body, files and fields together, is held
// here to GATEWAY_BODY_LIMIT_BYTES as a JSON body is by Fastify, and refused the same way (413
// `request_too_large`, logged `payload_too_large`), as are busboy's own limits (a file, the number of
// files or fields) and a text field longer than busboy reads. A client that leaves mid-upload is
// `canceled`, as any client that leaves.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { JsonValue } from '@bufbuild/protobuf';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import { GatewayError } from '../../domain/gateway-error.js';
import type { MediaUpload } from '../../domain/media.js';
import { lingerOnUnreadBody } from '../../server/linger-unread-body.js';

/** OpenAI's own upload limit (25 MB per file); up to 16 images to edit. */
export const UPLOAD_LIMITS = { fileSize: 25 * 1024 * 1024, files: 17, fields: 64, fieldSize: 1024 * 1024 };

export interface Parts {
  fields: Record<string, JsonValue>;
  uploads: MediaUpload[];
}

/** The form's fields and uploads (in `folder`), or a refusal in the taxonomy's kinds. */
export async function readParts(request: FastifyRequest, reply: FastifyReply, folder: string, bodyLimit: number): Promise<Parts> {
  // Gone before the first byte was read: the plugin would wait for a body that never comes.
  if (clientLeft(request.raw)) throw uploadCanceled();
  // Declared over the limit: refused before a byte is read (Node drops the unread body after the answer).
  if (Number(request.headers['content-length']) > bodyLimit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  const cap = capBody(request.raw, bodyLimit);
  try {
    return await Promise.race([collect(request, folder, cap), cap.exceeded]);
  } catch (error) {
    // The client left mid-upload (the request's 'aborted' error, or the plugin's premature close): a
    // cancellation as any other client's, not the gateway's own failure.
    if (clientLeft(request.raw)) throw uploadCanceled(error);
    if (!request.raw.complete) {
      // Answered before the body ended: busboy reads no further, and the rest is read and dropped so
      // that the client reads the answer (not a reset) and the connection serves its next request.
      request.raw.unpipe();
      lingerOnUnreadBody(request.raw, reply.raw);
    }
    throw partLimitRefusal(error) ?? malformedForm(error) ?? error;
  } finally {
    cap.release();
  }
}

async function collect(request: FastifyRequest, folder: string, cap: BodyCap): Promise<Parts> {
  const fields: Record<string, JsonValue> = {};
  const uploads: MediaUpload[] = [];
  for await (const part of request.parts()) {
    if (cap.over) break;
    if (part.type === 'file') {
      const file = path.join(folder, randomUUID());
      let bytes = 0;
      part.file.on('data', (chunk: Buffer) => (bytes += chunk.length));
      cap.current = part.file;
      await pipeline(part.file, createWriteStream(file));
      uploads.push({ field: part.fieldname, filename: part.filename || 'upload', mediaType: part.mimetype || 'application/octet-stream', path: file, bytes });
    } else {
      // busboy cuts a field at fieldSize and says so only here: a prompt cut short must not be sent on.
      if (part.valueTruncated) throw fieldTooLong(part.fieldname.replace(/\[\]$/, ''));
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      // Repeated fields (`timestamp_granularities[]`, `include[]`) become lists.
      if (part.fieldname.endsWith('[]')) {
        const name = part.fieldname.slice(0, -2);
        const existing = fields[name];
        fields[name] = [...(Array.isArray(existing) ? existing : []), value];
      } else fields[part.fieldname] = value;
    }
  }
  return { fields, uploads };
}

const fieldTooLong = (field: string) =>
  new GatewayError('payload_too_large', `The form field '${field}' is longer than this gateway accepts (${UPLOAD_LIMITS.fieldSize} bytes).`, { field });

const clientLeft = (raw: IncomingMessage): boolean => raw.destroyed && !raw.complete;

const uploadCanceled = (cause?: unknown) =>
  new GatewayError('canceled', 'the client closed the connection before its upload was complete', cause === undefined ? {} : { cause });

/** @fastify/multipart's limit errors (413 with its own words and no code) as the taxonomy's kind. */
const PART_LIMITS: Record<string, (error: { part?: { fieldname?: string } }) => GatewayError> = {
  FST_REQ_FILE_TOO_LARGE: ({ part }) => {
    const field = (part?.fieldname ?? 'file').replace(/\[\]$/, '');
    return new GatewayError('payload_too_large', `The uploaded file '${field}' is larger than this gateway accepts (${UPLOAD_LIMITS.fileSize} bytes).`, { field });
  },
  FST_FILES_LIMIT: () => new GatewayError('payload_too_large', `The request uploads more files than this gateway accepts (${UPLOAD_LIMITS.files}).`),
  FST_FIELDS_LIMIT: () => new GatewayError('payload_too_large', `The request has more form fields than this gateway accepts (${UPLOAD_LIMITS.fields}).`),
  FST_PARTS_LIMIT: () => new GatewayError('payload_too_large', 'The request has more form parts than this gateway accepts.'),
};

function partLimitRefusal(error: unknown): GatewayError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && Object.hasOwn(PART_LIMITS, code) ? PART_LIMITS[code]!(error as { part?: { fieldname?: string } }) : undefined;
}

/**
 * busboy's own parse failures ("Unexpected end of form", "Malformed part header", a missing boundary) are
 * plain Errors without a code: the client's body, a 400. Errors with a code (the plugin's, the file
 * system's: ENOSPC writing a temp file) stay what they are.
 */
function malformedForm(error: unknown): GatewayError | undefined {
  if (!(error instanceof Error) || error instanceof GatewayError || (error as { code?: unknown }).code !== undefined) return undefined;
  return new GatewayError('invalid_argument', `the multipart/form-data body could not be read: ${error.message}`, { field: 'body', cause: error });
}

interface BodyCap {
  /** Rejects with Fastify's body-too-large error once the body passes the limit. */
  exceeded: Promise<never>;
  over: boolean;
  /** The file part being written, destroyed (its pipeline failed) when the limit is passed. */
  current: Readable | undefined;
  release(): void;
}

/** Counts the body's bytes as they reach busboy (the count includes the multipart framing: it is the body). */
function capBody(raw: IncomingMessage, limit: number): BodyCap {
  let fail: (error: Error) => void = () => {};
  const exceeded = new Promise<never>((_resolve, reject) => (fail = reject));
  exceeded.catch(() => {}); // Rejected only while awaited; a cap released unused must not be unhandled.
  let received = 0;
  const cap: BodyCap = {
    exceeded,
    over: false,
    current: undefined,
    release: () => raw.off('data', onData),
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limit || cap.over) return;
    cap.over = true;
    raw.unpipe();
    const error = new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    cap.current?.destroy(error);
    fail(error);
  };
  raw.on('data', onData);
  return cap;
}
