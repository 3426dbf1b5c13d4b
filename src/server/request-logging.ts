// Fastify's own per-request log lines, which GATEWAY_LOG_LEVEL=debug (or trace) turns on: every HTTP
// request Fastify serves, the ones the gateway does not log (a refused key, a scrape, a probe) too. They
// are debug lines: a level filter separates them from the gateway's one line per request
// (core/request-log/request-log-line.ts, "request completed" at info), whose msg they never take, so
// counting that msg still counts requests. What they carry is the request's id, method, host and URL
// (query values masked: log-serializers.ts), then its status and response time — never the client's
// address. The failures Fastify logs at warn or error keep their level.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LogLevel } from '../config/config.js';

/** Whether Fastify logs each request; then the intakes before Fastify step aside (it must see every request). */
export const logsEachRequest = (level: LogLevel): boolean => level === 'debug' || level === 'trace';

class DebugRequestLines extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, _request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.debug({ res: reply, err: error, responseTime: reply.elapsedTime }, 'response failed');
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'response sent');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) super.defaultErrorLog(error, request, reply);
    else reply.log.debug({ res: reply, err: error }, error?.message);
  }

  override streamError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') reply.log.debug({ res: reply }, 'stream closed prematurely');
    else super.streamError(error, request, reply);
  }

  // Fastify's own line names the raw URL, `?key=` and all.
  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'route not found');
  }
}

/** The request's id under the name the finished-request line gives it, on every line (not pino's `reqId`). */
const requestIdLogLabel = 'requestId';

/** Fastify's per-request lines: at debug level when the level logs each request, none otherwise. */
export const requestLogController = (level: LogLevel): LogController =>
  logsEachRequest(level) ? new DebugRequestLines({ requestIdLogLabel }) : new LogController({ disableRequestLogging: true, requestIdLogLabel });
