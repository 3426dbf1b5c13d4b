// A document's share of the local token estimate (budgets, admission, the
// count_tokens answer of a family without its own counter). A PDF costs its
// text and an image of each page: Anthropic puts a page at 1,500–3,000 tokens
// (https://platform.claude.com/docs/en/build-with-claude/pdf-support, "Estimate
// your costs"); the estimate is the lower bound times the pages, counted from
// the file's page objects (at least one). A text document counts as its text;
// a URL, which the gateway never fetches, as one page.
import type { DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';

export const TOKENS_PER_PDF_PAGE = 1500;
// `/Type /Page` and not `/Type /Pages` (the page tree): one per page in any PDF.
const PAGE_OBJECT = /\/Type\s*\/Page(?![a-zA-Z])/g;

export function documentTokens(document: DocumentPart, countText: (text: string) => number): number {
  const { source } = document;
  if (source.case === 'text') return countText(source.value);
  if (source.case === 'data' && document.mediaType.toLowerCase().startsWith('text/')) return countText(Buffer.from(source.value).toString('utf8'));
  if (source.case !== 'data') return TOKENS_PER_PDF_PAGE;
  const pages = Buffer.from(source.value.buffer, source.value.byteOffset, source.value.byteLength).toString('latin1').match(PAGE_OBJECT)?.length ?? 0;
  return Math.max(1, pages) * TOKENS_PER_PDF_PAGE;
}
