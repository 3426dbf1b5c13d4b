// A host that sends its tool calls without ids gets ids made up by the
// gateway, unique within the conversation (as for Gemini's id-less calls,
// README "Gemini clients"): two turns of one conversation never share an id,
// or a client pairing results by id mixes them up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import { startCompatibleHosts, type CompatibleHosts } from './compatible-hosts-harness.js';

let hosts: CompatibleHosts;
beforeAll(async () => {
  hosts = await startCompatibleHosts();
});
afterAll(async () => hosts?.close());

const tools: Anthropic.Messages.Tool[] = [
  { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
];

describe('tool calls without upstream ids', () => {
  it('@anthropic-ai/sdk: streamed and unary turns of one conversation get distinct tool_use ids', async () => {
    const messages: Anthropic.Messages.MessageParam[] = [];
    const ids: string[] = [];
    for (const [turn, question] of ['Weather in Paris?', 'And again?', 'Once more?'].entries()) {
      messages.push({ role: 'user', content: question });
      const params = { model: 'vllm/llama-no-ids', max_tokens: 200, messages, tools };
      const message = turn === 1 ? await hosts.clients.anthropic.messages.create(params) : await hosts.clients.anthropic.messages.stream(params).finalMessage();
      const uses = message.content.filter((block): block is Anthropic.Messages.ToolUseBlock => block.type === 'tool_use');
      expect(uses).toHaveLength(1);
      ids.push(...uses.map((use) => use.id));
      messages.push({ role: 'assistant', content: message.content });
      messages.push({ role: 'user', content: uses.map((use) => ({ type: 'tool_result' as const, tool_use_id: use.id, content: 'sunny' })) });
      await hosts.clients.anthropic.messages.create({ model: 'vllm/llama-no-ids', max_tokens: 200, messages, tools });
      messages.push({ role: 'assistant', content: 'Sunny.' });
    }
    expect(ids.every((id) => id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
