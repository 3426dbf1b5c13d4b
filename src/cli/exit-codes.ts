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
  /** The gateway could not be reached, or the admin token was refused. */
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

/** Any thrown value → a message and an exit code. */
export function classifyFailure(error: unknown, gatewayUrl: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ConfigFileError) return new CliError(`the configuration file is not valid:\n${error.message}`, EXIT.validation);
  if (error instanceof ConnectError) {
    switch (error.code) {
      case Code.Unauthenticated:
      case Code.PermissionDenied:
        return new CliError(`the gateway at ${gatewayUrl} refused the admin token (${error.rawMessage})`, EXIT.unreachable);
      case Code.Unavailable:
        return new CliError(`the gateway at ${gatewayUrl} could not be reached: ${error.rawMessage}`, EXIT.unreachable);
      case Code.Unimplemented:
        // Something answers there, but not the gateway's admin API (a wrong port or path).
        return new CliError(`${gatewayUrl} does not serve the gateway's admin API${error.rawMessage === '' ? '' : ` (${error.rawMessage})`}: check --url`, EXIT.unreachable);
      case Code.InvalidArgument:
      case Code.FailedPrecondition:
        return new CliError(`rejected by the gateway: ${error.rawMessage}`, EXIT.validation);
      case Code.NotFound:
        return new CliError(`not found: ${error.rawMessage}`, EXIT.error);
      default:
        return new CliError(`the gateway answered ${Code[error.code]}: ${error.rawMessage}`, EXIT.error);
    }
  }
  return new CliError(error instanceof Error ? error.message : String(error), EXIT.error);
}
