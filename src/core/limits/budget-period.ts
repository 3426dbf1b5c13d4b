// Budget periods, all in UTC: which period an instant falls in, its bounds and its id.
// The id is the key_spend row the spend of that period is counted under; budget
// enforcement and UsageService.GetKeySpend must derive it the same way, from here.
//   day    'day:2026-11-26'   from 00:00 UTC
//   week   'week:2026-W48'    ISO 8601 week (Monday 00:00 UTC; week-numbering year)
//   month  'month:2026-11'    from the 1st, 00:00 UTC
//   total  'total'            forever
import type { BudgetRecord } from '../../domain/virtual-key.js';

export type BudgetPeriodName = BudgetRecord['period'];

export interface BudgetPeriod {
  id: string;
  /** Epoch ms, inclusive (0 for total). */
  start: number;
  /** Epoch ms, exclusive; null for total. */
  end: number | null;
}

export const BUDGET_PERIOD_NAMES: readonly BudgetPeriodName[] = ['day', 'week', 'month', 'total'];

const DAY_MS = 86_400_000;

export function budgetPeriodAt(period: BudgetPeriodName, instant: number): BudgetPeriod {
  const date = new Date(instant);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const dayStart = Date.UTC(year, month, date.getUTCDate());
  switch (period) {
    case 'day':
      return { id: `day:${isoDate(dayStart)}`, start: dayStart, end: dayStart + DAY_MS };
    case 'week': {
      const mondayIndex = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
      const start = dayStart - mondayIndex * DAY_MS;
      const { weekYear, week } = isoWeek(start);
      return { id: `week:${weekYear}-W${String(week).padStart(2, '0')}`, start, end: start + 7 * DAY_MS };
    }
    case 'month': {
      const start = Date.UTC(year, month, 1);
      return { id: `month:${isoDate(start).slice(0, 7)}`, start, end: Date.UTC(year, month + 1, 1) };
    }
    case 'total':
      return { id: 'total', start: 0, end: null };
  }
}

/** The ids of every period the instant falls in, e.g. to count one request's spend under each. */
export function budgetPeriodIdsAt(instant: number): Record<BudgetPeriodName, string> {
  return {
    day: budgetPeriodAt('day', instant).id,
    week: budgetPeriodAt('week', instant).id,
    month: budgetPeriodAt('month', instant).id,
    total: 'total',
  };
}

/** ISO week of the week starting on `monday` (UTC midnight): its Thursday decides the year. */
function isoWeek(monday: number): { weekYear: number; week: number } {
  const thursday = new Date(monday + 3 * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const firstJanuary = Date.UTC(weekYear, 0, 1);
  const week = Math.floor((thursday.getTime() - firstJanuary) / DAY_MS / 7) + 1;
  return { weekYear, week };
}

function isoDate(instant: number): string {
  const text = new Date(instant).toISOString();
  // Years past 9999 or before 0 get a sign and six digits in toISOString; cut at the 'T' either way.
  return text.slice(0, text.indexOf('T'));
}
