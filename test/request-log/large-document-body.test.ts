// A key that logs bodies sending a multi-megabyte document: the request-log row keeps a placeholder naming
// the document's media type and size — never its base64 — and stays within the body cap. Building the row
// used to serialise the whole request (the document as base64) before cutting it to the cap, which froze
// the gateway for seconds per 10 MB document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/core/request-log/redact-body.js';
import { keyRows, startShimHarness, type ShimHarness } from '../http/shim-harness.js';
import { PDF_TEXT } from '../http/documents/document-fixtures.js';

let harness: ShimHarness;
let keyId: string;
let client: OpenAI;

beforeAll(async () => {
  harness = await startShimHarness(['openai']);
  const created = (await harness.admin('KeysService/CreateKey', { name: 'big-documents', logRequestBodies: true })) as { key: { id: string }; secret: string };
  keyId = created.key.id;
  client = harness.clientWith({ apiKey: created.secret });
});
afterAll(async () => harness?.close());

// A valid one-page PDF padded with a comment line to 3 MB.
const bigPdf = Buffer.from(PDF_TEXT.replace('%%EOF', `%${'x'.repeat(3 * 1024 * 1024)}\n%%EOF`), 'latin1');

describe('the request log of a key that logs bodies, for a multi-megabyte document', () => {
  it('keeps a placeholder with the media type and size instead of the base64, within the cap', async () => {
    const base64 = bigPdf.toString('base64');
    const answer = await client.chat.completions.create({
      model: 'openai/plain-text',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_data: `data:application/pdf;base64,${base64}`, filename: 'big.pdf' } },
            { type: 'text', text: 'Summarise the attached report.' },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('Hello, world!');
    const rows = await keyRows<{ requestBody?: string }>(harness, keyId, 1);
    const body = rows[0]?.requestBody ?? '';
    expect(body).toContain(`<application/pdf, ${bigPdf.length} bytes>`);
    expect(body).toContain('Summarise the attached report.');
    expect(body).not.toContain(base64.slice(0, 64));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DEFAULT_MAX_BODY_BYTES);
    // Whole: the row is JSON, not a cut-off prefix of the document.
    expect(() => JSON.parse(body) as unknown).not.toThrow();
  });
});
