// @google/genai `functionResponse.parts` (FunctionResponsePart: inlineData / fileData beside `response`) are
// the tool result's files: a Gemini upstream gets them back as functionResponse.parts, an Anthropic upstream as
// documents and images inside the tool_result, and a family that takes no files in tool results (OpenAI's Chat
// Completions) refuses the request before the call — never a silent drop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '@google/genai';
import { keyClients, type KeyClients } from '../../helpers/key-clients.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { chatCount, lastUserContent, PDF_BASE64 } from './document-fixtures.js';

let harness: ShimHarness;
let clients: KeyClients;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'openai', 'gemini']);
  clients = keyClients(harness.gateway.url, harness.secret);
});
afterAll(async () => harness?.close());

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const conversation = (parts: unknown[]): Content[] => [
  { role: 'user', parts: [{ text: 'get the report' }] },
  { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'get_report', args: {} } }] },
  { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'get_report', response: { content: 'attached' }, parts } } as never] },
];
const pdfAndImage = [{ inlineData: { mimeType: 'application/pdf', data: PDF_BASE64, displayName: 'report.pdf' } }, { inlineData: { mimeType: 'image/png', data: PNG_BASE64 } }];

describe('@google/genai functionResponse.parts', () => {
  it('reach a Gemini upstream as functionResponse.parts beside the response', async () => {
    await clients.gemini.models.generateContent({ model: 'gemini/plain-text', contents: conversation(pdfAndImage) });
    expect(lastUserContent(harness, 'gemini')).toEqual([
      {
        functionResponse: {
          id: 'c1',
          name: 'get_report',
          response: { content: 'attached' },
          parts: [{ inlineData: { mimeType: 'application/pdf', data: PDF_BASE64 } }, { inlineData: { mimeType: 'image/png', data: PNG_BASE64 } }],
        },
      },
    ]);
  });

  it('reach an Anthropic upstream as a document and an image inside the tool_result', async () => {
    await clients.gemini.models.generateContent({ model: 'anthropic/plain-text', contents: conversation(pdfAndImage) });
    const [result] = lastUserContent(harness, 'anthropic');
    expect(result).toMatchObject({
      type: 'tool_result',
      tool_use_id: 'c1',
      content: [
        { type: 'text', text: 'attached' },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 }, title: 'report.pdf' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
      ],
    });
  });

  it('a family that takes no files in tool results refuses before the call, naming the part', async () => {
    const before = chatCount(harness, 'openai');
    const refused = await clients.gemini.models
      .generateContent({ model: 'openai/plain-text', contents: conversation([pdfAndImage[0]]) })
      .then(() => undefined, (error: Error) => error);
    expect(refused?.message).toMatch(/400/);
    expect(refused?.message).toContain('contents[2].parts[0].functionResponse.parts[0]');
    expect(refused?.message).toMatch(/tool results/);
    expect(chatCount(harness, 'openai')).toBe(before);
  });

  it('a part that is neither inlineData nor fileData is a 400', async () => {
    const refused = await clients.gemini.models
      .generateContent({ model: 'gemini/plain-text', contents: conversation([{ text: 'not a file' }]) })
      .then(() => undefined, (error: Error) => error);
    expect(refused?.message).toMatch(/400/);
    expect(refused?.message).toContain('functionResponse.parts[0]');
  });
});
