// The words of a budget refusal, e.g. "budget exhausted: $0.012 of $0.01 this month".
import type { BudgetRecord } from '../../domain/virtual-key.js';

const PERIOD_WORDS: Record<BudgetRecord['period'], string> = {
  day: 'today',
  week: 'this week',
  month: 'this month',
  total: 'in total',
};

export interface RefusalAmounts {
  /** Committed spend of the period. */
  spent: number;
  /** Reserved by requests in flight. */
  reserved: number;
  /** What the refused request would reserve. */
  requested: number;
}

/** "budget exhausted: …" when nothing is left, else "budget would be exceeded: …" naming what the request needs. */
export function refusalMessage(budget: BudgetRecord, amounts: RefusalAmounts): string {
  const { spent, reserved, requested } = amounts;
  const amount = (value: number) => (budget.unit === 'usd' ? formatUsd(value) : `${Math.round(value)} tokens`);
  const inFlight = reserved > 0 ? ` (${amount(reserved)} more reserved by requests in flight)` : '';
  const period = PERIOD_WORDS[budget.period];
  if (spent + reserved >= budget.amount || requested <= 0) return `budget exhausted: ${amount(spent)} of ${amount(budget.amount)} ${period}${inFlight}`;
  const left = Math.max(0, budget.amount - spent - reserved);
  return (
    `budget would be exceeded: this request may use up to ${amount(requested)} (its input and maximum output` +
    `${budget.unit === 'usd' ? " at the model's prices" : ''}), and ${amount(left)} of ${amount(budget.amount)} is left ${period}${inFlight}`
  );
}

/** $12.35, $0.01, $0.0123 — cents, or four decimals below a dollar; two significant digits below a cent ($0.00012). */
export function formatUsd(value: number): string {
  const size = Math.abs(value);
  if (size >= 1) return `$${value.toFixed(2)}`;
  if (size > 0 && size < 0.01) {
    // Four decimals would make a budget of $0.0001 and a request of $0.00012 read the same.
    const decimals = Math.min(12, 1 - Math.floor(Math.log10(size)));
    return `$${value.toFixed(decimals).replace(/0+$/, '')}`;
  }
  const fixed = value.toFixed(4).replace(/0+$/, '');
  const [whole = '0', fraction = ''] = fixed.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}
