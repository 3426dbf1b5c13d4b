// Each family's document rules, pure: what it refuses before the call (ProviderAdapter.refusal) and how it
// writes what it takes — text files of any text/* type, files in tool results, URLs, titles.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role, type DocumentPartSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { createAnthropicAdapter } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { convertRequest as convertAnthropic } from '../../../src/providers/anthropic/convert-request.js';
import { convertRequest as convertGemini } from '../../../src/providers/gemini/convert-request.js';
import { createGeminiAdapter } from '../../../src/providers/gemini/gemini-adapter.js';
import { convertRequest as convertOpenAI } from '../../../src/providers/openai/convert-request.js';
import { familyTraits } from '../../../src/providers/openai/family.js';
import { createOpenAIAdapter } from '../../../src/providers/openai/openai-adapter.js';
import type { ProviderConnection } from '../../../src/domain/provider-adapter.js';

type Document = MessageInitShape<typeof DocumentPartSchema>;
const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const pdf: Document = { source: { case: 'data', value: bytes('%PDF-1.4 x') }, mediaType: 'application/pdf' };
const markdown: Document = { source: { case: 'data', value: bytes('# Notes') }, mediaType: 'text/markdown', title: 'Notes' };
const docx: Document = { source: { case: 'data', value: bytes('PK..') }, mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
const pdfUrl: Document = { source: { case: 'url', value: 'https://example.com/a.pdf' } };
const oddUrl: Document = { source: { case: 'url', value: 'https://example.com/file' } };

const inUser = (document: Document) =>
  create(ChatRequestSchema, { model: 'm', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hi' } } }, { kind: { case: 'document', value: document } }] }] });
const inToolResult = (document: Document) =>
  create(ChatRequestSchema, {
    model: 'm',
    messages: [
      { role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hi' } } }] },
      { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'c1', name: 'fetch', argumentsJson: '{}' } } }] },
      { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'c1', name: 'fetch', content: [{ kind: { case: 'document', value: document } }] } } }] },
    ],
  });
const connection = (type: ProviderConnection['type']): ProviderConnection => ({ id: type, type, baseUrl: 'http://127.0.0.1:1', apiKey: 'k', extraHeaders: {}, azureApiVersion: '' });
const refusal = (type: ProviderConnection['type'], request: ReturnType<typeof inUser>) => {
  const adapter = type === 'anthropic' ? createAnthropicAdapter(connection(type)) : type === 'gemini' ? createGeminiAdapter(connection(type)) : createOpenAIAdapter(connection(type));
  return adapter.refusal?.(request)?.message;
};

describe('refused before the call', () => {
  it.each([
    ['anthropic', inUser(docx), /^chat\.messages\[0\]\.content\[1\]\.document: Anthropic reads PDF and plain-text documents only/],
    ['anthropic', inUser({ source: { case: 'url', value: 'https://example.com/a.txt' }, mediaType: 'text/plain' }), /a text\/plain document URL cannot be sent/],
    ['openai', inUser(pdfUrl), /Chat Completions takes no file URLs \(a PDF URL\)/],
    ['openai', inUser(docx), /reads PDF files only/],
    ['azure-openai', inToolResult(pdf), /^chat\.messages\[2\]\.content\[0\]\.tool_result\.content\[0\]\.document: Azure OpenAI takes text only in tool results/],
    ['openai-compatible', inUser(pdf), /The OpenAI-compatible host reads no files through Chat Completions/],
    ['gemini', inToolResult(pdfUrl), /a document URL cannot be sent there/],
    ['gemini', inUser(docx), /Gemini reads PDF, text, audio and video files only; a application\/vnd\.openxmlformats/],
    ['anthropic', inUser({ source: { case: 'url', value: 'https://generativelanguage.googleapis.com/v1beta/files/abc' }, mediaType: 'application/pdf' }), /Gemini Files API URI/],
  ] as const)('%s: %#', (type, request, message) => {
    expect(refusal(type, request)).toMatch(message);
  });

  it.each([
    ['anthropic', inUser(pdf)],
    ['anthropic', inUser(oddUrl)],
    ['anthropic', inToolResult(markdown)],
    ['openai', inUser(pdf)],
    ['openai', inToolResult(markdown)],
    ['openai-compatible', inUser(markdown)],
    ['gemini', inToolResult(pdf)],
  ] as const)('%s takes %#', (type, request) => {
    expect(refusal(type, request)).toBeUndefined();
  });
});

describe('written in each family’s wire format', () => {
  it('Anthropic: any text/* file as a plain-text source, the file name as title where there is no title', () => {
    const { params } = convertAnthropic(inUser(markdown), 'claude');
    expect((params.messages[0]?.content as unknown[])[1]).toEqual({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: '# Notes' }, title: 'Notes' });
    const named = convertAnthropic(inToolResult({ ...pdf, filename: 'a.pdf' }), 'claude').params.messages.at(-1)?.content as Array<{ content: unknown[] }>;
    expect(named[0]?.content[0]).toEqual({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: Buffer.from('%PDF-1.4 x').toString('base64') }, title: 'a.pdf' });
  });

  it('OpenAI: a text file in a tool result as its text; a title is a warning', () => {
    const { params, warnings } = convertOpenAI(inToolResult(markdown), familyTraits('openai'), { model: 'm', stream: false });
    expect(params.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'c1', content: '# Notes' });
    expect(warnings.map((warning) => warning.param)).toContain('messages.content.document.title');
  });

  it('Gemini: a document in a tool result as functionResponse.parts inlineData; a URL of unknown type sent as a PDF, with a warning', () => {
    const { request } = convertGemini(inToolResult(pdf), 'gemini-2.5-flash');
    const response = request.contents.at(-1)?.parts?.[0]?.functionResponse;
    expect(response?.parts).toEqual([{ inlineData: { mimeType: 'application/pdf', data: Buffer.from('%PDF-1.4 x').toString('base64') } }]);
    const { request: withUrl, warnings } = convertGemini(inUser(oddUrl), 'gemini-2.5-flash');
    expect(withUrl.contents[0]?.parts?.[1]).toEqual({ fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/file' } });
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'default_applied' }));
  });
});
