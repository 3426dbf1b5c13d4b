// Constants and the per-request warning collector of the Gemini family.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';

/** ReasoningPart.provider_type of signatures this family produces and accepts. */
export const GEMINI_PROVIDER_TYPE = 'gemini';
/** How warnings name the vendor. */
export const GEMINI_LABEL = 'Gemini';

/** Each (code, param) once: a long history with many dropped parts should say so once. */
export class WarningCollector {
  private readonly seen = new Set<string>();
  readonly warnings: Warning[] = [];

  add(warning: Warning): void {
    const key = `${warning.code}\u0000${warning.param}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push(warning);
  }
}
