import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { fieldsToUpdate } from '../../../src/core/admin/partial-update.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';

const mask = (...paths: string[]) => create(FieldMaskSchema, { paths });

describe('fieldsToUpdate', () => {
  it('with a mask: exactly the named fields, carried or not (so a field can be cleared)', () => {
    const fields = fieldsToUpdate(mask('name'), { name: false, enabled: true });
    expect([...fields]).toEqual(['name']);
  });

  it('refuses a masked field that cannot be updated, listing those that can as proto and as JSON names', () => {
    expect(() => fieldsToUpdate(mask('name', 'id'), { name: true, rate_limits: false, log_request_bodies: false })).toThrow(
      new GatewayError('invalid_argument', 'update_mask: unknown or immutable field "id"; updatable: name, rate_limits (JSON: rateLimits), log_request_bodies (JSON: logRequestBodies)', {
        field: 'update_mask',
      }),
    );
  });

  it('without a mask (or with an empty one): every field the request carries', () => {
    expect([...fieldsToUpdate(undefined, { name: true, enabled: false, metadata: true })]).toEqual(['name', 'metadata']);
    expect([...fieldsToUpdate(mask(), { name: false, enabled: true })]).toEqual(['enabled']);
  });

  it('refuses a request without a mask that changes nothing', () => {
    expect(() => fieldsToUpdate(undefined, { name: false })).toThrow('update_mask: the request changes nothing');
  });
});
