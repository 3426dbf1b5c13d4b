// POST /v1/chat/completions, after the key is known and the body parsed: decode, call the governed
// pipeline, answer. One function for both ways a request reaches it — Fastify's route
// (openai-surface.ts) and the intake that serves it before Fastify (chat-intake.ts, ../shim-intake.ts) — so the two
// cannot answer differently. A stream is written here (send-stream.ts); a JSON answer is returned
// with its headers for the caller to send, and a failure before either is thrown to the caller's
// error answer (map-error.ts).
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { abortOnClientLeave } from '../client-abort.js';
import { governanceHeaders } from '../gateway-headers.js';
import type { JsonAnswer, ShimExchange } from '../shim-intake.js';
import { assertCandidatesHonoured } from './candidate-count.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import type { OpenAIChatCompletion } from './openai-wire.js';
import { parseChatRequest } from './parse-request.js';
import { renderCompletion } from './render-response.js';
import { sendChatStream } from './send-stream.js';

/** Answers the chat request: undefined once a stream has been written, else the JSON answer to send. */
export async function answerChat(completion: GovernedCompletion, key: VirtualKeyRecord, body: unknown, exchange: ShimExchange): Promise<JsonAnswer<OpenAIChatCompletion> | undefined> {
  const parsed = parseChatRequest(body);
  const context = contextFromRequest(exchange, 'openai');
  const controller = abortOnClientLeave(exchange.reply);
  if (parsed.stream) {
    const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context });
    await sendChatStream(exchange.reply, streamed.chunks, {
      includeUsage: parsed.includeUsage,
      extraHeaders: () => governanceHeaders(streamed.report),
      n: parsed.n,
      signal: controller.signal,
      log: exchange.log,
    });
    return undefined;
  }
  const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context });
  assertCandidatesHonoured(parsed.n, response.warnings);
  return { headers: { ...routeHeaders(response.route), ...warningsHeader(response.warnings), ...governanceHeaders(report) }, body: renderCompletion(response) };
}
