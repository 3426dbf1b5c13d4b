// One error taxonomy (docs/errors.md), checked end to end: every upstream
// condition (error statuses, connection refused, timeout, empty / malformed /
// truncated bodies and streams, an in-stream error event, the content filter)
// × every provider family × every surface (the official openai SDK on
// /v1/chat/completions, the official Anthropic SDK on /v1/messages,
// connect-node on CompletionService) × unary and stream. Each cell asserts the
// condition's one canonical kind and retryability in the surface's own shape,
// and that no implementation text reaches the client. A second block checks
// failover: a retryable condition before the first output fails over to the
// route's next target; after output began, or when not retryable, it does not.
import Anthropic from '@anthropic-ai/sdk';
import { ConnectError, type Code } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRequestSchema, FinishReason, Role, type ChatRequest } from '../../gen/llmgateway/v1/chat_pb.js';
import { StreamAssembler } from '../../src/core/completion/assemble-stream.js';
import { PROVIDER_FAMILIES, type ProviderFamily } from '../fixtures/scenarios.js';
import { faultModel } from '../fixtures/wire-faults.js';
import { afterOutput, ANTHROPIC_ROW, CONDITIONS, CONNECT_CODE, LEAKS, OPENAI_ROW, type Condition } from './error-taxonomy-cases.js';
import {
  cellTag,
  FAILOVER_ATTEMPT_TIMEOUT,
  HEALTHY_MODEL,
  refusedProvider,
  SHORT_ATTEMPT_TIMEOUT,
  startTaxonomyWorld,
  SURFACES,
  type Mode,
  type Surface,
  type TaxonomyWorld,
} from './error-taxonomy-setup.js';

let world: TaxonomyWorld;

const routeName = (family: ProviderFamily, condition: Condition, tag: string) => `${family}--${condition.name.replace(/[^a-z0-9]+/gi, '-')}--${tag}`;

/** The model string a cell sends: a fault model, a provider on a closed port, or a route (timeouts; failover). */
function modelOf(family: ProviderFamily, condition: Condition, surface: Surface | 'failover', mode: Mode): string {
  const tag = cellTag(surface, mode);
  if (surface === 'failover' || 'timeout' in condition.via) return routeName(family, condition, tag);
  if ('refused' in condition.via) return `${refusedProvider(family)}/${faultModel('http-500', tag)}`;
  return `${family}/${faultModel(condition.via.fault, tag)}`;
}

/** The route's first target, where the condition happens. */
function faultTarget(family: ProviderFamily, condition: Condition, tag: string) {
  if ('refused' in condition.via) return { providerId: refusedProvider(family), upstreamModel: faultModel('http-500', tag) };
  return { providerId: family, upstreamModel: faultModel('fault' in condition.via ? condition.via.fault : 'timeout', tag) };
}

const failing = CONDITIONS.filter((condition) => !('finish' in condition.outcome));

beforeAll(async () => {
  world = await startTaxonomyWorld(PROVIDER_FAMILIES);
  const routes: Array<Promise<void>> = [];
  for (const family of PROVIDER_FAMILIES) {
    for (const condition of CONDITIONS) {
      for (const mode of condition.modes) {
        if ('timeout' in condition.via) {
          for (const surface of SURFACES) {
            const tag = cellTag(surface, mode);
            routes.push(world.createRoute(routeName(family, condition, tag), [faultTarget(family, condition, tag)], SHORT_ATTEMPT_TIMEOUT));
          }
        }
        if ('finish' in condition.outcome) continue;
        const tag = cellTag('failover', mode);
        const targets = [faultTarget(family, condition, tag), { providerId: family, upstreamModel: HEALTHY_MODEL }];
        // Only the timeout condition needs a short attempt timeout; it must still leave the healthy target time to answer.
        routes.push(world.createRoute(routeName(family, condition, tag), targets, 'timeout' in condition.via ? FAILOVER_ATTEMPT_TIMEOUT : undefined));
      }
    }
  }
  await Promise.all(routes);
});
afterAll(async () => world?.close());

// ---- what a client sees ---------------------------------------------------------

type Seen =
  | { answered: true; finish: string; text: string }
  | {
      answered: false;
      /** HTTP status of the error answer; undefined for an error event after output began. */
      status: number | undefined;
      /** The error body as the client parsed it. */
      body: unknown;
      message: string;
      shouldRetry: string | null | undefined;
      retryAfter: string | null | undefined;
      /** Text the client had received before the failure. */
      textBefore: string;
    };

const prompt = 'Say hello';

async function viaOpenAI(model: string, mode: Mode): Promise<Seen> {
  let text = '';
  try {
    const messages = [{ role: 'user' as const, content: prompt }];
    if (mode === 'unary') {
      const answer = await world.openai.chat.completions.create({ model, messages });
      return { answered: true, finish: answer.choices[0]?.finish_reason ?? '', text: answer.choices[0]?.message.content ?? '' };
    }
    let finish = '';
    for await (const chunk of await world.openai.chat.completions.create({ model, messages, stream: true })) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    return { answered: true, finish, text };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    const { status, headers } = error;
    return { answered: false, status, body: error.error, message: error.message, shouldRetry: headers?.get('x-should-retry'), retryAfter: headers?.get('retry-after'), textBefore: text };
  }
}

async function viaAnthropic(model: string, mode: Mode): Promise<Seen> {
  let text = '';
  try {
    const params = { model, max_tokens: 64, messages: [{ role: 'user' as const, content: prompt }] };
    if (mode === 'unary') {
      const message = await world.anthropic.messages.create(params);
      return { answered: true, finish: message.stop_reason ?? '', text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join('') };
    }
    let finish = '';
    for await (const event of await world.anthropic.messages.create({ ...params, stream: true })) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') finish = event.delta.stop_reason ?? finish;
    }
    return { answered: true, finish, text };
  } catch (error) {
    if (!(error instanceof Anthropic.APIError)) throw error;
    const { status, headers } = error;
    return { answered: false, status, body: error.error, message: error.apiMessage ?? error.message, shouldRetry: headers?.get('x-should-retry'), retryAfter: headers?.get('retry-after'), textBefore: text };
  }
}

const chat = (model: string): ChatRequest =>
  create(ChatRequestSchema, { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: prompt } } }] }] });

interface RpcSeen {
  answer?: { finish: FinishReason; text: string; upstreamModel: string; attempts: string[] };
  error?: { code: Code; message: string; shouldRetry: string | null; retryAfter: string | null; textBefore: string };
}

async function viaConnect(model: string, mode: Mode): Promise<RpcSeen> {
  const assembler = new StreamAssembler();
  const textOf = () => assembler.response.choices[0]?.message?.content.map((part) => (part.kind.case === 'text' ? part.kind.value.text : '')).join('') ?? '';
  try {
    let response = assembler.response;
    if (mode === 'unary') response = (await world.rpc.complete({ chat: chat(model) })).response ?? response;
    else for await (const message of world.rpc.streamComplete({ chat: chat(model) })) assembler.add(message.chunk!);
    return {
      answer: {
        finish: response.choices[0]?.finishReason ?? FinishReason.UNSPECIFIED,
        text: response.choices[0]?.message?.content.map((part) => (part.kind.case === 'text' ? part.kind.value.text : '')).join('') ?? '',
        upstreamModel: response.route?.upstreamModel ?? '',
        attempts: (response.route?.attempts ?? []).map((attempt) => attempt.outcome),
      },
    };
  } catch (caught) {
    const error = ConnectError.from(caught);
    return {
      error: { code: error.code, message: error.rawMessage, shouldRetry: error.metadata.get('x-should-retry'), retryAfter: error.metadata.get('retry-after'), textBefore: textOf() },
    };
  }
}

// ---- the matrix ------------------------------------------------------------------

function checkRest(seen: Seen, condition: Condition, mode: Mode, row: { status: number; type: string }, shape: (body: unknown) => void): void {
  const outcome = condition.outcome;
  if ('finish' in outcome) throw new Error('not a failure');
  expect(seen.answered, 'the client got an answer instead of an error').toBe(false);
  if (seen.answered) return;
  shape(seen.body);
  expect(seen.message).not.toMatch(LEAKS);
  if (afterOutput(condition, mode)) {
    // Output began: the failure is an error event in the stream, after the text already sent.
    expect(seen.status).toBeUndefined();
    expect(seen.textBefore).toBe('Partial');
    return;
  }
  expect(seen.status).toBe(row.status);
  expect(seen.shouldRetry).toBe(String(outcome.retryable));
  if (outcome.retryAfterSeconds !== undefined) expect(seen.retryAfter).toBe(String(outcome.retryAfterSeconds));
}

async function runCell(family: ProviderFamily, surface: Surface, condition: Condition, mode: Mode): Promise<void> {
  const model = modelOf(family, condition, surface, mode);
  const outcome = condition.outcome;
  if (surface === 'connect') {
    const seen = await viaConnect(model, mode);
    if ('finish' in outcome) {
      expect(seen.error?.message).toBeUndefined();
      expect(seen.answer?.finish).toBe(FinishReason.CONTENT_FILTER);
      return;
    }
    expect(seen.answer, 'the client got an answer instead of an error').toBeUndefined();
    expect(seen.error?.code).toBe(CONNECT_CODE[outcome.kind]);
    expect(seen.error?.message).not.toMatch(LEAKS);
    expect(seen.error?.shouldRetry).toBe(String(outcome.retryable));
    if (outcome.retryAfterSeconds !== undefined) expect(seen.error?.retryAfter).toBe(String(outcome.retryAfterSeconds));
    if (afterOutput(condition, mode)) expect(seen.error?.textBefore).toBe('Partial');
    return;
  }
  const seen = surface === 'openai' ? await viaOpenAI(model, mode) : await viaAnthropic(model, mode);
  if ('finish' in outcome) {
    expect(seen).toMatchObject({ answered: true, finish: surface === 'openai' ? 'content_filter' : 'refusal' });
    return;
  }
  if (surface === 'openai') {
    const row = OPENAI_ROW[outcome.kind];
    checkRest(seen, condition, mode, row, (body) =>
      expect(body).toEqual({ message: expect.any(String), type: row.type, param: null, code: row.code }),
    );
  } else {
    const row = ANTHROPIC_ROW[outcome.kind];
    checkRest(seen, condition, mode, row, (body) =>
      expect(body).toMatchObject({ type: 'error', error: { type: row.type, message: expect.any(String) } }),
    );
  }
}

const cells = CONDITIONS.flatMap((condition) => condition.modes.map((mode) => ({ condition, mode, label: `${condition.name} (${mode})` })));

// Concurrent suites too: the cells wait on loopback sockets (the timeout cells on their attempt timeout), not on the CPU.
describe.concurrent.each(PROVIDER_FAMILIES)('%s upstream', (family) => {
  describe.each(SURFACES)('%s surface', (surface) => {
    it.concurrent.each(cells)('$label', async ({ condition, mode }) => runCell(family, surface, condition, mode));
  });

  describe('failover', () => {
    const failoverCells = cells.filter(({ condition }) => failing.includes(condition));
    it.concurrent.each(failoverCells)('$label', async ({ condition, mode }) => {
      const outcome = condition.outcome;
      if ('finish' in outcome) return;
      const seen = await viaConnect(modelOf(family, condition, 'failover', mode), mode);
      if ((outcome.retryable || outcome.failsOver === true) && !afterOutput(condition, mode)) {
        // Before the first output a retryable failure (or the gateway's credentials refused) moves on to the next target.
        expect(seen.error?.message).toBeUndefined();
        expect(seen.answer?.upstreamModel).toBe(HEALTHY_MODEL);
        expect(seen.answer?.attempts).toEqual([outcome.kind, 'ok']);
      } else {
        expect(seen.error?.code).toBe(CONNECT_CODE[outcome.kind]);
      }
    });
  });
});
