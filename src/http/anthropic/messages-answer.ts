// POST /v1/messages, after the key is known and the body parsed: decode, call the governed pipeline,
// answer. One function for both ways a request reaches it — Fastify's route (anthropic-surface.ts)
// and the intake that serves it before Fastify (messages-intake.ts, ../shim-intake.ts) — so the two
// cannot answer differently. A stream is written here (send-stream.ts); a JSON answer is returned
// with its headers for the caller to send, and a failure before either is thrown to the caller's
// error answer (map-error.ts), which reads the request's system offset from `state`.
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { abortOnClientLeave } from '../client-abort.js';
import { governanceHeaders } from '../gateway-headers.js';
import type { JsonAnswer, ShimExchange } from '../shim-intake.js';
import type { AnthropicMessage } from './anthropic-wire.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { parseMessagesRequest } from './parse-request.js';
import { anthropicRateLimitHeaders } from './rate-limit-headers.js';
import { renderMessage } from './render-response.js';
import { sendMessagesStream } from './send-stream.js';

/** What the error answer needs from the parsed request: how canonical message indices map back to the client's (param-names.ts). */
export interface MessagesState {
  systemOffset: number;
}

export async function answerMessages(
  completion: GovernedCompletion,
  key: VirtualKeyRecord,
  body: unknown,
  exchange: ShimExchange,
  state: MessagesState,
): Promise<JsonAnswer<AnthropicMessage> | undefined> {
  const parsed = parseMessagesRequest(body, 'messages');
  state.systemOffset = parsed.systemOffset;
  const controller = abortOnClientLeave(exchange.reply);
  const context = contextFromRequest(exchange, 'anthropic');
  if (parsed.stream) {
    const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context });
    await sendMessagesStream(exchange.reply, streamed.chunks, {
      stopSequences: parsed.stopSequences,
      systemOffset: parsed.systemOffset,
      extraHeaders: () => ({ ...governanceHeaders(streamed.report), ...anthropicRateLimitHeaders(streamed.report.limits) }),
      shimWarnings: parsed.warnings,
      signal: controller.signal,
      requestId: exchange.id,
      log: exchange.log,
    });
    return undefined;
  }
  const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context });
  const rendered = renderMessage(response, { stopSequences: parsed.stopSequences });
  return {
    headers: {
      ...routeHeaders(response.route),
      ...warningsHeader(response.warnings, [...parsed.warnings, ...rendered.warnings], parsed.systemOffset),
      ...governanceHeaders(report),
      ...anthropicRateLimitHeaders(report.limits),
    },
    body: rendered.message,
  };
}
