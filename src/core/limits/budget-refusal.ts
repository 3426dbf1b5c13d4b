// The words of a budget refusal, e.g. "budget exhausted: $0.012 of $0.01 this month".
import type { BudgetRecord } from '../../domain/virtual-key.js';

const PERIOD_WORDS: Record<BudgetRecord['period'], string> = {
  day: 'today',
  week: 'this week',
  month: 'this month',
  total: 'in total',
};

export function refusalMessage(budget: BudgetRecord, spent: number, reserved: number): string {
  const amount = (value: number) => (budget.unit === 'usd' ? formatUsd(value) : `${Math.round(value)} tokens`);
  const inFlight = reserved > 0 ? ` (${amount(reserved)} more reserved by requests in flight)` : '';
  return `budget exhausted: ${amount(spent)} of ${amount(budget.amount)} ${PERIOD_WORDS[budget.period]}${inFlight}`;
}

/** $12.35, $0.01, $0.0123 — cents, or four decimals below a dollar. */
export function formatUsd(value: number): string {
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  const fixed = value.toFixed(4).replace(/0+$/, '');
  const [whole = '0', fraction = ''] = fixed.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}
