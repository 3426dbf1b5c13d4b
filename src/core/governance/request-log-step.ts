// The governance step that writes one request-log row behind every governed
// call: answered, failed, refused by the limits, or left by the client.
// Bodies are kept (redacted) only for keys that log them. Beside the row go the
// facts it does not keep (request-facts.ts), for the console line and the metrics.
import { isMessage, type JsonValue } from '@bufbuild/protobuf';
import { ChatRequestSchema, ChatResponseSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { EmbedRequestSchema } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { StreamAssembler } from '../completion/assemble-stream.js';
import { loggableJson } from '../request-log/loggable-message.js';
import { redactBody } from '../request-log/redact-body.js';
import type { GovernanceStep, GovernedCall } from './governance-step.js';
import { buildLogRecord } from './log-record.js';
import type { RequestRecorder } from './request-facts.js';

export interface RequestLogStepOptions {
  log: RequestRecorder;
  now: () => number;
}

export function requestLogStep(options: RequestLogStepOptions): GovernanceStep {
  return {
    enter(call) {
      const keepBodies = call.key.logRequestBodies;
      // Chat streams only: a media answer's body is never logged.
      const assembler = keepBodies && call.stream && call.operation === 'chat' ? new StreamAssembler() : undefined;
      return {
        chunk: assembler && ((chunk) => assembler.add(chunk)),
        endsBehindAnswer: true,
        end(outcome) {
          const ok = outcome.status === 'ok';
          const { request } = call;
          try {
            const requestBody = keepBodies ? redactBody(requestBodyOf(call)) : null;
            let responseBody: string | null = null;
            if (keepBodies && assembler && ok) responseBody = redactBody(loggableJson(ChatResponseSchema, assembler.response));
            else if (keepBodies && isMessage(outcome.response, ChatResponseSchema)) responseBody = redactBody(loggableJson(ChatResponseSchema, outcome.response));
            options.log.write(
              buildLogRecord({
                context: call.context,
                key: call.key,
                requestedModel: request.model,
                operation: call.operation,
                stream: call.stream,
                route: outcome.route,
                usage: outcome.usage,
                cacheHit: outcome.cacheHit,
                error: ok ? undefined : outcome.error,
                finishedAt: options.now(),
                firstOutputAt: outcome.firstOutputAt,
                requestBody,
                responseBody,
                classifierOf: call.context.classifierOf,
              }),
              {
                error: ok ? undefined : outcome.error,
                usage: outcome.usage,
                // A bypass looked nothing up (llm_gateway_cache_lookups_total counts lookups).
                cache: outcome.report.cache === 'bypass' ? undefined : outcome.report.cache,
                chatRequest: call.operation === 'chat' ? call.request : undefined,
                inputEstimate: call.inputEstimate,
                plan: call.plan,
              },
            );
          } catch {
            // The writer never throws by contract, and this end may run after the answer was written
            // (endsBehindAnswer), where a throw would reach no request: a log row never fails one.
          }
        },
      };
    },
  };
}

/** The request as logged: the proto message as JSON (documents and images as placeholders: loggable-message.ts); a media call's fields and its uploads' names and sizes (never their bytes). */
function requestBodyOf(call: GovernedCall): JsonValue {
  switch (call.operation) {
    case 'chat':
      return loggableJson(ChatRequestSchema, call.request);
    case 'embeddings':
      return loggableJson(EmbedRequestSchema, call.request);
    default: {
      const { operation, model, fields, uploads } = call.request;
      return { operation, model, ...fields, uploads: uploads.map(({ field, filename, mediaType, bytes }) => ({ field, filename, mediaType, bytes })) };
    }
  }
}
