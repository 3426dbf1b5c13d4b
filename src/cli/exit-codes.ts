// What `llm-gateway` exits with (README "Declarative config and the CLI"), and
// how a failure is worded and classified: scripts branch on the code, people
// read the message. A message never carries a secret (the gateway's errors do
// not hold any, and the admin token is never echoed).
import { Code, ConnectError } from '@connectrpc/connect';
import { ConfigFileError } from '../declarative/config-file-error.js';

export const EXIT = {
  ok: 0,
  /** The gateway refused or failed the call, a provider test failed, or anything unexpected. */
  error: 1,
  /** Bad arguments or options (commander's own errors too). */
  usage: 2,
  /** The configuration file is invalid, or the gateway rejected a value as invalid. */
  validation: 3,
  /**
   * The gateway could not be reached (no answer within --timeout, a connection or TLS failure, something
   * else answering at --url), it answered that it is unavailable (its database is down), or it refused the
   * admin token.
   */
  unreachable: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that already knows its exit code and its message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

/** Where the CLI was talking to, for the message: the gateway's URL and the --timeout in force. */
export interface CallTarget {
  url: string;
  timeout: string;
}

/**
 * The Node error under a ConnectError that the transport raised itself (refused, reset, TLS, DNS):
 * the call never got an answer from the gateway. A ConnectError the gateway sent has no such cause.
 */
function transportCause(error: ConnectError): Error | undefined {
  const seen = new Set<unknown>();
  for (let cause: unknown = error.cause; cause instanceof Error && !seen.has(cause); cause = cause.cause) {
    seen.add(cause);
    const code = (cause as NodeJS.ErrnoException).code;
    // A write after the server ended the stream: the server did answer (connect-node's own special case).
    if (!(cause instanceof ConnectError) && typeof code === 'string' && code !== 'ERR_STREAM_WRITE_AFTER_END') return cause;
  }
  return undefined;
}

/** An answer that did not come from a Connect server: a bare HTTP status, or a body the client cannot read. */
function notAdminApiAnswer(error: ConnectError): boolean {
  return /^HTTP \d+$/.test(error.rawMessage) || /^unsupported (content type|response encoding)/.test(error.rawMessage);
}

/** Any thrown value → a message and an exit code. */
export function classifyFailure(error: unknown, target: CallTarget): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ConfigFileError) return new CliError(`the configuration file is not valid:\n${error.message}`, EXIT.validation);
  if (error instanceof ConnectError) return classifyConnectError(error, target);
  return new CliError(error instanceof Error ? error.message : String(error), EXIT.error);
}

function classifyConnectError(error: ConnectError, { url, timeout }: CallTarget): CliError {
  const cause = transportCause(error);
  if (cause) return new CliError(`the gateway at ${url} could not be reached: ${causeText(cause)}${tlsHint(cause)}`, EXIT.unreachable);
  if (error.code === Code.DeadlineExceeded) {
    return new CliError(`the gateway at ${url} could not be reached: no answer within ${timeout} (timed out; --timeout or GATEWAY_CLI_TIMEOUT allow longer)`, EXIT.unreachable);
  }
  if (error.code !== Code.Unauthenticated && error.code !== Code.PermissionDenied && notAdminApiAnswer(error)) {
    const status = /^HTTP (\d+)$/.exec(error.rawMessage)?.[1];
    // A 5xx without the gateway's error body: a proxy in front of a gateway that is down, say.
    if (status !== undefined && Number(status) >= 500) return new CliError(`the gateway at ${url} could not be reached: HTTP ${status} without the admin API's error body`, EXIT.unreachable);
    return new CliError(`${url} does not serve the gateway's admin API (${error.rawMessage}): check --url`, EXIT.unreachable);
  }
  switch (error.code) {
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      return new CliError(`the gateway at ${url} refused the admin token (${error.rawMessage})`, EXIT.unreachable);
    case Code.Unavailable:
      // The gateway answered: it cannot serve the call now (its database is down, say). Retrying later helps.
      return new CliError(`the gateway at ${url} answered that it is unavailable: ${error.rawMessage}`, EXIT.unreachable);
    case Code.Unimplemented:
      // Something answers there, but not the gateway's admin API (a wrong port or path).
      return new CliError(`${url} does not serve the gateway's admin API${error.rawMessage === '' ? '' : ` (${error.rawMessage})`}: check --url`, EXIT.unreachable);
    case Code.InvalidArgument:
    case Code.FailedPrecondition:
      return new CliError(`rejected by the gateway: ${error.rawMessage}`, EXIT.validation);
    case Code.NotFound:
      return new CliError(`not found: ${error.rawMessage}`, EXIT.error);
    default:
      return new CliError(`the gateway answered ${Code[error.code]}: ${error.rawMessage}`, EXIT.error);
  }
}

/** The cause in one line: OpenSSL's errors carry their source file and a newline; its reason is what helps. */
function causeText(cause: Error): string {
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(cause.message)?.[1];
  return reason === undefined ? cause.message.trim().replace(/\s+/g, ' ') : `TLS failed: ${reason}`;
}

/** What to check when TLS itself failed: the scheme of --url, or trust in the gateway's certificate. */
function tlsHint(cause: Error): string {
  const code = (cause as NodeJS.ErrnoException).code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/.test(code)) return ' (to trust a private CA, set NODE_EXTRA_CA_CERTS to its certificate file)';
  if (/^ERR_SSL_|^EPROTO$/.test(code) || /TLS|SSL/.test(cause.message)) return ' (does --url have the right scheme, http:// or https://?)';
  return '';
}
