// The only file that imports OpenTelemetry: the RequestTracer (domain/trace-span.ts)
// on the OpenTelemetry SDK, exporting over OTLP/HTTP. Loaded with a dynamic
// import only when an OTLP endpoint is configured (src/app.ts), so a gateway
// without tracing never loads any of it (in the bundle it is a chunk of its own).
//
// Why these packages: @opentelemetry/sdk-trace (the 3.x SDK, which the 2.x
// sdk-trace-base became) with a BatchSpanProcessor — spans leave in batches,
// off the request path — and @opentelemetry/exporter-trace-otlp-http, whose
// JSON bodies every OTLP/HTTP receiver (the Collector, Jaeger, Tempo) accepts
// and which needs no protobuf runtime. Context is passed explicitly (the
// request context carries the span): no global context manager, no
// AsyncLocalStorage, and nothing registered globally that other code could
// pick up. The W3C propagator continues a client's traceparent and writes
// the one sent upstream.
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { SamplerConfig, TracingConfig } from '../config/config.js';
import type { ChildSpanKind, IncomingTraceContext, RequestTracer, TraceAttributes, TraceSpan } from '../domain/trace-span.js';

/** Where the SDK's own problems go (an unreachable collector, a rejected batch): the gateway's log. */
export interface TracerLog {
  warn(details: object, message: string): void;
}

const propagator = new W3CTraceContextPropagator();

/** OpenTelemetry attributes without the undefined values the gateway's code passes for "not known". */
function attributesOf(attributes: TraceAttributes | undefined): Attributes {
  const result: Attributes = {};
  if (attributes) for (const name in attributes) if (attributes[name] !== undefined) result[name] = attributes[name] as Attributes[string];
  return result;
}

class OtelSpan implements TraceSpan {
  readonly traceId: string;
  readonly recordsContent: boolean;
  private failed = false;
  private errorTyped = false;

  constructor(
    private readonly span: Span,
    private readonly tracer: Tracer,
    content: boolean,
  ) {
    this.traceId = span.spanContext().traceId;
    // An unsampled request pays for no content serialisation.
    this.recordsContent = content && span.isRecording();
  }

  startChild(name: string, kind: ChildSpanKind, attributes?: TraceAttributes): TraceSpan {
    const options = { kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: attributesOf(attributes) };
    return new OtelSpan(this.tracer.startSpan(name, options, trace.setSpan(ROOT_CONTEXT, this.span)), this.tracer, this.recordsContent);
  }

  setAttributes(attributes: TraceAttributes): void {
    if (this.span.isRecording()) this.span.setAttributes(attributesOf(attributes));
  }

  fail(errorType: string, message?: string): void {
    this.markError(errorType);
    if (this.failed) return;
    this.failed = true;
    this.span.setStatus(message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message });
  }

  markError(errorType: string): void {
    if (this.errorTyped) return;
    this.errorTyped = true;
    this.span.setAttribute('error.type', errorType);
  }

  propagationHeaders(): Record<string, string> {
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, this.span), carrier, defaultTextMapSetter);
    return carrier;
  }

  end(): void {
    this.span.end();
  }
}

/** Messages and error messages only: an argument could be an object carrying the exporter's headers. */
const detail = (arg: unknown): string => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : typeof arg);

/** The SDK's error handler logs an export failure as the error serialised to JSON (stack included): its message. */
function messageOf(text: string): string {
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : text;
  } catch {
    return text;
  }
}

function samplerOf(config: SamplerConfig): Sampler {
  const root = config.ratio >= 1 ? new AlwaysOnSampler() : config.ratio <= 0 ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(config.ratio);
  // Parent-based: a client's sampled flag decides for its requests; the ratio decides for new traces.
  return config.parentBased ? new ParentBasedSampler({ root }) : root;
}

/** How long shutdown waits for the last spans to leave (a receiver that is down retries for longer). */
const SHUTDOWN_EXPORT_MS = 5_000;

export function startOtelTracer(config: TracingConfig, log: TracerLog, options: { shutdownExportMs?: number } = {}): RequestTracer {
  const report = (level: string) => (message: string, ...args: unknown[]) =>
    log.warn({ otel: level, details: args.map(detail) }, `tracing: ${messageOf(message)}`);
  diag.setLogger({ error: report('error'), warn: report('warn'), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  const provider = new TracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the gateway's default name.
    resource: defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'llm-gateway' }))
      .merge(detectResources({ detectors: [envDetector] })),
    sampler: samplerOf(config.sampler),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: config.tracesUrl }),
        scheduledDelayMillis: config.batch.scheduledDelayMs,
        maxQueueSize: config.batch.maxQueueSize,
        maxExportBatchSize: Math.min(512, config.batch.maxQueueSize),
      }),
    ],
  });
  const tracer = provider.getTracer('llm-gateway');
  return {
    startServerSpan(name: string, incoming: IncomingTraceContext, attributes: TraceAttributes): TraceSpan {
      const parent = incoming.traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
      return new OtelSpan(tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: attributesOf(attributes) }, parent), tracer, config.content);
    },
    async shutdown() {
      // Never throws and never holds the exit for long: losing the last spans must not fail a shutdown.
      const waitMs = options.shutdownExportMs ?? SHUTDOWN_EXPORT_MS;
      let timer: NodeJS.Timeout | undefined;
      const exported = provider.shutdown().then(
        () => 'exported' as const,
        (error: unknown) => error,
      );
      const outcome = await Promise.race([exported, new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)))]);
      clearTimeout(timer);
      if (outcome === 'late') log.warn({ waitMs }, 'tracing: the last spans were not exported in time at shutdown');
      else if (outcome !== 'exported') log.warn({ details: [detail(outcome)] }, 'tracing: the last spans could not be exported at shutdown');
      diag.disable();
    },
  };
}
