// GATEWAY_TRACE_CONTENT=true: the upstream attempts' spans carry the prompt
// and the completion in the GenAI conventions' shapes (system instructions,
// input and output messages as JSON), streamed answers assembled, and
// credentials in the prompt redacted as in the request log's bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { waitFor } from '../helpers/gateway-process.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

let receiver: OtlpReceiver;
let harness: RoutingHarness;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  harness = await startRoutingHarness({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '20', GATEWAY_TRACE_CONTENT: 'true' });
});

afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

async function attemptSpanOf(body: object): Promise<ReceivedSpan> {
  const response = await fetch(`${harness.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.secret}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  await response.text();
  const traceId = response.headers.get('x-trace-id') ?? '';
  const attempt = () => receiver.spans().find((span) => span.traceId === traceId && span.kind === 'client');
  await waitFor(() => attempt() !== undefined, 'the attempt span');
  return attempt()!;
}

const json = (value: unknown) => JSON.parse(String(value)) as unknown;

describe('content on the spans (GATEWAY_TRACE_CONTENT=true)', () => {
  it('records system instructions, input and output messages of a unary call, with credentials redacted', async () => {
    const span = await attemptSpanOf({
      model: 'fault/ok-y',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'My key is sk-proj-abcdefghijklmnopqrstuvwxyz123456, say hi' },
      ],
    });
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'My key is sk-[REDACTED], say hi' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'served by y' }], finish_reason: 'stop' },
    ]);
    expect(receiver.rawBodies().join('\n')).not.toContain('abcdefghijklmnopqrstuvwxyz123456');
  });

  it('assembles a streamed answer into its output message', async () => {
    const span = await attemptSpanOf({ model: 'fault/ok-z', stream: true, messages: [{ role: 'user', content: 'Stream to me' }] });
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Stream to me' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'served by z' }], finish_reason: 'stop' },
    ]);
  });
});
