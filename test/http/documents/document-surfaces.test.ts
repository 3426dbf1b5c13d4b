// Documents (PDF, plain text) through each surface's official SDK — @anthropic-ai/sdk `document` blocks,
// openai `file` parts and Responses `input_file`, @google/genai `inlineData` / `fileData` — to fixture
// upstreams of each family, which must receive them in their own wire format: an Anthropic `document` block,
// a Chat Completions `file` part (file_data as a data URL, filename), a Gemini `inlineData` / `fileData`.
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClients, type KeyClients } from '../../helpers/key-clients.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { lastUserContent, PDF_BASE64, PDF_DATA_URL, warningsOf } from './document-fixtures.js';

let harness: ShimHarness;
let clients: KeyClients;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'openai', 'gemini', 'openai-compatible']);
  clients = keyClients(harness.gateway.url, harness.secret);
});
afterAll(async () => harness?.close());

const pdfBlock: Anthropic.DocumentBlockParam = {
  type: 'document',
  source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 },
  title: 'Q3 report',
  context: 'Quarterly figures',
};
const summarise = (model: string, document: Anthropic.DocumentBlockParam): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 256,
  messages: [{ role: 'user', content: [document, { type: 'text', text: 'Summarise this document.' }] }],
});

describe('@anthropic-ai/sdk document blocks', () => {
  it('a base64 PDF reaches an Anthropic upstream as the same block (title, context, cache_control kept)', async () => {
    const document = { ...pdfBlock, cache_control: { type: 'ephemeral' as const } };
    const message = await clients.anthropic.messages.create(summarise('anthropic/plain-text', document));
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
    expect(lastUserContent(harness, 'anthropic')[0]).toEqual(document);
  });

  it('a base64 PDF reaches an OpenAI upstream as a file part (file_data as a data URL); the title is a warning', async () => {
    const { data, response } = await clients.anthropic.messages.create(summarise('openai/plain-text', pdfBlock)).withResponse();
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
    expect(lastUserContent(harness, 'openai')).toEqual([
      { type: 'file', file: { file_data: PDF_DATA_URL, filename: 'document.pdf' } },
      { type: 'text', text: 'Summarise this document.' },
    ]);
    // OpenAI has no place for a document's title or context: the answer says they were not sent.
    const warnings = warningsOf(response.headers).filter((warning) => warning.code === 'unsupported_parameter');
    expect(warnings.map((warning) => warning.param)).toEqual(expect.arrayContaining([expect.stringMatching(/title$/), expect.stringMatching(/context$/)]));
  });

  it('a base64 PDF reaches a Gemini upstream as inlineData', async () => {
    await clients.anthropic.messages.create(summarise('gemini/plain-text', pdfBlock));
    expect(lastUserContent(harness, 'gemini')).toEqual([{ inlineData: { mimeType: 'application/pdf', data: PDF_BASE64 } }, { text: 'Summarise this document.' }]);
  });

  it('a plain-text document is a text source for Anthropic, a text part for OpenAI-family hosts, inlineData text/plain for Gemini', async () => {
    const document: Anthropic.DocumentBlockParam = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Revenue rose 4%.' } };
    await clients.anthropic.messages.create(summarise('anthropic/plain-text', document));
    expect(lastUserContent(harness, 'anthropic')[0]).toEqual(document);
    await clients.anthropic.messages.create(summarise('openai/plain-text', document));
    expect(lastUserContent(harness, 'openai')).toEqual([
      { type: 'text', text: 'Revenue rose 4%.' },
      { type: 'text', text: 'Summarise this document.' },
    ]);
    // A compatible host gets text-only content as one string (DeepSeek refuses an array of parts).
    await clients.anthropic.messages.create(summarise('openai-compatible/plain-text', document));
    expect(lastUserContent(harness, 'openai-compatible')).toEqual([{ type: 'text', text: 'Revenue rose 4%.\nSummarise this document.' }]);
    await clients.anthropic.messages.create(summarise('gemini/plain-text', document));
    expect(lastUserContent(harness, 'gemini')[0]).toEqual({ inlineData: { mimeType: 'text/plain', data: Buffer.from('Revenue rose 4%.').toString('base64') } });
  });

  it('a PDF URL reaches Anthropic as a url source and Gemini as fileData', async () => {
    const document: Anthropic.DocumentBlockParam = { type: 'document', source: { type: 'url', url: 'https://example.com/q3.pdf' } };
    await clients.anthropic.messages.create(summarise('anthropic/plain-text', document));
    expect(lastUserContent(harness, 'anthropic')[0]).toEqual(document);
    await clients.anthropic.messages.create(summarise('gemini/plain-text', document));
    expect(lastUserContent(harness, 'gemini')[0]).toEqual({ fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/q3.pdf' } });
  });

  it('a document in a tool result stays in the tool_result for an Anthropic upstream', async () => {
    await clients.anthropic.messages.create({
      model: 'anthropic/plain-text',
      max_tokens: 256,
      messages: [
        { role: 'user', content: 'Fetch the report' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'fetch_report', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [pdfBlock] }] },
      ],
    });
    expect(lastUserContent(harness, 'anthropic')).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [pdfBlock] }]);
  });
});

describe('openai SDK file parts', () => {
  const withFile = (model: string) =>
    clients.openai.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_data: PDF_DATA_URL, filename: 'q3.pdf' } },
            { type: 'text', text: 'Summarise this document.' },
          ],
        },
      ],
    });

  it('reach an Anthropic upstream as a document block, the file name as its title', async () => {
    const answer = await withFile('anthropic/plain-text');
    expect(answer.choices[0]?.message.content).toBe('Hello, world!');
    expect(lastUserContent(harness, 'anthropic')).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 }, title: 'q3.pdf' },
      { type: 'text', text: 'Summarise this document.' },
    ]);
  });

  it('reach an OpenAI upstream unchanged and a Gemini upstream as inlineData', async () => {
    await withFile('openai/plain-text');
    expect(lastUserContent(harness, 'openai')[0]).toEqual({ type: 'file', file: { file_data: PDF_DATA_URL, filename: 'q3.pdf' } });
    await withFile('gemini/plain-text');
    expect(lastUserContent(harness, 'gemini')[0]).toEqual({ inlineData: { mimeType: 'application/pdf', data: PDF_BASE64 } });
  });
});

describe('openai SDK Responses input_file', () => {
  it('file_data reaches an Anthropic upstream as a document block, file_url as a url source', async () => {
    const response = await clients.openai.responses.create({
      model: 'anthropic/plain-text',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_file', file_data: PDF_DATA_URL, filename: 'q3.pdf' },
            { type: 'input_file', file_url: 'https://example.com/q4.pdf' },
            { type: 'input_text', text: 'Compare these.' },
          ],
        },
      ],
    });
    expect(response.output_text).toBe('Hello, world!');
    expect(lastUserContent(harness, 'anthropic')).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 }, title: 'q3.pdf' },
      { type: 'document', source: { type: 'url', url: 'https://example.com/q4.pdf' } },
      { type: 'text', text: 'Compare these.' },
    ]);
  });
});

describe('@google/genai inlineData / fileData documents', () => {
  it('an inlineData PDF reaches an Anthropic upstream as a document block, and an OpenAI upstream as a file part', async () => {
    const contents = [{ role: 'user', parts: [{ inlineData: { mimeType: 'application/pdf', data: PDF_BASE64 } }, { text: 'Summarise this document.' }] }];
    const answer = await clients.gemini.models.generateContent({ model: 'anthropic/plain-text', contents });
    expect(answer.text).toBe('Hello, world!');
    expect(lastUserContent(harness, 'anthropic')).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 } },
      { type: 'text', text: 'Summarise this document.' },
    ]);
    await clients.gemini.models.generateContent({ model: 'openai/plain-text', contents });
    expect(lastUserContent(harness, 'openai')[0]).toEqual({ type: 'file', file: { file_data: PDF_DATA_URL, filename: 'document.pdf' } });
  });

  it('a fileData PDF reaches an Anthropic upstream as a url source and a Gemini upstream unchanged', async () => {
    const contents = [{ role: 'user', parts: [{ fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/q3.pdf' } }, { text: 'Summarise.' }] }];
    await clients.gemini.models.generateContent({ model: 'anthropic/plain-text', contents });
    expect(lastUserContent(harness, 'anthropic')[0]).toEqual({ type: 'document', source: { type: 'url', url: 'https://example.com/q3.pdf' } });
    await clients.gemini.models.generateContent({ model: 'gemini/plain-text', contents });
    expect(lastUserContent(harness, 'gemini')[0]).toEqual({ fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/q3.pdf' } });
  });
});
