// A request's server span as the edge and the pipeline share it. The edge ends
// it when the response closes; but when the client leaves, the response closes
// first and the pipeline records what it learned (route, attempts, usage and
// cost, the canceled failure) only once the abort has gone through. So the
// pipeline holds the span open (trace-step.ts), and the edge's part — the
// status code, and its error when nothing more specific was recorded — is
// added when the last hold is released, then the span ends.
import type { ChildSpanKind, TraceAttributes, TraceSpan } from '../domain/trace-span.js';

/** nginx's "client closed request", as the shims answer `canceled` (docs/errors.md): a response the client left unwritten. */
export const CLIENT_CLOSED_REQUEST = 499;

export class RequestSpan implements TraceSpan {
  readonly traceId: string;
  readonly recordsContent: boolean;
  #holds = 0;
  /** Once the response closed: the status code to record, and whether the answer was written in full. */
  #closed: { status: number; answered: boolean } | undefined;
  #ended = false;

  constructor(private readonly span: TraceSpan) {
    this.traceId = span.traceId;
    this.recordsContent = span.recordsContent;
  }

  startChild(name: string, kind: ChildSpanKind, attributes?: TraceAttributes): TraceSpan {
    return this.span.startChild(name, kind, attributes);
  }

  setAttributes(attributes: TraceAttributes): void {
    this.span.setAttributes(attributes);
  }

  fail(errorType: string, message?: string): void {
    this.span.fail(errorType, message);
  }

  markError(errorType: string): void {
    this.span.markError(errorType);
  }

  propagationHeaders(): Record<string, string> {
    return this.span.propagationHeaders();
  }

  hold(): () => void {
    this.#holds += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#holds -= 1;
      if (this.#holds === 0 && this.#closed && !this.#ended) this.#finish(this.#closed);
    };
  }

  /** The response closed (`answered`: written in full): the span ends now, or once the pipeline releases it. */
  responseClosed(status: number, answered: boolean): void {
    this.#closed = { status, answered };
    if (this.#holds === 0) this.#finish(this.#closed);
  }

  /** Ends the span at once (the edge ends it through responseClosed). */
  end(): void {
    this.#ended = true;
    this.span.end();
  }

  #finish({ status, answered }: { status: number; answered: boolean }): void {
    this.#ended = true;
    this.span.setAttributes({ 'http.response.status_code': status });
    if (!answered) this.span.markError('canceled');
    // 5xx is the server's failure; 4xx the client's (left unset on a server span, as the conventions say).
    if (status >= 500) this.span.fail(String(status));
    this.span.end();
  }
}
