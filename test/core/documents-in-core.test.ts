// The core's share of documents: the checks every request passes (a document only in a user turn, data with its
// media type, an http(s) URL) and the local token estimate (pages of a PDF, a text document's text).
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role, type DocumentPartSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { countChatTokens } from '../../src/core/completion/count-tokens.js';
import { TOKENS_PER_PDF_PAGE } from '../../src/core/completion/document-tokens.js';
import { validateChatRequest } from '../../src/core/completion/validate-chat-request.js';

type Document = MessageInitShape<typeof DocumentPartSchema>;
const request = (document: Document) =>
  create(ChatRequestSchema, { model: 'm', messages: [{ role: Role.USER, content: [{ kind: { case: 'document', value: document } }] }] });
const pages = (count: number) =>
  new Uint8Array(Buffer.from(`%PDF-1.4\n<< /Type /Pages /Count ${count} >>\n${'<< /Type /Page /Parent 2 0 R >>\n'.repeat(count)}%%EOF`, 'latin1'));
const refusal = (document: Document): string | undefined => {
  try {
    validateChatRequest(request(document));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('documents in the core', () => {
  it('are checked: a source, data with its media type, an http(s) URL', () => {
    expect(refusal({ source: { case: 'data', value: pages(1) }, mediaType: 'application/pdf' })).toBeUndefined();
    expect(refusal({ source: { case: 'text', value: 'notes' } })).toBeUndefined();
    expect(refusal({ mediaType: 'application/pdf' })).toBe('chat.messages[0].content[0].document: needs data, a url or text');
    expect(refusal({ source: { case: 'data', value: pages(1) } })).toMatch(/^chat\.messages\[0\]\.content\[0\]\.document\.media_type: is required with data/);
    expect(refusal({ source: { case: 'url', value: 'file:///etc/passwd' } })).toMatch(/document\.url: must be an http\(s\) URL/);
    expect(refusal({ source: { case: 'text', value: 'x' }, mediaType: 'plain' })).toMatch(/document\.media_type: must be a media type/);
  });

  it('count a PDF per page, a text document as its text', () => {
    const base = countChatTokens(create(ChatRequestSchema, { model: 'm', messages: [{ role: Role.USER, content: [] }] }), 'gpt-4o').tokens;
    const pdf = (count: number) => countChatTokens(request({ source: { case: 'data', value: pages(count) }, mediaType: 'application/pdf' }), 'gpt-4o').tokens - base;
    expect(pdf(1)).toBe(TOKENS_PER_PDF_PAGE);
    expect(pdf(3)).toBe(3 * TOKENS_PER_PDF_PAGE);
    const text = countChatTokens(request({ source: { case: 'data', value: new Uint8Array(Buffer.from('hello world')) }, mediaType: 'text/plain' }), 'gpt-4o').tokens - base;
    expect(text).toBe(2);
  });
});
