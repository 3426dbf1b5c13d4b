// Regex prompt rules and text documents, through each surface's official client: a text file is the
// client's text like any other, so a rule of the turn's role rewrites its text (and its title, context and
// file name); inside a tool result a ROLE_TOOL rule does. A PDF's bytes cannot be rewritten and pass as sent.
// The fixture upstreams record the raw bodies they received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ProviderFamily } from '../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';

let harness: ShimHarness;
let secret: string;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  const created = (await harness.admin('KeysService/CreateKey', { name: 'redacted-documents' })) as { key: { id: string }; secret: string };
  secret = created.secret;
  const rule = { scope: 'PROMPT_RULE_SCOPE_KEY', scopeId: created.key.id, operation: 'PROMPT_RULE_OPERATION_REGEX_REPLACE', flags: 'g' };
  await harness.admin('PromptRulesService/CreatePromptRule', {
    ...rule,
    name: 'redact-ssn',
    pattern: '\\d{3}-\\d{2}-\\d{4}',
    replacement: '[SSN]',
    roles: ['ROLE_SYSTEM', 'ROLE_USER', 'ROLE_TOOL'],
  });
});
afterAll(async () => harness?.close());

function lastBody(family: ProviderFamily): string {
  const body = harness.fixture(family).received.filter((request) => request.normalized).at(-1)?.body;
  if (body === undefined) throw new Error(`the ${family} upstream received no chat request`);
  return JSON.stringify(body);
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('a regex rule rewrites text documents', () => {
  it('OpenAI chat: a data:text/plain file reaches OpenAI as redacted text', async () => {
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({
        model: 'openai/plain-text',
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: `data:text/plain;base64,${base64('my ssn is 123-45-6789')}`, filename: 'n.txt' } }] }],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('redact-ssn');
    const body = lastBody('openai');
    expect(body).toContain('my ssn is [SSN]');
    expect(body).not.toContain('123-45-6789');
  });

  it('Anthropic: a text document, its title and context reach Claude redacted', async () => {
    const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: secret, maxRetries: 0 });
    const { response } = await anthropic.messages
      .create({
        model: 'anthropic/plain-text',
        max_tokens: 64,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'ssn 123-45-6789' }, title: 'ssn 987-65-4321', context: 'ctx 111-22-3333' },
              { type: 'text', text: 'summarise' },
            ],
          },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('redact-ssn');
    const body = lastBody('anthropic');
    expect(body).toContain('"data":"ssn [SSN]"');
    expect(body).toContain('"title":"ssn [SSN]"');
    expect(body).toContain('"context":"ctx [SSN]"');
    expect(body).not.toMatch(/\d{3}-\d{2}-\d{4}/);
  });

  it('Anthropic → Gemini: a text document inside a tool result is rewritten by the ROLE_TOOL rule', async () => {
    const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: secret, maxRetries: 0 });
    await anthropic.messages.create({
      model: 'gemini/plain-text',
      max_tokens: 64,
      messages: [
        { role: 'user', content: 'look it up' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'record 222-33-4444' } }] },
          ],
        },
      ],
    });
    const body = lastBody('gemini');
    expect(body).toContain(base64('record [SSN]'));
    expect(body).not.toContain(base64('record 222-33-4444'));
  });

  it('a PDF passes as sent (its bytes cannot be rewritten)', async () => {
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n(123-45-6789)\n%%EOF\n', 'latin1').toString('base64');
    const { response } = await openai.chat.completions
      .create({
        model: 'openai/plain-text',
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'a.pdf' } }, { type: 'text', text: 'read' }] }],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBeNull();
    expect(lastBody('openai')).toContain(pdf);
  });
});
