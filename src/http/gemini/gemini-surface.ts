// The Gemini API surface (https://ai.google.dev/api): a Fastify plugin beside
// the OpenAI and Anthropic shims, thin over the one governed completion
// pipeline, so any provider serves a Gemini client. The model comes from the
// path (`/v1beta/models/<gateway model, alias or route>:<method>`, also under
// `/v1`, where @google/genai 3 sends it by default; model ids
// hold a slash, sent encoded or not). The key comes from `x-goog-api-key`
// (what @google/genai sends), any other key header, or `?key=`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import type { InFlightLimit } from '../../server/in-flight-limit.js';
import { abortOnClientLeave } from '../client-abort.js';
import { governanceHeaders, routeHeaders, warningEntries, warningsHeaderFrom } from '../gateway-headers.js';
import { authenticateShimRequests } from '../shim-auth.js';
import { setShimErrorHandler } from '../shim-errors.js';
import { shimRefusals, type RefusedShape } from '../refused-requests.js';
import { parseBatchEmbedContents, parseEmbedContent, renderBatchEmbedContents, renderEmbedContent } from './embeddings.js';
import { mapError } from './map-error.js';
import { renderModel, renderModelPage } from './models.js';
import { NO_REQUEST_FIELD_NAMES, type GeminiFieldNames } from './field-names.js';
import { parseCountTokensRequest, parseGenerateRequest } from './parse-request.js';
import { GeminiRequestError } from './request-error.js';
import { renderGenerateResponse } from './render-response.js';
import { sendGenerateStream } from './send-stream.js';

export interface GeminiSurfaceOptions {
  authenticator: KeyAuthenticator;
  completion: GovernedCompletion;
  /** The process's cap on requests in flight (server/in-flight-limit.ts); none when absent. */
  inFlight?: InFlightLimit;
}

const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'] as const;
type Method = (typeof METHODS)[number];

/** `gemini/flash:generateContent` → the model and the method; the model may carry the `models/` prefix twice over. */
function modelAndMethod(request: FastifyRequest): { model: string; method: Method } {
  const path = (request.params as Record<string, string | undefined>)['*'] ?? '';
  const colon = path.lastIndexOf(':');
  const method = path.slice(colon + 1);
  if (colon <= 0 || !(METHODS as readonly string[]).includes(method)) {
    throw new GeminiRequestError('', `Method "${colon < 0 ? '' : method}" is not served here; use one of ${METHODS.map((name) => `:${name}`).join(', ')}.`);
  }
  return { model: path.slice(0, colon).replace(/^models\//, ''), method: method as Method };
}

/** What a refused request would have been: a generation or an embedding of the path's model; no row for counts and lists. */
function refusedShape(request: FastifyRequest): RefusedShape | undefined {
  if (request.method !== 'POST') return undefined;
  let called: { model: string; method: Method };
  try {
    called = modelAndMethod(request);
  } catch {
    return undefined;
  }
  if (called.method === 'countTokens') return undefined;
  const generation = called.method === 'generateContent' || called.method === 'streamGenerateContent';
  return { operation: generation ? 'chat' : 'embeddings', model: called.model, stream: called.method === 'streamGenerateContent' };
}

/** The shim's warnings already name Gemini fields; the core's are renamed (field-names.ts). */
const headersFor = (shimWarnings: readonly Warning[], coreWarnings: readonly Warning[], fieldNames: GeminiFieldNames) =>
  warningsHeaderFrom([...warningEntries(shimWarnings, (param) => param), ...warningEntries(coreWarnings, (param) => fieldNames.field(param))]);

export async function geminiSurface(fastify: FastifyInstance, options: GeminiSurfaceOptions): Promise<void> {
  const { authenticator, completion, inFlight } = options;
  /** Per request: the Gemini fields the canonical ones stand for (field-names.ts), once its body was parsed. */
  const fieldNamesOf = new WeakMap<FastifyRequest, GeminiFieldNames>();
  // Answered in Google's error shape (map-error.ts).
  setShimErrorHandler(fastify, 'Gemini', (error, request) =>
    mapError(error, { bodyLimit: fastify.initialConfig.bodyLimit, fieldNames: fieldNamesOf.get(request) }),
  );
  const keyOf = authenticateShimRequests(fastify, {
    authenticator,
    surface: 'Gemini',
    keyFromQuery: true,
    ...(inFlight ? { inFlight } : {}),
    refusals: { refusals: shimRefusals(completion, 'gemini'), shapeOf: refusedShape },
  });

  const generate = async (request: FastifyRequest, reply: FastifyReply, model: string, stream: boolean) => {
    const key = keyOf(request);
    const parsed = parseGenerateRequest(request.body, model);
    fieldNamesOf.set(request, parsed.fieldNames);
    const context = contextFromRequest(request, 'gemini', parsed.fieldNames);
    const controller = abortOnClientLeave(reply);
    if (stream) {
      const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context });
      const alt = (request.query as Record<string, unknown>)['alt'];
      await sendGenerateStream(reply, streamed.chunks, {
        framing: alt === 'sse' ? 'sse' : 'json-array',
        shimWarnings: parsed.warnings,
        fieldNames: parsed.fieldNames,
        extraHeaders: () => governanceHeaders(streamed.report),
        signal: controller.signal,
        log: request.log,
      });
      return reply;
    }
    const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context });
    const rendered = renderGenerateResponse(response);
    for (const warning of rendered.warnings) request.log.warn({ code: warning.code }, warning.message);
    reply.headers({
      ...routeHeaders(response.route),
      ...headersFor([...parsed.warnings, ...rendered.warnings], response.warnings, parsed.fieldNames),
      ...governanceHeaders(report),
    });
    return rendered.body;
  };

  const embed = async (request: FastifyRequest, reply: FastifyReply, model: string, batch: boolean) => {
    const key = keyOf(request);
    const parsed = batch ? parseBatchEmbedContents(request.body, model) : parseEmbedContent(request.body, model);
    const controller = abortOnClientLeave(reply);
    const context = contextFromRequest(request, 'gemini', NO_REQUEST_FIELD_NAMES);
    const { response, report } = await completion.embed({ request: parsed.embed, key, signal: controller.signal, context });
    reply.headers({ ...routeHeaders(response.route), ...headersFor(parsed.warnings, response.warnings, NO_REQUEST_FIELD_NAMES), ...governanceHeaders(report) });
    return batch ? renderBatchEmbedContents(response) : renderEmbedContent(response);
  };

  const methodRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    const { model, method } = modelAndMethod(request);
    switch (method) {
      case 'generateContent':
        return generate(request, reply, model, false);
      case 'streamGenerateContent':
        return generate(request, reply, model, true);
      case 'embedContent':
        return embed(request, reply, model, false);
      case 'batchEmbedContents':
        return embed(request, reply, model, true);
      case 'countTokens': {
        const key = keyOf(request);
        const parsed = parseCountTokensRequest(request.body, model);
        fieldNamesOf.set(request, parsed.fieldNames);
        const counted = await completion.countTokens(parsed.chat, key, abortOnClientLeave(reply).signal);
        reply.header('x-gateway-token-count-method', counted.method);
        return { totalTokens: counted.inputTokens };
      }
    }
  };
  // v1beta is the version Google's REST reference uses; @google/genai 3 calls v1 by default. `GET /v1/models`
  // stays the OpenAI surface's list, so listing Gemini-style is on v1beta only (docs/edges.md).
  fastify.post('/v1beta/models/*', methodRoute);
  fastify.post('/v1/models/*', methodRoute);

  fastify.get('/v1beta/models', async (request) => renderModelPage(await completion.listModels(keyOf(request)), request.query as Record<string, unknown>));

  fastify.get('/v1beta/models/*', async (request) => {
    const id = ((request.params as Record<string, string | undefined>)['*'] ?? '').replace(/^models\//, '');
    const model = (await completion.listModels(keyOf(request))).find((candidate) => candidate.id === id);
    if (!model) throw new GatewayError('not_found', `models/${id} is not found, or this key may not use it.`);
    return renderModel(model);
  });
}
