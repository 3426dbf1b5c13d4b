// A document's share of the local token estimate (budgets, admission, the
// count_tokens answer of a family without its own counter). A PDF costs its
// text and an image of each page: Anthropic puts a page at 1,500–3,000 tokens
// (https://platform.claude.com/docs/en/build-with-claude/pdf-support, "Estimate
// your costs"); the estimate is the lower bound times the pages
// (pdf-page-count.ts: page objects, the page tree's /Count, in the clear or in
// object streams, else the file's size). A text document counts as its text
// (in its charset); a URL, which the gateway never fetches, or another file as
// one page.
import type { DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { documentForm, documentText } from '../../domain/document-content.js';
import { pdfPageCount } from './pdf-page-count.js';

export const TOKENS_PER_PDF_PAGE = 1500;

export function documentTokens(document: DocumentPart, countText: (text: string) => number): number {
  const text = documentText(document);
  if (text !== undefined) return countText(text);
  if (document.source.case !== 'data' || documentForm(document) !== 'pdf') return TOKENS_PER_PDF_PAGE;
  return pdfPageCount(document.source.value) * TOKENS_PER_PDF_PAGE;
}
