// An upstream failure → the one GatewayError. The SDK's error classes are
// translated into UpstreamFailure by openai-client.ts (the only file that
// knows the SDK); this mapping is pure. Messages never carry a credential.
import { GatewayError } from '../../domain/gateway-error.js';
import { classifyHttpStatus, isCredentialStatus } from '../shared/http-status.js';
import { redactCredentials } from '../shared/redact-credentials.js';
import { fromRecord, retryAfterSeconds } from '../shared/retry-after.js';

export type UpstreamFailure =
  | { cause: 'aborted' }
  | { cause: 'timeout' | 'connection' | 'unknown'; message: string }
  /** The stream was cut, or ended without a finish_reason. */
  | { cause: 'stream_incomplete'; message: string }
  /** An HTTP error answer; `body` is the parsed `error` object when there was one. */
  | { cause: 'http'; status: number; headers: Record<string, string>; body: UpstreamErrorBody | undefined; message: string }
  /** `data: {"error": …}` after the 200 (docs/provider-wire-formats.md, "OpenAI Chat Completions, Streaming"). */
  | { cause: 'stream_error'; body: UpstreamErrorBody | undefined; message: string };

export interface UpstreamErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

export interface ErrorContext {
  providerId: string;
  /** Values that must never appear in a message (see connectionSecrets). */
  secrets: string[];
}

export function mapError(failure: UpstreamFailure, context: ErrorContext): GatewayError {
  const provider = context.providerId;
  const clean = (message: string) => redactCredentials(message, context.secrets).text;
  switch (failure.cause) {
    case 'aborted':
      return new GatewayError('canceled', `the call to provider ${provider} was canceled`, { provider, upstreamStatus: 0 });
    case 'timeout':
    case 'connection':
    case 'unknown':
      return new GatewayError('unavailable', `provider ${provider} could not be reached: ${clean(failure.message)}`, {
        provider,
        upstreamStatus: 0,
        retryable: true,
      });
    case 'stream_incomplete':
      return new GatewayError('unavailable', `provider ${provider} ended the stream early: ${clean(failure.message)}`, {
        provider,
        upstreamStatus: 200,
        retryable: true,
      });
    case 'stream_error': {
      const rateLimited = errorCode(failure.body) === 'rate_limit_exceeded';
      return new GatewayError(
        rateLimited ? 'resource_exhausted' : 'unavailable',
        `provider ${provider} failed mid-stream: ${clean(upstreamText(failure.body, failure.message))}`,
        { provider, upstreamStatus: 200, retryable: true },
      );
    }
    case 'http':
      return mapHttpError(failure, provider, clean);
  }
}

function mapHttpError(
  failure: Extract<UpstreamFailure, { cause: 'http' }>,
  provider: string,
  clean: (message: string) => string,
): GatewayError {
  const { status } = failure;
  const upstream = clean(upstreamText(failure.body, failure.message));
  const base = { provider, upstreamStatus: status };
  const { kind, retryable } = classifyHttpStatus(status);
  if (isCredentialStatus(status)) {
    return new GatewayError(
      kind,
      `provider ${provider} rejected the gateway's credentials (HTTP ${status})${upstream ? `: ${upstream}` : ''}`,
      base,
    );
  }
  const message = `provider ${provider} answered HTTP ${status}${upstream ? `: ${upstream}` : ''}`;
  if (status === 429) {
    // insufficient_quota is a billing state, not a passing limit: retrying cannot help.
    const retryAfter = retryAfterSeconds(fromRecord(failure.headers));
    return new GatewayError(kind, message, {
      ...base,
      retryable: retryable && errorCode(failure.body) !== 'insufficient_quota',
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
    });
  }
  return new GatewayError(kind, message, { ...base, retryable });
}

function errorCode(body: UpstreamErrorBody | undefined): string {
  return typeof body?.code === 'string' ? body.code : typeof body?.type === 'string' ? body.type : '';
}

function upstreamText(body: UpstreamErrorBody | undefined, fallback: string): string {
  return typeof body?.message === 'string' && body.message ? body.message : fallback;
}
