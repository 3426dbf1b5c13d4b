// Collects warnings for one request, each (code, param) once: a long history
// with fifty dropped signatures should say so once, not fifty times.
import { create } from '@bufbuild/protobuf';
import { WarningSchema, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';

/** An unsupported_parameter warning whose message says what happened instead of "not sent". */
export function notice(param: string, message: string): Warning {
  return create(WarningSchema, { code: 'unsupported_parameter', param, message });
}

export class WarningCollector {
  private readonly seen = new Set<string>();
  readonly warnings: Warning[] = [];

  add(warning: Warning): void {
    const key = `${warning.code}\u0000${warning.param}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push(warning);
  }

  addAll(warnings: Warning[]): void {
    for (const warning of warnings) this.add(warning);
  }
}
