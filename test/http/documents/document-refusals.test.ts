// What documents cannot do, and what they leave alone: a target that cannot read one (an OpenAI-compatible
// host such as DeepSeek, a PDF URL on Chat Completions) is refused before any call — so a route fails over to
// one that can —, file ids and the Files API are a clear 400 on every surface, `citations` is a warning;
// the body limit, prompt rules and token counting work with documents as without.
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClients, type KeyClients } from '../../helpers/key-clients.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { chatCount, lastUserContent, PDF_BASE64, PDF_DATA_URL, warningsOf } from './document-fixtures.js';

const BODY_LIMIT = 256 * 1024;
let harness: ShimHarness;
let clients: KeyClients;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'openai', 'openai-compatible', 'gemini'], { GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  clients = keyClients(harness.gateway.url, harness.secret);
  await harness.admin('RoutesService/CreateRoute', {
    name: 'deepseek-then-claude',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [
      { providerId: 'openai-compatible', upstreamModel: 'plain-text' },
      { providerId: 'anthropic', upstreamModel: 'plain-text' },
    ],
  });
  await harness.admin('RoutesService/CreateRoute', {
    name: 'deepseek-then-openai',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [
      { providerId: 'openai-compatible', upstreamModel: 'plain-text' },
      { providerId: 'openai', upstreamModel: 'plain-text' },
    ],
  });
  await harness.admin('RoutesService/CreateRoute', {
    name: 'ruled-docs',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'anthropic', upstreamModel: 'plain-text' }],
  });
  await harness.admin('PromptRulesService/CreatePromptRule', {
    name: 'sign', scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'ruled-docs',
    operation: 'PROMPT_RULE_OPERATION_APPEND_USER', text: '(signed)',
  });
});
afterAll(async () => harness?.close());

const pdfPart = { type: 'file' as const, file: { file_data: PDF_DATA_URL, filename: 'q3.pdf' } };
const askAbout = (model: string, part: object = pdfPart) =>
  clients.openai.chat.completions.create({
    model,
    messages: [{ role: 'user', content: [part as { type: 'file'; file: { file_data: string } }, { type: 'text', text: 'Summarise.' }] }],
  });
/** What the SDK threw: the status, the error body it parsed (openai, Anthropic) and its message (@google/genai quotes the body). */
const failure = async (call: () => Promise<unknown>): Promise<{ status: number; error: Record<string, unknown>; message: string }> => {
  const thrown = (await call().then(() => undefined, (reason: unknown) => reason)) as { status?: number; error?: Record<string, unknown>; message?: string } | undefined;
  if (thrown === undefined) throw new Error('the call succeeded');
  return { status: thrown.status ?? 0, error: (thrown.error ?? {}) as Record<string, unknown>, message: String(thrown.message) };
};

describe('targets that cannot read a document are refused before the call', () => {
  it('a PDF to an OpenAI-compatible host (DeepSeek) is a 400 naming the part; nothing reaches the host', async () => {
    const before = chatCount(harness, 'openai-compatible');
    const { status, error } = await failure(() => askAbout('openai-compatible/plain-text'));
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'messages[0].content[0].file' });
    expect(String(error['message'])).toMatch(/OpenAI-compatible host.*PDF/);
    expect(chatCount(harness, 'openai-compatible')).toBe(before);
  });

  it('a route fails over from the OpenAI-compatible host to a target that reads PDFs', async () => {
    const before = chatCount(harness, 'openai-compatible');
    const { data, response } = await askAbout('deepseek-then-claude').withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello, world!');
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(chatCount(harness, 'openai-compatible')).toBe(before);
    expect(lastUserContent(harness, 'anthropic')[0]).toMatchObject({ type: 'document', source: { type: 'base64', data: PDF_BASE64 } });
  });

  it('a PDF URL to an OpenAI upstream (Chat Completions takes no file URLs) is the Anthropic surface’s 400', async () => {
    const before = chatCount(harness, 'openai');
    const { status, error } = await failure(() =>
      clients.anthropic.messages.create({
        model: 'openai/plain-text',
        max_tokens: 64,
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/q3.pdf' } }, { type: 'text', text: 'Hi' }] }],
      }),
    );
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(String((error['error'] as Record<string, unknown>)['message'])).toMatch(/^messages\.0\.content\.0: .*URL/);
    expect(chatCount(harness, 'openai')).toBe(before);
  });

  it('when every target of a route refuses, the answer gives each target’s reason, with the first one’s param', async () => {
    const before = [chatCount(harness, 'openai-compatible'), chatCount(harness, 'openai')];
    const { status, error } = await failure(() =>
      clients.openai.responses.create({
        model: 'deepseek-then-openai',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Summarise.' }, { type: 'input_file', file_url: 'https://example.com/q3.pdf' }] }],
      }),
    );
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'input[0].content[1]' });
    const message = String(error['message']);
    expect(message).toContain('no target of route "deepseek-then-openai" can serve this request');
    expect(message).toMatch(/openai-compatible\/plain-text: .*OpenAI-compatible host.*; openai\/plain-text: .*URL/);
    expect([chatCount(harness, 'openai-compatible'), chatCount(harness, 'openai')]).toEqual(before);
  });

  it('Responses names the refused part as the client sent it: input[i].content[j], streamed or not', async () => {
    for (const stream of [false, true]) {
      const { status, error } = await failure(() =>
        clients.openai.responses.create({
          model: 'openai-compatible/plain-text',
          stream,
          input: [
            { role: 'user', content: 'First.' },
            { role: 'user', content: [{ type: 'input_text', text: 'Summarise.' }, { type: 'input_file', file_data: PDF_DATA_URL, filename: 'q3.pdf' }] },
          ],
        }),
      );
      expect(status).toBe(400);
      expect(error).toMatchObject({ type: 'invalid_request_error', param: 'input[1].content[1]' });
      expect(String(error['message'])).toMatch(/^Invalid 'input\[1\]\.content\[1\]': .*OpenAI-compatible host/);
    }
  });

  it('the Gemini surface answers the refusal as INVALID_ARGUMENT', async () => {
    const { status, message } = await failure(() =>
      clients.gemini.models.generateContent({
        model: 'openai-compatible/plain-text',
        contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'application/pdf', data: PDF_BASE64 } }, { text: 'Hi' }] }],
      }),
    );
    expect(status).toBe(400);
    expect(message).toContain('INVALID_ARGUMENT');
    expect(message).toContain("Invalid value at 'contents[0].parts[0].inlineData': The OpenAI-compatible host reads no files");
  });
});

describe('file ids and the Files API are a clear 400 on every surface', () => {
  it('openai SDK: a file_id', async () => {
    const { status, error } = await failure(() => askAbout('anthropic/plain-text', { type: 'file', file: { file_id: 'file-abc' } }));
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'messages[0].content[0].file.file_id' });
    expect(String(error['message'])).toMatch(/file_data/);
  });

  it('Responses: an input_file file_id', async () => {
    const { status, error } = await failure(() =>
      clients.openai.responses.create({ model: 'anthropic/plain-text', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-abc' }] }] }),
    );
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'input[0].content[0].file_id' });
  });

  it('@anthropic-ai/sdk: a file source, and a custom content source', async () => {
    const sources = [{ type: 'file', file_id: 'file_011' }, { type: 'content', content: [{ type: 'text', text: 'x' }] }];
    for (const source of sources) {
      const { status, error } = await failure(() =>
        clients.anthropic.messages.create({
          model: 'anthropic/plain-text',
          max_tokens: 64,
          messages: [{ role: 'user', content: [{ type: 'document', source } as Anthropic.DocumentBlockParam] }],
        }),
      );
      expect(status).toBe(400);
      expect(String((error['error'] as Record<string, unknown>)['message'])).toMatch(/^messages\.0\.content\.0\.source\.type: /);
    }
  });
});

describe('what documents leave alone', () => {
  it('citations on a document are a warning, and not sent upstream', async () => {
    const document: Anthropic.DocumentBlockParam = {
      type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Revenue rose 4%.' }, citations: { enabled: true },
    };
    const { response } = await clients.anthropic.messages
      .create({ model: 'anthropic/plain-text', max_tokens: 64, messages: [{ role: 'user', content: [document] }] })
      .withResponse();
    expect(warningsOf(response.headers)).toContainEqual(expect.objectContaining({ code: 'unsupported_parameter', param: 'citations' }));
    expect(lastUserContent(harness, 'anthropic')[0]).toEqual({ type: 'document', source: document.source });
  });

  it('a body over the limit is still a 413, document or not', async () => {
    const big = Buffer.alloc(BODY_LIMIT, 0x41).toString('base64');
    const { status } = await failure(() =>
      clients.anthropic.messages.create({
        model: 'anthropic/plain-text',
        max_tokens: 64,
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: big } }] }],
      }),
    );
    expect(status).toBe(413);
  });

  it('a route’s prompt rule rewrites the text beside a document, and the document reaches the upstream', async () => {
    const { response } = await askAbout('ruled-docs').withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('sign');
    const content = lastUserContent(harness, 'anthropic');
    expect(content[0]).toMatchObject({ type: 'document', source: { type: 'base64', data: PDF_BASE64 } });
    expect(JSON.stringify(content.slice(1))).toContain('(signed)');
  });

  it('counting tokens with a document: Anthropic counts upstream, other families estimate locally', async () => {
    const request = {
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: [{ type: 'document' as const, source: { type: 'base64' as const, media_type: 'application/pdf' as const, data: PDF_BASE64 } }] }],
    };
    const local = await clients.anthropic.messages.countTokens({ ...request, model: 'openai/plain-text' });
    // One page, estimated as Anthropic's documented lower bound per page.
    expect(local.input_tokens).toBeGreaterThanOrEqual(1500);
    await clients.anthropic.messages.countTokens({ ...request, model: 'anthropic/plain-text' });
    const counted = harness.fixture('anthropic').received.at(-1);
    expect(counted?.path).toContain('count_tokens');
    expect(JSON.stringify((counted?.body as Record<string, unknown>)['messages'])).toContain('"type":"document"');
  });
});
