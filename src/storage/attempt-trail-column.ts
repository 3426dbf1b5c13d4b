// request_logs.attempt_trail ⇄ the record's attemptTrail: a JSON array of
// {providerId, upstreamModel, outcome, upstreamStatus, durationMs}. Written as
// forgivingly as the rest of the row (strings cut to the row's lengths, numbers
// clamped, a long chain capped as keptAttempts caps it), and read leniently: an odd value
// (a hand-edited row) reads as no attempts rather than making the log unreadable.
import { keptAttempts, type LoggedAttempt } from '../domain/request-log.js';
import { fit } from './fit-text.js';

const INT_MAX = 2_147_483_647;

/** null when there were no attempts: most rows (cache hits, refusals) then cost nothing. */
export function attemptTrailToColumn(trail: readonly LoggedAttempt[] | undefined): string | null {
  if (!Array.isArray(trail) || trail.length === 0) return null;
  return JSON.stringify(
    keptAttempts(trail).map((attempt) => ({
      providerId: fit(attempt.providerId, 200),
      upstreamModel: fit(attempt.upstreamModel, 200),
      outcome: fit(attempt.outcome, 32),
      upstreamStatus: count(attempt.upstreamStatus),
      durationMs: count(attempt.durationMs),
    })),
  );
}

export function columnToAttemptTrail(value: unknown): LoggedAttempt[] {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null)
    .map((entry) => ({
      providerId: text(entry['providerId']),
      upstreamModel: text(entry['upstreamModel']),
      outcome: text(entry['outcome']),
      upstreamStatus: count(entry['upstreamStatus']),
      durationMs: count(entry['durationMs']),
    }));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), INT_MAX) : 0;
}
