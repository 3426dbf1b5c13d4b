// An error on a log line keeps what says what happened (type, code, message, stack) and drops what a
// database driver attaches — the failed statement with its values — at any depth (a cause, an aggregate).
import { describe, expect, it } from 'vitest';
import { MAX_ERROR_TEXT_LENGTH, serializeError } from '../../src/server/error-serializer.js';

const driverError = (values: string) =>
  Object.assign(new Error("Got a packet bigger than 'max_allowed_packet' bytes"), {
    code: 'ER_NET_PACKET_TOO_LARGE',
    errno: 1153,
    sql: `insert into \`stored_responses\` values ('${values}')`,
    sqlMessage: "Got a packet bigger than 'max_allowed_packet' bytes",
    parameters: [values],
  });

describe('serializeError', () => {
  it('drops sql, sqlMessage and parameters, keeping the code and message', () => {
    const logged = serializeError(driverError('JVBERi0xLjQK'));
    expect(logged).toMatchObject({ type: 'Error', code: 'ER_NET_PACKET_TOO_LARGE', errno: 1153, message: "Got a packet bigger than 'max_allowed_packet' bytes" });
    expect(JSON.stringify(logged)).not.toContain('JVBERi0xLjQK');
    expect(logged).not.toHaveProperty('sql');
  });

  it('drops them from a cause and an aggregate’s errors too', () => {
    const wrapped = new Error('storing failed', { cause: driverError('SECRET-DOCUMENT') });
    const aggregate = new AggregateError([driverError('OTHER-DOCUMENT')], 'several failed');
    expect(JSON.stringify(serializeError(wrapped))).not.toContain('SECRET-DOCUMENT');
    expect(JSON.stringify(serializeError(aggregate))).not.toContain('OTHER-DOCUMENT');
  });

  it('cuts a long message and stack', () => {
    const logged = serializeError(new Error(`Duplicate entry '${'x'.repeat(1_000_000)}' for key 'PRIMARY'`));
    expect(logged.message.length).toBeLessThan(MAX_ERROR_TEXT_LENGTH + 50);
    expect(logged.stack.length).toBeLessThan(MAX_ERROR_TEXT_LENGTH + 50);
    expect(logged.message).toMatch(/…\[cut: \d+ characters\]$/);
  });
});
