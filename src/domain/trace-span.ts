// Tracing as the gateway's own code sees it: a span it may annotate, end and
// start children under. The OpenTelemetry SDK stays behind these interfaces
// (src/tracing, loaded only when an OTLP endpoint is configured), so the core
// and the edges never import it; when tracing is off there is no span at all
// and every use is a check for undefined.

export type TraceAttributeValue = string | number | boolean | readonly string[];
/** Undefined values are skipped (so optional request fields can be passed as they are). */
export type TraceAttributes = Readonly<Record<string, TraceAttributeValue | undefined>>;

/** `client`: a call out of the gateway (an upstream attempt); `internal`: work inside it. */
export type ChildSpanKind = 'client' | 'internal';

export interface TraceSpan {
  /** 32 lowercase hex digits: the request log's trace_id and the x-trace-id response header. */
  readonly traceId: string;
  /** Prompt and completion content may be recorded (GATEWAY_TRACE_CONTENT=true); off by default. */
  readonly recordsContent: boolean;
  /** A child of this span, started now. */
  startChild(name: string, kind: ChildSpanKind, attributes?: TraceAttributes): TraceSpan;
  setAttributes(attributes: TraceAttributes): void;
  /**
   * Marks the operation failed: the error status, and `error.type` (low cardinality, e.g. a GatewayError
   * kind) unless one was recorded before: the pipeline's specific kind comes before the edge's HTTP status.
   */
  fail(errorType: string, message?: string): void;
  /** Records `error.type` of a failure that is the client's (the status stays unset); as with fail, the first type recorded stays. */
  markError(errorType: string): void;
  /**
   * A request's server span only: keeps it from ending until the returned release is called, so what the
   * pipeline records after the client left (its outcome comes once the abort has gone through) is on it.
   */
  hold?(): () => void;
  /** The W3C trace context headers (traceparent, tracestate) that make a downstream call this span's child. */
  propagationHeaders(): Record<string, string>;
  /** Ends the span (later calls and attributes are ignored). */
  end(): void;
}

/** The W3C trace context a client sent, as its headers carry it. */
export interface IncomingTraceContext {
  traceparent: string | undefined;
  tracestate: string | undefined;
}

export interface RequestTracer {
  /** The server span of one request: a child of the client's span when `incoming` carries a valid traceparent. */
  startServerSpan(name: string, incoming: IncomingTraceContext, attributes: TraceAttributes): TraceSpan;
  /** Exports what is still buffered, then stops exporting (shutdown). */
  shutdown(): Promise<void>;
}
