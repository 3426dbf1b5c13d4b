// DocumentPart → Chat Completions content. Chat Completions reads PDFs only,
// as `file` parts whose file_data is a data URL, and takes no file URLs
// (https://developers.openai.com/api/docs/guides/file-inputs: "Chat
// Completions accepts only PDF files as file content parts"; External file
// URL: "Not supported"); for a text file the same guide says to send its
// contents as a text part, which the gateway does. OpenAI-compatible hosts
// (DeepSeek …) take no file parts at all: they get text documents as text and
// refuse PDFs. A tool message carries text only. What a host cannot read is
// refused before the call (`documentCheck`, ProviderAdapter.refusal), so a
// route fails over to a target that can.
import type { DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { describeDocument, documentForm, documentText, PDF_MEDIA_TYPE, type DocumentCheck } from '../shared/documents.js';
import { unsupportedParameter } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import type { FamilyTraits } from './family.js';
import type { WireFilePart, WireTextPart } from './wire-types.js';

/** The file name OpenAI needs beside file_data when the client gave none. */
export const DEFAULT_PDF_FILENAME = 'document.pdf';

/** Why this host cannot read the document where it stands; undefined when it can. */
export function documentCheck(document: DocumentPart, inToolResult: boolean, traits: FamilyTraits): string | undefined {
  const form = documentForm(document);
  if (form === 'text') return undefined;
  const what = describeDocument(document);
  if (!traits.readsPdfFiles) {
    return `${traits.label} reads no files through Chat Completions (only text documents, sent as text); ${what} cannot be sent to it — use a model that reads PDFs`;
  }
  if (inToolResult) return `${traits.label} takes text only in tool results; ${what} cannot be sent there`;
  if (document.source.case === 'url') return `${traits.label} Chat Completions takes no file URLs (${what}); send the file's bytes instead`;
  if (form !== 'pdf') return `${traits.label} Chat Completions reads PDF files only; ${what} cannot be sent to it`;
  return undefined;
}

/** The check bound to one host's traits, made once per adapter: the refusal runs on every request (docs/performance.md, "Closures made per request"). */
const CHECKS = new WeakMap<FamilyTraits, DocumentCheck>();
export function documentCheckFor(traits: FamilyTraits): DocumentCheck {
  let check = CHECKS.get(traits);
  if (check === undefined) CHECKS.set(traits, (check = (document, inToolResult) => documentCheck(document, inToolResult, traits)));
  return check;
}

export function convertDocument(
  document: DocumentPart,
  inToolResult: boolean,
  traits: FamilyTraits,
  collector: WarningCollector,
): WireTextPart | WireFilePart {
  const reason = documentCheck(document, inToolResult, traits);
  if (reason !== undefined) throw new GatewayError('invalid_argument', `messages.content.document: ${reason}`, { field: 'messages.content.document' });
  // Anthropic's title and context are text the model reads with the document; Chat Completions has no place for them.
  if (document.title !== '') collector.add(unsupportedParameter('messages.content.document.title', traits.label, 'a document has a file name only'));
  if (document.context !== '') collector.add(unsupportedParameter('messages.content.document.context', traits.label, 'a document has a file name only'));
  const text = documentText(document);
  if (text !== undefined) return { type: 'text', text };
  const bytes = document.source.case === 'data' ? document.source.value : new Uint8Array();
  const fileData = `data:${PDF_MEDIA_TYPE};base64,${Buffer.from(bytes).toString('base64')}`;
  return { type: 'file', file: { file_data: fileData, filename: document.filename || DEFAULT_PDF_FILENAME } };
}
