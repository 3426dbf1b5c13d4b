// Earlier reasoning goes back to an OpenAI-compatible host in the field that
// host reads, and only where it takes it: DeepSeek `reasoning_content` on the
// assistant messages of an exchange with tool calls (its thinking-mode rule),
// vLLM `reasoning` (vllm#38488), nothing at all when there was no reasoning
// (Groq refuses an unknown `reasoning_content`, hermes-agent#11089).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { FIXTURE_ANSWER, FIXTURE_REASONING } from '../fixtures/compatible-host-upstream.js';
import { startCompatibleHosts, type CompatibleHosts } from './compatible-hosts-harness.js';

let hosts: CompatibleHosts;
beforeAll(async () => {
  hosts = await startCompatibleHosts();
});
afterAll(async () => hosts?.close());

type Param = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Answer = OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string };
type Sent = Record<string, unknown> & { role: string };

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];

async function ask(model: string, messages: Param[]): Promise<Answer> {
  const answer = await hosts.clients.openai.chat.completions.create({ model, messages, tools });
  return answer.choices[0]?.message as Answer;
}

/** The answer as a client keeps it in its history (the SDK's message, what the gateway returned). */
const kept = (answer: Answer): Param => answer as Param;
const resultFor = (answer: Answer): Param => ({ role: 'tool', tool_call_id: answer.tool_calls?.[0]?.id ?? '', content: 'sunny' });
const sentAssistants = (dialect: 'deepseek' | 'vllm' | 'groq'): Sent[] =>
  (hosts.lastBody(dialect)['messages'] as Sent[]).filter((message) => message.role === 'assistant');

describe('Groq: no reasoning field on turns without reasoning', () => {
  it('a tool loop on a model without reasoning: the tool-call turn goes back without reasoning_content', async () => {
    const question: Param = { role: 'user', content: 'Weather in Paris?' };
    const call = await ask('groq/llama-3.3-70b-versatile', [question]);
    expect(call.tool_calls).toHaveLength(1);
    const answer = await ask('groq/llama-3.3-70b-versatile', [question, kept(call), resultFor(call)]);
    expect(answer.content).toBe(FIXTURE_ANSWER);
    const [assistant] = sentAssistants('groq');
    expect(Object.keys(assistant ?? {}).sort()).toEqual(['content', 'role', 'tool_calls']);
  });
});

describe('vLLM: reasoning goes back as `reasoning`', () => {
  it('the reasoning of a tool-call turn reaches vLLM in the field it reads', async () => {
    const question: Param = { role: 'user', content: 'Weather in Paris?' };
    const call = await ask('vllm/qwen3-reasoning', [question]);
    expect(call.reasoning_content).toBe(FIXTURE_REASONING);
    await ask('vllm/qwen3-reasoning', [question, kept(call), resultFor(call)]);
    const [assistant] = sentAssistants('vllm');
    expect(assistant?.['reasoning']).toBe(FIXTURE_REASONING);
  });
});

describe('DeepSeek thinking mode: reasoning_content on the assistant messages of exchanges with tool calls', () => {
  it('kept for the exchange that called a tool (in every later request), left out for the exchange that did not', async () => {
    const history: Param[] = [{ role: 'user', content: 'Hi' }];
    const greeting = await hosts.clients.openai.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages: history });
    history.push(kept(greeting.choices[0]?.message as Answer), { role: 'user', content: 'Weather in Paris?' });
    const call = await ask('deepseek/deepseek-reasoner', history);
    history.push(kept(call), resultFor(call));
    const answer = await ask('deepseek/deepseek-reasoner', history);
    history.push(kept(answer), { role: 'user', content: 'Thanks!' });
    await hosts.clients.openai.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages: history });

    const [plain, toolCall, final] = sentAssistants('deepseek');
    // DeepSeek ignores reasoning of an exchange without tool calls
    // (https://api-docs.deepseek.com/guides/thinking_mode): it is not sent.
    expect(plain).not.toHaveProperty('reasoning_content');
    expect(toolCall?.['reasoning_content']).toBe(FIXTURE_REASONING);
    expect(final?.['reasoning_content']).toBe(FIXTURE_REASONING);
    expect(plain).not.toHaveProperty('reasoning');
  });

  it('a client that dropped the reasoning: every assistant message of the tool exchange still carries reasoning_content (empty)', async () => {
    const question: Param = { role: 'user', content: 'Weather in Paris?' };
    const call = await ask('deepseek/deepseek-reasoner', [question]);
    const stripped = (answer: Answer): Param => ({ role: 'assistant', content: answer.content, ...(answer.tool_calls ? { tool_calls: answer.tool_calls } : {}) });
    const answer = await ask('deepseek/deepseek-reasoner', [question, stripped(call), resultFor(call)]);
    await ask('deepseek/deepseek-reasoner', [question, stripped(call), resultFor(call), stripped(answer), { role: 'user', content: 'And tomorrow?' }]);
    expect(sentAssistants('deepseek').map((message) => message['reasoning_content'])).toEqual(['', '']);
  });
});
