// DocumentPart → an Anthropic `document` block
// (https://platform.claude.com/docs/en/build-with-claude/pdf-support): a PDF's
// bytes as a base64 source, a PDF URL as a url source (Anthropic fetches it), a
// text document as a plain-text source (`media_type: text/plain`, the text
// itself). `title` (else the file name) and `context` go on the block; the
// model sees both. Anything else — another file type, a URL that is not a
// PDF's — Anthropic cannot read: `documentCheck` refuses it before the call
// (request-refusal.ts), so conversion never meets one. Nor can it fetch a
// Gemini Files API URI (generativelanguage.googleapis.com/…/files/…, which
// only Google's key opens): refused the same way.
import type { DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { describeDocument, documentForm, documentText, PDF_MEDIA_TYPE, TEXT_MEDIA_TYPE } from '../shared/documents.js';
import type { AnthropicDocumentBlockParam } from './anthropic-client.js';

/** Why Anthropic cannot read this document; undefined when it can (a user turn or a tool result alike). */
export function documentCheck(document: DocumentPart): string | undefined {
  if (document.source.case === 'url' && isGeminiFileUri(document.source.value)) {
    return 'a Gemini Files API URI can be read by Gemini only (fetching it takes Google\'s API key); send the file\'s bytes to use it with Claude';
  }
  const form = documentForm(document);
  if (form === 'pdf' || form === 'text') return undefined;
  // Anthropic's url source is a PDF's; a URL whose type is unknown may still be one.
  if (document.source.case === 'url' && document.mediaType === '') return undefined;
  return `Anthropic reads PDF and plain-text documents only; ${describeDocument(document)} cannot be sent to it`;
}

export function convertDocument(document: DocumentPart, at: string): AnthropicDocumentBlockParam {
  const reason = documentCheck(document);
  if (reason !== undefined) throw new GatewayError('invalid_argument', `${at}: ${reason}`, { field: `${at}.document` });
  const block: AnthropicDocumentBlockParam = { type: 'document', source: documentSource(document) };
  const title = document.title || document.filename;
  if (title !== '') block.title = title;
  if (document.context !== '') block.context = document.context;
  return block;
}

function documentSource(document: DocumentPart): AnthropicDocumentBlockParam['source'] {
  const text = documentText(document);
  if (text !== undefined) return { type: 'text', media_type: TEXT_MEDIA_TYPE, data: text };
  if (document.source.case === 'url') return { type: 'url', url: document.source.value };
  const bytes = document.source.case === 'data' ? document.source.value : new Uint8Array();
  return { type: 'base64', media_type: PDF_MEDIA_TYPE, data: Buffer.from(bytes).toString('base64') };
}

function isGeminiFileUri(url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase() === 'generativelanguage.googleapis.com';
  } catch {
    return false;
  }
}
