// DocumentPart → a Gemini part (https://ai.google.dev/gemini-api/docs/document-processing):
// bytes as `inlineData {mimeType, data}` (bare base64) — a PDF, which Gemini
// reads with its pages' images, or a text file, which it reads as text (as
// UTF-8, whatever charset it came in); a text source as inlineData text/plain;
// a URL as `fileData {mimeType, fileUri}`. Gemini takes the document types it
// lists (PDF, text/*, application/x-javascript, application/x-python:
// https://cloud.google.com/distributed-cloud/hosted/docs/latest/gdch/gemini/capabilities/document)
// and audio and video, which other surfaces' clients send as files too; any
// other type (a docx) it answers "Unsupported MIME type" (400), so it is
// refused before the call (`documentCheck`). Inside a tool result a document goes in functionResponse.parts as
// inlineData, where fileData is not supported on the Gemini API: a URL there is
// refused before the call (`documentCheck`). Gemini has no title, context or
// file name on a part: a title or context is a warning.
import type { DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { describeDocument, documentBase64, documentForm, documentMediaType, PDF_MEDIA_TYPE } from '../shared/documents.js';
import { defaultApplied, unsupportedParameter } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import { GEMINI_LABEL } from './family.js';
import type { GeminiImage } from './convert-image.js';

const CODE_TYPES = new Set(['application/x-javascript', 'application/x-python']);

/** Why Gemini cannot take this document where it stands; undefined when it can. */
export function documentCheck(document: DocumentPart, inToolResult: boolean): string | undefined {
  if (inToolResult && document.source.case === 'url') {
    return 'Gemini takes a file in a function response as inline data only; a document URL cannot be sent there';
  }
  const form = documentForm(document);
  const mediaType = documentMediaType(document);
  // A URL of unknown type goes as a PDF (below).
  if (form !== 'other' || mediaType === '' || CODE_TYPES.has(mediaType) || mediaType.startsWith('audio/') || mediaType.startsWith('video/')) return undefined;
  return `Gemini reads PDF, text, audio and video files only; ${describeDocument(document)} cannot be sent to it`;
}

export function convertDocument(document: DocumentPart, at: string, inToolResult: boolean, warnings: WarningCollector): GeminiImage {
  const reason = documentCheck(document, inToolResult);
  if (reason !== undefined) throw new GatewayError('invalid_argument', `${at}: ${reason}`, { field: `${at}.document` });
  if (document.title !== '') warnings.add(unsupportedParameter('messages.content.document.title', GEMINI_LABEL, 'a part has no title'));
  if (document.context !== '') warnings.add(unsupportedParameter('messages.content.document.context', GEMINI_LABEL, 'a part has no context'));
  let mimeType = documentMediaType(document);
  const data = documentBase64(document);
  if (data !== undefined) return { inlineData: { mimeType, data } };
  if (mimeType === '') {
    mimeType = PDF_MEDIA_TYPE;
    warnings.add(defaultApplied(`${at}.document.media_type`, `the document's media type is unknown; it was sent as ${PDF_MEDIA_TYPE}`));
  }
  return { fileData: { mimeType, fileUri: document.source.case === 'url' ? document.source.value : '' } };
}
