// An upstream that reports no usage still yields usage, counted with the
// tokenizer and marked estimated, unary and streamed, on the RPC and the shim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { ChatRequestSchema, InputUsageSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { StreamAssembler } from '../../src/core/completion/assemble-stream.js';
import { estimateUsage } from '../../src/core/usage/estimate-usage.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness();
});
afterAll(() => harness?.close());

describe('usage when the upstream reports none', () => {
  it('is estimated on unary and streamed answers', async () => {
    const unary = (await harness.rpc.complete(harness.chat('fault/nousage-e', 'Count the tokens in this sentence please'))).response!;
    expect(unary.usage).toMatchObject({ estimated: true });
    expect(unary.usage!.inputTokens).toBeGreaterThan(5);
    expect(unary.usage!.outputTokens).toBeGreaterThan(0);
    expect(unary.usage!.totalTokens).toBe(unary.usage!.inputTokens + unary.usage!.outputTokens);

    const assembler = new StreamAssembler();
    for await (const message of harness.rpc.streamComplete(harness.chat('fault/nousage-e', 'Count the tokens in this sentence please'))) {
      assembler.add(message.chunk!);
    }
    // The same answer counted the same, whole or in the pieces it was streamed in.
    expect(assembler.response.usage).toMatchObject({ estimated: true, inputTokens: unary.usage!.inputTokens, outputTokens: unary.usage!.outputTokens });

    const reported = (await harness.rpc.complete(harness.chat('fault/ok-e'))).response!;
    expect(reported.usage).toMatchObject({ estimated: false, inputTokens: 5, outputTokens: 3 });
  });

  it('reaches OpenAI clients too', async () => {
    const answer = await harness.openai.chat.completions.create({
      model: 'fault/nousage-e',
      messages: [{ role: 'user', content: 'Count the tokens in this sentence please' }],
    });
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(answer.usage?.completion_tokens).toBeGreaterThan(0);
  });
});

describe('a stream cut before its usage', () => {
  const request = create(ChatRequestSchema, { model: 'm', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Count the tokens in this sentence please' } } }] }] });

  it('counts the input with the tokenizer when the upstream told only the service tier before the output (OpenAI), and keeps the tier', () => {
    const usage = estimateUsage(request, 'gpt-4o', { output: ['Hello'], reasoning: [], input: create(InputUsageSchema, { serviceTier: 'flex' }) });
    expect(usage.inputTokens).toBeGreaterThan(5);
    expect(usage).toMatchObject({ estimated: true, serviceTier: 'flex' });
  });

  it('takes the input count the upstream told before the output (Anthropic, Gemini)', () => {
    const usage = estimateUsage(request, 'gpt-4o', { output: ['Hello'], reasoning: [], input: create(InputUsageSchema, { inputTokens: 1234, cachedInputTokens: 1000 }) });
    expect(usage).toMatchObject({ inputTokens: 1234, cachedInputTokens: 1000, estimated: true });
  });
});
