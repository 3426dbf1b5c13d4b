// Which reasoning rides in which tool-call id on the OpenAI surface: every
// signed reasoning part (a signature or redacted data: what the provider
// checks when it comes back) goes with the first tool call after it, so
// parse-messages.ts can put it back where it stood. Unsigned reasoning
// (DeepSeek-style) needs no signature and travels as `reasoning_content` only.
import type { ReasoningDelta, ReasoningPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { CarriedReasoning } from '../tool-call-id.js';

export class ReasoningCarrier {
  /** The part a stream is still writing (its signature closes it). */
  private open: CarriedReasoning | undefined;
  private signed: CarriedReasoning[] = [];

  /** A whole part (unary answers). */
  addPart(part: ReasoningPart): void {
    this.interrupt();
    this.keep({ text: part.text, signature: part.signature, redactedData: part.redactedData, providerType: part.providerType });
  }

  /** A stream delta: text accumulates until a signature or redacted data closes the part. */
  addDelta(delta: ReasoningDelta): void {
    this.open ??= { text: '', signature: '', redactedData: '', providerType: delta.providerType };
    this.open.text += delta.text;
    if (delta.providerType) this.open.providerType = delta.providerType;
    if (delta.signature || delta.redactedData) {
      this.open.signature += delta.signature;
      this.open.redactedData += delta.redactedData;
      this.keep(this.open);
      this.open = undefined;
    }
  }

  /** Anything else in between (text, a call) ends an open, unsigned part. */
  interrupt(): void {
    this.open = undefined;
  }

  /** The signed parts since the previous call, for this call's id. */
  take(): CarriedReasoning[] {
    this.interrupt();
    const taken = this.signed;
    this.signed = [];
    return taken;
  }

  private keep(part: CarriedReasoning): void {
    if (part.signature || part.redactedData) this.signed.push(part);
  }
}
