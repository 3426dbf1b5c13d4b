// The records' versions on the admin API: every answer carries the stored version
// (int64 `version`), and an update may name the version it was computed from
// (`expected_version`); another version stored means someone changed the record
// since it was read, which is ABORTED — the conventional code for a lost
// optimistic-concurrency race — rather than a silent last-write-wins.
import { GatewayError, invalidArgument } from '../../domain/gateway-error.js';
import type { Versioned } from '../../domain/versioned-record.js';

/** The message with its `version` set: what every Get, List, Create and Update answers. */
export function withVersion<Message extends { version: bigint }>(message: Message, version: number): Message {
  message.version = BigInt(version);
  return message;
}

/** `toProto(record)` with the record's version. */
export function versionedToProto<Item, Message extends { version: bigint }>(toProto: (record: Item) => Message) {
  return (stored: Versioned<Item>): Message => withVersion(toProto(stored.record), stored.version);
}

/** The request's expected version as storage counts it; undefined when the request sets none (last write wins). */
export function expectedVersionOf(request: { expectedVersion?: bigint | undefined }): number | undefined {
  const expected = request.expectedVersion;
  if (expected === undefined) return undefined;
  if (expected < 0n || expected > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalidArgument('expected_version', 'must be a version the gateway answered (a whole number, 0 or more)');
  }
  return Number(expected);
}

export function changedSinceRead(kind: string, key: string, expected: number, stored: number): GatewayError {
  return new GatewayError(
    'aborted',
    `${kind} "${key}" changed since it was read (expected version ${expected}, stored version ${stored}); read it again and reapply the change`,
  );
}
