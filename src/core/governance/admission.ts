// Up front, before routing and any upstream call: the key's rate limits, and
// a refusal when its budget is already used up (the budget step reserves the
// request's own worst case later, once the plan says which prices apply).
// Token estimates are computed only for keys that limit tokens per minute
// (tokenizing a long prompt is not free on the hot path).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { countChatTokens } from '../completion/count-tokens.js';
import type { RequestReport } from '../completion/completion-call.js';
import type { BudgetGuard } from '../limits/budget-guard.js';
import { RateLimitError } from '../limits/limit-errors.js';
import { hasRateLimits, UNLIMITED_TICKET, type LimitTicket, type RateLimiter } from '../limits/rate-limiter.js';

export interface AdmissionControl {
  limiter: RateLimiter;
  budgets: BudgetGuard;
}

const NOTHING = Object.freeze({ tokens: 0, costUsd: 0 });

export function estimateChatTokens(request: ChatRequest, key: VirtualKeyRecord): number {
  if (key.rateLimits.tokensPerMinute <= 0) return 0;
  return countChatTokens(request, request.model).tokens + (request.maxOutputTokens ?? 0);
}

export async function admit(control: AdmissionControl, key: VirtualKeyRecord, estimatedTokens: number, report: RequestReport): Promise<LimitTicket> {
  let ticket = UNLIMITED_TICKET;
  if (hasRateLimits(key)) {
    try {
      ticket = await control.limiter.acquire(key, estimatedTokens);
    } catch (error) {
      if (error instanceof RateLimitError) report.limits = error.state;
      throw error;
    }
    report.limits = ticket.state();
  }
  if (!key.budget) return ticket;
  try {
    // Reserving nothing refuses only an exhausted budget: a refused key costs no classifier call.
    control.budgets.cancel(await control.budgets.check(key, NOTHING));
  } catch (error) {
    ticket.release(0);
    throw error;
  }
  return ticket;
}
