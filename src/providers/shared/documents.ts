// What every family needs to know about a DocumentPart: its form (a PDF, a text
// file, some other file), its text where it is one, and the walk over a
// request's documents that lets a family refuse one it cannot read before any
// call (ProviderAdapter.refusal), so a route can fail over to a target that can
// (docs/provider-wire-formats.md, "Documents").
import type { ChatRequest, DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument, type GatewayError } from '../../domain/gateway-error.js';

export const PDF_MEDIA_TYPE = 'application/pdf';
export const TEXT_MEDIA_TYPE = 'text/plain';

/** `pdf`: application/pdf; `text`: a text source or text/* bytes; `other`: any other file (docx, csv as bytes of another type …). */
export type DocumentForm = 'pdf' | 'text' | 'other';

export function documentForm(document: DocumentPart): DocumentForm {
  if (document.source.case === 'text') return 'text';
  const mediaType = documentMediaType(document);
  if (mediaType === PDF_MEDIA_TYPE) return 'pdf';
  if (mediaType.startsWith('text/') && document.source.case === 'data') return 'text';
  return 'other';
}

/** The media type, lower-cased: a text source is text/plain when none was given, a URL ending in .pdf a PDF. */
export function documentMediaType(document: DocumentPart): string {
  const given = document.mediaType.trim().toLowerCase();
  if (given !== '') return given;
  if (document.source.case === 'text') return TEXT_MEDIA_TYPE;
  if (document.source.case === 'url' && /\.pdf$/i.test(urlPath(document.source.value))) return PDF_MEDIA_TYPE;
  if (document.source.case === 'data' && startsWithPdfMagic(document.source.value)) return PDF_MEDIA_TYPE;
  return '';
}

/** The document's text, for a text document (a text source, or text/* bytes read as UTF-8); undefined otherwise. */
export function documentText(document: DocumentPart): string | undefined {
  if (document.source.case === 'text') return document.source.value;
  if (document.source.case === 'data' && documentForm(document) === 'text') return Buffer.from(document.source.value).toString('utf8');
  return undefined;
}

/** The document's bytes as base64: its data, or a text source's UTF-8; undefined for a URL. */
export function documentBase64(document: DocumentPart): string | undefined {
  if (document.source.case === 'data') return Buffer.from(document.source.value).toString('base64');
  if (document.source.case === 'text') return Buffer.from(document.source.value, 'utf8').toString('base64');
  return undefined;
}

/**
 * Why the family cannot read this document where it stands (a user turn, or inside a tool result), worded for
 * the client; undefined when it can.
 */
export type DocumentCheck = (document: DocumentPart, inToolResult: boolean) => string | undefined;

/** The first document of the request the family cannot read, as the invalid_argument naming it. Plain loops: runs per target on every request. */
export function documentRefusal(request: ChatRequest, check: DocumentCheck): GatewayError | undefined {
  const { messages } = request;
  for (let messageIndex = 0; messageIndex < messages.length; messageIndex += 1) {
    const content = messages[messageIndex]!.content;
    for (let partIndex = 0; partIndex < content.length; partIndex += 1) {
      const kind = content[partIndex]!.kind;
      const at = `chat.messages[${messageIndex}].content[${partIndex}]`;
      if (kind.case === 'document') {
        const reason = check(kind.value, false);
        if (reason !== undefined) return invalidArgument(`${at}.document`, reason);
      } else if (kind.case === 'toolResult') {
        const inner = kind.value.content;
        for (let innerIndex = 0; innerIndex < inner.length; innerIndex += 1) {
          const innerKind = inner[innerIndex]!.kind;
          if (innerKind.case !== 'document') continue;
          const reason = check(innerKind.value, true);
          if (reason !== undefined) return invalidArgument(`${at}.tool_result.content[${innerIndex}].document`, reason);
        }
      }
    }
  }
  return undefined;
}

/** How a refusal names the document: "a PDF", "an application/msword document", "a document". */
export function describeDocument(document: DocumentPart): string {
  const form = documentForm(document);
  if (form === 'pdf') return document.source.case === 'url' ? 'a PDF URL' : 'a PDF';
  const mediaType = documentMediaType(document);
  const what = mediaType === '' ? 'a document' : `a ${mediaType} document`;
  return document.source.case === 'url' ? `${what} URL` : what;
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function startsWithPdfMagic(bytes: Uint8Array): boolean {
  // "%PDF-"
  return bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d;
}
