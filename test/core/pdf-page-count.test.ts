// The PDF page count behind the token estimate: page objects, the page tree's /Count (also inside a
// FlateDecode object stream, PDF 1.5+), and a size-based floor when no page object is visible at all.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { ChatRequestSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { countChatTokens } from '../../src/core/completion/count-tokens.js';
import { TOKENS_PER_PDF_PAGE } from '../../src/core/completion/document-tokens.js';
import { BYTES_PER_PDF_PAGE, pdfPageCount } from '../../src/core/completion/pdf-page-count.js';

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

/** A PDF whose objects 1–(pages+2) live in one /Type /ObjStm compressed with FlateDecode, as PDF 1.5 writers make them. */
function objectStreamPdf(pages: number, padding = 0): Uint8Array {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Kids [${Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(' ')}] /Resources << /Font << /F1 9 0 R >> >> /Count ${pages} /Type /Pages >>`];
  for (let i = 0; i < pages; i += 1) objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>');
  let offsets = '';
  let body = '';
  objects.forEach((object, index) => {
    offsets += `${index + 1} ${body.length} `;
    body += `${object}\n`;
  });
  const compressed = deflateSync(Buffer.from(offsets + body, 'latin1'));
  const head = Buffer.from(`%PDF-1.5\n%\xe2\xe3\xcf\xd3\n100 0 obj\n<< /Type /ObjStm /N ${objects.length} /First ${offsets.length} /Filter /FlateDecode /Length ${compressed.length} >>\nstream\n`, 'latin1');
  const tail = Buffer.from(`\nendstream\nendobj\n${'%'.repeat(padding)}\nstartxref\n0\n%%EOF\n`, 'latin1');
  return new Uint8Array(Buffer.concat([head, compressed, tail]));
}

describe('pdfPageCount', () => {
  it('counts page objects in a plain PDF', () => {
    expect(pdfPageCount(latin1(`%PDF-1.4\n${'<< /Type /Page /Parent 2 0 R >>\n'.repeat(3)}%%EOF`))).toBe(3);
  });

  it("reads the page tree's /Count (the largest) where page objects are not all visible", () => {
    const pdf = `%PDF-1.4\n1 0 obj << /Type /Pages /Kids [3 0 R] /Count 40 >> endobj\n2 0 obj << /Count 7 /Type /Pages /Parent 1 0 R >> endobj\n3 0 obj << /Type /Page >> endobj\n%%EOF`;
    expect(pdfPageCount(latin1(pdf))).toBe(40);
  });

  it('reads /Count inside a FlateDecode object stream (nested dictionaries in the Pages node)', () => {
    expect(pdfPageCount(objectStreamPdf(120))).toBe(120);
  });

  it('falls back on the size when nothing tells the pages (an object stream it cannot read)', () => {
    const bytes = objectStreamPdf(120, 10 * BYTES_PER_PDF_PAGE);
    const unreadable = Buffer.from(bytes).toString('latin1').replace('/FlateDecode', '/LZWDecode');
    expect(pdfPageCount(latin1(unreadable))).toBe(Math.ceil(unreadable.length / BYTES_PER_PDF_PAGE));
    expect(pdfPageCount(latin1('%PDF-1.7\n%%EOF'))).toBe(1);
  });
});

describe('the token estimate of a PDF', () => {
  it('counts the pages of a PDF whose page tree sits in an object stream', () => {
    const chat = (data?: Uint8Array) =>
      create(ChatRequestSchema, {
        model: 'm',
        messages: [{ role: Role.USER, content: data ? [{ kind: { case: 'document', value: { source: { case: 'data', value: data }, mediaType: 'application/pdf' } } }] : [] }],
      });
    const estimate = countChatTokens(chat(objectStreamPdf(120)), 'gpt-4o').tokens - countChatTokens(chat(), 'gpt-4o').tokens;
    expect(estimate).toBe(120 * TOKENS_PER_PDF_PAGE);
  });
});
