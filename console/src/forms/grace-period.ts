// The rotate dialog's grace period → the RotateKeyRequest's Duration. A bare number is minutes (the
// field's unit); `90s`, `30m`, `1h`, `2d` and sums such as `1h30m` are read too. Anything else is refused
// on the field: read as 0, it would cut off the old secret at once.
import { durationFromMs, type Duration } from '@bufbuild/protobuf/wkt';
import { fieldProblem } from './form-values.js';

/** The gateway's own limit (RotateKey refuses more). */
const MAX_GRACE_MS = 30 * 24 * 60 * 60_000;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 60 * 60_000, d: 24 * 60 * 60_000 };

export function gracePeriod(text: string): Duration {
  const value = text.trim().toLowerCase();
  const problem = () => fieldProblem('grace_period', 'gracePeriod');
  let ms: number;
  if (/^\d+$/.test(value)) {
    ms = Number(value) * UNIT_MS['m']!;
  } else if (/^(\d+[smhd])+$/.test(value)) {
    ms = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)([smhd])/g)) ms += Number(amount) * UNIT_MS[unit!]!;
  } else {
    throw problem();
  }
  if (ms > MAX_GRACE_MS) throw problem();
  return durationFromMs(ms);
}
