// Documents the document tests send: a small one-page PDF (its bytes and base64),
// and the upstream request bodies' content as the fixtures recorded them.
import type { ShimHarness } from '../shim-harness.js';
import type { ProviderFamily } from '../../fixtures/scenarios.js';

export const PDF_TEXT = [
  '%PDF-1.4',
  '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
  '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
  '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
  'trailer << /Root 1 0 R >>',
  '%%EOF',
].join('\n');
export const PDF_BASE64 = Buffer.from(PDF_TEXT, 'latin1').toString('base64');
export const PDF_DATA_URL = `data:application/pdf;base64,${PDF_BASE64}`;

type Json = Record<string, unknown>;

/** The last chat request body the family's fixture received. */
export function lastBody(harness: ShimHarness, family: ProviderFamily): Json {
  const recorded = harness.fixture(family).received.filter((request) => request.normalized).at(-1);
  if (!recorded) throw new Error(`the ${family} upstream received no chat request`);
  return recorded.body as Json;
}

/** How many chat requests the family's fixture has received so far. */
export const chatCount = (harness: ShimHarness, family: ProviderFamily): number =>
  harness.fixture(family).received.filter((request) => request.normalized).length;

/** The content (a list of blocks / parts) of the last user turn of a recorded body, whichever family. */
export function lastUserContent(harness: ShimHarness, family: ProviderFamily): Json[] {
  const body = lastBody(harness, family);
  if (family === 'gemini') {
    const contents = (body['contents'] as Array<{ role?: string; parts?: Json[] }>).filter((content) => content.role === 'user');
    return contents.at(-1)?.parts ?? [];
  }
  const messages = (body['messages'] as Array<{ role: string; content: unknown }>).filter((message) => message.role === 'user');
  const content = messages.at(-1)?.content;
  return typeof content === 'string' ? [{ type: 'text', text: content }] : ((content as Json[] | undefined) ?? []);
}

export const warningsOf = (headers: Headers | Record<string, string> | undefined): Array<{ code: string; param: string; message: string }> => {
  const value = headers instanceof Headers ? headers.get('x-gateway-warnings') : headers?.['x-gateway-warnings'];
  return JSON.parse(value ?? '[]') as Array<{ code: string; param: string; message: string }>;
};
