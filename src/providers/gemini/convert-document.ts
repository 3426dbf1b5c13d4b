// DocumentPart → a Gemini part (https://ai.google.dev/gemini-api/docs/document-processing):
// bytes as `inlineData {mimeType, data}` (bare base64) — a PDF, which Gemini
// reads with its pages' images, or any other document, which it reads as text;
// a text source as inlineData text/plain; a URL as `fileData {mimeType,
// fileUri}`. Inside a tool result a document goes in functionResponse.parts as
// inlineData, where fileData is not supported on the Gemini API: a URL there is
// refused before the call (`documentCheck`). Gemini has no title, context or
// file name on a part: a title or context is a warning.
import type { DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { documentBase64, documentMediaType, PDF_MEDIA_TYPE } from '../shared/documents.js';
import { defaultApplied, unsupportedParameter } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import { GEMINI_LABEL } from './family.js';
import type { GeminiImage } from './convert-image.js';

/** Why Gemini cannot take this document where it stands; undefined when it can. */
export function documentCheck(document: DocumentPart, inToolResult: boolean): string | undefined {
  if (inToolResult && document.source.case === 'url') {
    return 'Gemini takes a file in a function response as inline data only; a document URL cannot be sent there';
  }
  return undefined;
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
