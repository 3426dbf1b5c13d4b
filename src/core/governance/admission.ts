// Up front, before any upstream call: the key's rate limits and budget.
// Token estimates are computed only for keys that limit or budget tokens
// (tokenizing a long prompt is not free on the hot path).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { countChatTokens } from '../completion/count-tokens.js';
import type { RequestReport } from '../completion/completion-call.js';
import type { BudgetGuard, BudgetReservation } from '../limits/budget-guard.js';
import { RateLimitError } from '../limits/limit-errors.js';
import { UNLIMITED_TICKET, type LimitTicket, type RateLimiter } from '../limits/rate-limiter.js';

export interface Admission {
  ticket: LimitTicket;
  reservation: BudgetReservation | undefined;
}

export interface AdmissionControl {
  limiter: RateLimiter;
  budgets: BudgetGuard;
}

const countsTokens = (key: VirtualKeyRecord) => key.rateLimits.tokensPerMinute > 0 || key.budget?.unit === 'tokens';
const hasLimits = (key: VirtualKeyRecord) =>
  key.rateLimits.requestsPerMinute > 0 || key.rateLimits.tokensPerMinute > 0 || key.rateLimits.concurrentRequests > 0;

export function estimateChatTokens(request: ChatRequest, key: VirtualKeyRecord): number {
  if (!countsTokens(key)) return 0;
  return countChatTokens(request, request.model).tokens + (request.maxOutputTokens ?? 0);
}

export async function admit(control: AdmissionControl, key: VirtualKeyRecord, estimatedTokens: number, report: RequestReport): Promise<Admission> {
  let ticket = UNLIMITED_TICKET;
  if (hasLimits(key)) {
    try {
      ticket = await control.limiter.acquire(key, estimatedTokens);
    } catch (error) {
      if (error instanceof RateLimitError) report.limits = error.state;
      throw error;
    }
    report.limits = ticket.state();
  }
  if (!key.budget) return { ticket, reservation: undefined };
  try {
    return { ticket, reservation: await control.budgets.check(key, { tokens: estimatedTokens, costUsd: 0 }) };
  } catch (error) {
    ticket.release(0);
    throw error;
  }
}

/** After the answer: reconcile the token window, charge the budget (cache hits are free), update the headers' numbers. */
export function settle(control: AdmissionControl, admission: Admission, spent: { tokens: number; costUsd: number }, report: RequestReport): void {
  admission.ticket.settle(spent.tokens);
  if (report.limits) report.limits = admission.ticket.state();
  if (admission.reservation) void control.budgets.commit(admission.reservation, spent);
}

export function abandon(control: AdmissionControl, admission: Admission | undefined): void {
  if (!admission) return;
  admission.ticket.release();
  if (admission.reservation) control.budgets.cancel(admission.reservation);
}
