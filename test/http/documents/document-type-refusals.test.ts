// Files a family cannot take, refused before the call (a route passes over the target; with none left the
// client gets its surface's 400): Gemini reads PDFs, the text types it documents and audio / video, and
// answers anything else (a docx) with "Unsupported MIME type"; Claude cannot fetch a Gemini Files API URI (it
// needs Google's key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClients, type KeyClients } from '../../helpers/key-clients.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { chatCount, lastUserContent } from './document-fixtures.js';

let harness: ShimHarness;
let clients: KeyClients;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'gemini']);
  clients = keyClients(harness.gateway.url, harness.secret);
});
afterAll(async () => harness?.close());

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const failure = async (call: () => Promise<unknown>): Promise<{ status: number; error: Record<string, unknown>; message: string }> => {
  const thrown = (await call().then(() => undefined, (reason: unknown) => reason)) as { status?: number; error?: Record<string, unknown>; message?: string } | undefined;
  if (thrown === undefined) throw new Error('the call succeeded');
  return { status: thrown.status ?? 0, error: (thrown.error ?? {}) as Record<string, unknown>, message: String(thrown.message) };
};

describe('Gemini reads PDFs, text, audio and video only', () => {
  it('a docx to a Gemini upstream is a 400 naming the part; nothing reaches Gemini', async () => {
    const before = chatCount(harness, 'gemini');
    const { status, error } = await failure(() =>
      clients.openai.chat.completions.create({
        model: 'gemini/plain-text',
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: `data:${DOCX};base64,UEsDBBQAAAAIAA==`, filename: 'a.docx' } }, { type: 'text', text: 'Summarise.' }] }],
      }),
    );
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'messages[0].content[0].file' });
    expect(String(error['message'])).toMatch(/Gemini reads PDF, text, audio and video files only/);
    expect(chatCount(harness, 'gemini')).toBe(before);
  });

  it('a CSV file and an audio clip still reach Gemini as inlineData', async () => {
    const contents = [{ role: 'user', parts: [{ inlineData: { mimeType: 'text/csv', data: 'YSxiCjEsMgo=' } }, { inlineData: { mimeType: 'audio/mpeg', data: 'SUQz' } }, { text: 'Hi' }] }];
    await clients.gemini.models.generateContent({ model: 'gemini/plain-text', contents });
    expect(lastUserContent(harness, 'gemini').slice(0, 2)).toEqual([{ inlineData: { mimeType: 'text/csv', data: 'YSxiCjEsMgo=' } }, { inlineData: { mimeType: 'audio/mpeg', data: 'SUQz' } }]);
  });
});

describe('Claude cannot fetch Gemini Files API URIs', () => {
  it('a Gemini Files API URI to Claude is a 400 before the call', async () => {
    const before = chatCount(harness, 'anthropic');
    const { status, message } = await failure(() =>
      clients.gemini.models.generateContent({
        model: 'anthropic/plain-text',
        contents: [{ role: 'user', parts: [{ fileData: { mimeType: 'application/pdf', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } }, { text: 'Hi' }] }],
      }),
    );
    expect(status).toBe(400);
    expect(message).toContain("Invalid value at 'contents[0].parts[0].fileData'");
    expect(message).toMatch(/Gemini Files API/);
    expect(chatCount(harness, 'anthropic')).toBe(before);
  });

});
