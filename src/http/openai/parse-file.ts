// An OpenAI file input → a canonical part (https://developers.openai.com/api/docs/guides/file-inputs):
// Chat Completions' `{type: "file", file: {file_data, file_id, filename}}` and the Responses API's
// `{type: "input_file", file_data, file_id, file_url, filename}`.
// - file_data: a data URL (`data:application/pdf;base64,…`) → a DocumentPart of its bytes and media type
//   (an image data URL → an ImagePart); bare base64 is taken when the file name's extension (or the bytes,
//   for a PDF) tells its type;
// - file_url (Responses) → a DocumentPart URL, which the provider fetches;
// - file_id: a file uploaded to OpenAI's Files API, which a gateway in front of several providers cannot
//   resolve: a 400 that says to send file_data.
import { create } from '@bufbuild/protobuf';
import { ContentPartSchema, DocumentPartSchema, type ContentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { decodeDataUrl } from './parse-image.js';
import { invalidValue, missingParameter, optionalString } from './request-error.js';

export interface FileInput {
  fileData: unknown;
  fileId: unknown;
  /** Responses only. */
  fileUrl?: unknown;
  filename: unknown;
}

/** How the client's API names the fields: `param` the part (e.g. `messages[0].content[1].file`), `field(name)` one of its fields. */
export interface FileParams {
  param: string;
  field: (name: 'file_data' | 'file_id' | 'file_url' | 'filename') => string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TYPE_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
};

export function parseFileInput(input: FileInput, params: FileParams): ContentPart {
  if (input.fileId !== undefined && input.fileId !== null) {
    throw invalidValue(
      params.field('file_id'),
      'file ids cannot be resolved by this gateway (it has no Files API); send the file as file_data, a data URL such as data:application/pdf;base64,….',
      'unsupported_value',
    );
  }
  const filename = optionalString(input.filename, params.field('filename')) ?? '';
  const fileData = optionalString(input.fileData, params.field('file_data'));
  const fileUrl = optionalString(input.fileUrl, params.field('file_url'));
  if (fileData !== undefined) return fromData(fileData.trim(), filename, params.field('file_data'));
  if (fileUrl !== undefined) {
    const url = fileUrl.trim();
    if (!/^https?:\/\/\S+$/i.test(url)) throw invalidValue(params.field('file_url'), 'expected an http(s) URL.');
    const mediaType = typeByExtension(filename) ?? typeByExtension(urlPath(url)) ?? '';
    return document({ source: { case: 'url', value: url }, mediaType, filename });
  }
  throw missingParameter(params.field('file_data'));
}

function fromData(fileData: string, filename: string, param: string): ContentPart {
  if (/^data:/i.test(fileData)) {
    const { source, mediaType } = decodeDataUrl(fileData, param, 'any');
    if (mediaType.startsWith('image/')) return create(ContentPartSchema, { kind: { case: 'image', value: { source, mediaType } } });
    return document({ source, mediaType, filename });
  }
  const payload = fileData.replace(/\s+/g, '');
  if (payload === '' || !BASE64.test(payload)) throw invalidValue(param, 'expected a data URL (data:application/pdf;base64,…) or base64 data.');
  const bytes = new Uint8Array(Buffer.from(payload, 'base64'));
  const mediaType = typeByExtension(filename) ?? (Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-' ? 'application/pdf' : undefined);
  if (mediaType === undefined) {
    throw invalidValue(param, "the file's type is unknown: send a data URL that names it (data:application/pdf;base64,…) or a filename with its extension.");
  }
  return document({ source: { case: 'data', value: bytes }, mediaType, filename });
}

function document(init: Parameters<typeof create<typeof DocumentPartSchema>>[1]): ContentPart {
  return create(ContentPartSchema, { kind: { case: 'document', value: create(DocumentPartSchema, init) } });
}

function typeByExtension(name: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : TYPE_BY_EXTENSION[extension];
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
