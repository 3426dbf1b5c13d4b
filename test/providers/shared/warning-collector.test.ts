import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { WarningSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { WarningCollector } from '../../../src/providers/shared/warning-collector.js';

const warning = (code: string, param: string, message = 'm') => create(WarningSchema, { code, param, message });

describe('WarningCollector', () => {
  it('keeps each (code, param) once, the first one, in order', () => {
    const collector = new WarningCollector();
    collector.add(warning('unsupported_parameter', 'top_k', 'first'));
    collector.addAll([warning('unsupported_parameter', 'top_k', 'second'), warning('default_applied', 'top_k'), warning('unsupported_parameter', 'seed')]);
    expect(collector.warnings.map((item) => [item.code, item.param, item.message])).toEqual([
      ['unsupported_parameter', 'top_k', 'first'],
      ['default_applied', 'top_k', 'm'],
      ['unsupported_parameter', 'seed', 'm'],
    ]);
  });
});
