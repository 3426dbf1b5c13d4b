// Collects the warnings of one request, each (code, param) once: a long
// history with fifty dropped signatures should say so once, not fifty times.
// Every family's converters report through one of these.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';

export class WarningCollector {
  private readonly seen = new Set<string>();
  readonly warnings: Warning[] = [];

  add(warning: Warning): void {
    const key = `${warning.code}\u0000${warning.param}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push(warning);
  }

  addAll(warnings: readonly Warning[]): void {
    for (const warning of warnings) this.add(warning);
  }
}
