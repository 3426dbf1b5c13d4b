// Text split into several parts reaches an OpenAI-compatible host as one
// string (DeepSeek refuses an array of parts: 400 "invalid type: sequence,
// expected a string", cline#230, litellm#6642), joined with "\n" as a host
// that takes arrays (vLLM) joins them itself; every surface's client SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompatibleHosts, type CompatibleHosts } from './compatible-hosts-harness.js';

let hosts: CompatibleHosts;
beforeAll(async () => {
  hosts = await startCompatibleHosts();
});
afterAll(async () => hosts?.close());

type WireMessage = { role: string; content: unknown; tool_call_id?: string };
const sentMessages = (): WireMessage[] => hosts.lastBody('deepseek')['messages'] as WireMessage[];
const weatherInput = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] };

describe('several text parts reach DeepSeek as one string', () => {
  it('@anthropic-ai/sdk: a Claude Code-style user turn (a system-reminder block, then the question)', async () => {
    const message = await hosts.clients.anthropic.messages.create({
      model: 'deepseek/deepseek-chat',
      max_tokens: 200,
      system: [{ type: 'text', text: 'You are a CLI.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>cwd: /tmp</system-reminder>' },
            { type: 'text', text: 'What is the weather in Paris?', cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
    });
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from deepseek' })]);
    expect(sentMessages().at(-1)).toEqual({ role: 'user', content: '<system-reminder>cwd: /tmp</system-reminder>\nWhat is the weather in Paris?' });
  });

  it('@anthropic-ai/sdk: a tool_result whose content is several text blocks, after an assistant turn of two text blocks', async () => {
    await hosts.clients.anthropic.messages.create({
      model: 'deepseek/deepseek-chat',
      max_tokens: 200,
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: weatherInput }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'text', text: 'One sec.' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: 'sunny' }, { type: 'text', text: '22 °C' }] }],
        },
      ],
    });
    const [, assistant, tool] = sentMessages();
    expect(assistant).toMatchObject({ role: 'assistant', content: 'Let me check.\nOne sec.' });
    expect(tool).toEqual({ role: 'tool', tool_call_id: 'toolu_01', content: 'sunny\n22 °C' });
  });

  it('openai chat: a user message of two text parts', async () => {
    const answer = await hosts.clients.openai.chat.completions.create({
      model: 'deepseek/deepseek-chat',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'First part.' }, { type: 'text', text: 'Second part.' }] }],
    });
    expect(answer.choices[0]?.message.content).toBe('Hello from deepseek');
    expect(sentMessages()).toEqual([{ role: 'user', content: 'First part.\nSecond part.' }]);
  });

  it('openai responses: an input message of two input_text parts', async () => {
    const response = await hosts.clients.openai.responses.create({
      model: 'deepseek/deepseek-chat',
      store: false,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'First part.' }, { type: 'input_text', text: 'Second part.' }] }],
    });
    expect(response.output_text).toBe('Hello from deepseek');
    expect(sentMessages()).toEqual([{ role: 'user', content: 'First part.\nSecond part.' }]);
  });

  it('@google/genai: a user turn of two parts', async () => {
    const response = await hosts.clients.gemini.models.generateContent({
      model: 'deepseek/deepseek-chat',
      contents: [{ role: 'user', parts: [{ text: 'First part.' }, { text: 'Second part.' }] }],
    });
    expect(response.text).toBe('Hello from deepseek');
    expect(sentMessages()).toEqual([{ role: 'user', content: 'First part.\nSecond part.' }]);
  });
});
