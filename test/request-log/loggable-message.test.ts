// The request log's JSON of a proto message costs what the cap allows, not what the message weighs: what
// goes to toJson holds no large bytes and no string longer than the cap, so a 10 MB document is never
// turned into 13 MB of base64 only to be cut to 64 KiB.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { loggableCopy, loggableJson } from '../../src/core/request-log/loggable-message.js';
import { DEFAULT_MAX_BODY_BYTES, redactBody } from '../../src/core/request-log/redact-body.js';

const TEN_MB = 10 * 1024 * 1024;

const requestWith = (parts: unknown[]) => create(ChatRequestSchema, { model: 'openai/gpt-4o', messages: [{ role: Role.USER, content: parts as never }] });

const bigRequest = () =>
  requestWith([
    { kind: { case: 'document', value: { source: { case: 'data', value: new Uint8Array(TEN_MB) }, mediaType: 'application/pdf', filename: 'big.pdf' } } },
    { kind: { case: 'image', value: { source: { case: 'url', value: `data:image/png;base64,${'A'.repeat(2_000_000)}` } } } },
    { kind: { case: 'image', value: { source: { case: 'data', value: new Uint8Array(5000) }, mediaType: 'image/jpeg' } } },
    { kind: { case: 'text', value: { text: 'y'.repeat(13_000_000) } } },
    { kind: { case: 'text', value: { text: 'Summarise.' } } },
  ]);

/** The longest string and the largest bytes anywhere in a value. */
function largest(value: unknown, found = { string: 0, bytes: 0 }): { string: number; bytes: number } {
  if (typeof value === 'string') found.string = Math.max(found.string, value.length);
  else if (value instanceof Uint8Array) found.bytes = Math.max(found.bytes, value.byteLength);
  else if (value !== null && typeof value === 'object') for (const entry of Object.values(value)) largest(entry, found);
  return found;
}

describe('loggable message', () => {
  it('hands toJson nothing larger than the cap: no document bytes, no data URL, long text cut', () => {
    const copy = loggableCopy(bigRequest());
    const sizes = largest(copy);
    expect(sizes.bytes).toBeLessThanOrEqual(1024);
    expect(sizes.string).toBeLessThanOrEqual(DEFAULT_MAX_BODY_BYTES + 100);
  });

  it('names each omitted part by media type and size; the logged body is whole JSON within the cap', () => {
    const json = JSON.stringify(loggableJson(ChatRequestSchema, bigRequest()));
    expect(json).toContain(`<application/pdf, ${TEN_MB} bytes>`);
    expect(json).toContain('<image/png data URL, 2000022 characters>');
    expect(json).toContain('<image/jpeg, 5000 bytes>');
    expect(json).toContain('…[cut: 13000000 characters]');
    expect(json).toContain('Summarise.');
    expect(json.length).toBeLessThan(DEFAULT_MAX_BODY_BYTES + 1000);
    const body = redactBody(loggableJson(ChatRequestSchema, bigRequest()))!;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DEFAULT_MAX_BODY_BYTES + 100);
  });

  it('leaves a small message as toJson gives it (small bytes kept as base64)', () => {
    const small = requestWith([
      { kind: { case: 'image', value: { source: { case: 'data', value: new Uint8Array([1, 2, 3]) }, mediaType: 'image/png' } } },
      { kind: { case: 'text', value: { text: 'Hello' } } },
    ]);
    expect(loggableJson(ChatRequestSchema, small)).toEqual({
      model: 'openai/gpt-4o',
      messages: [{ role: 'ROLE_USER', content: [{ image: { data: 'AQID', mediaType: 'image/png' } }, { text: { text: 'Hello' } }] }],
    });
  });
});
