// What every family needs to know about a DocumentPart: its form (a PDF, a text
// file, some other file), its text where it is one, and the walk over a
// request's documents that lets a family refuse one it cannot read before any
// call (ProviderAdapter.refusal), so a route can fail over to a target that can
// (docs/provider-wire-formats.md, "Documents").
import type { ChatRequest, DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { documentForm, documentMediaType, documentText } from '../../domain/document-content.js';
import { invalidArgument, type GatewayError } from '../../domain/gateway-error.js';

export { documentForm, documentMediaType, documentText, PDF_MEDIA_TYPE, TEXT_MEDIA_TYPE, type DocumentForm } from '../../domain/document-content.js';

/** The document's bytes as base64: a text document's text as UTF-8 (whatever charset it came in), other data as is; undefined for a URL. */
export function documentBase64(document: DocumentPart): string | undefined {
  const text = documentText(document);
  if (text !== undefined) return Buffer.from(text, 'utf8').toString('base64');
  if (document.source.case === 'data') return Buffer.from(document.source.value).toString('base64');
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
