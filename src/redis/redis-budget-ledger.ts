// The SharedBudgetLedger over Redis (scripts in budget-scripts.ts). A
// reservation is a lease renewed while its request runs, like a concurrency
// slot: a replica that dies frees its reservations `leaseMs` later. A
// reservation whose answer came after the command timeout (the check fell
// back meanwhile) is settled at once with nothing spent, so it holds nothing.
import { randomUUID } from 'node:crypto';
import type { SharedBudgetLedger } from '../core/shared-store/shared-budget-ledger.js';
import type { RedisConnection } from './redis-client.js';
import { RENEW_RESERVATION, RESERVE, SETTLE } from './budget-scripts.js';

export interface RedisBudgetLedgerOptions {
  connection: RedisConnection;
  keyPrefix: string;
  leaseMs: number;
  /** A background settle or renewal failed. */
  onError(error: unknown): void;
}

export interface RedisBudgetLedger extends SharedBudgetLedger {
  /** Stops renewing (shutdown). */
  close(): void;
}

/** The shared spend outlives its last use by this long; after that it is seeded again from the database. */
const SPENT_TTL_MS = 3_600_000;
const USD_EPSILON = 1e-9;

export function createRedisBudgetLedger(options: RedisBudgetLedgerOptions): RedisBudgetLedger {
  const { connection, leaseMs, onError } = options;
  const live = new Map<string, string[]>(); // reservation id → its keys, while its request runs
  let renewTimer: NodeJS.Timeout | undefined;
  const renewAll = () => {
    for (const [id, keys] of live) connection.run(RENEW_RESERVATION, keys, [id, leaseMs]).catch(onError);
  };
  const forget = (id: string) => {
    live.delete(id);
    if (live.size === 0 && renewTimer) {
      clearInterval(renewTimer);
      renewTimer = undefined;
    }
  };

  return {
    async reserve(request) {
      // A hash tag keeps the three structures on one Redis Cluster slot.
      const base = `${options.keyPrefix}budget:{${request.keyId}}:${request.periodId}:${request.unit}`;
      const keys = [`${base}:spent`, `${base}:held`, `${base}:amounts`];
      const id = randomUUID();
      const epsilon = request.unit === 'usd' ? USD_EPSILON : 0;
      const giveBack = (late: unknown) => {
        if ((late as [number])[0] === 1 && request.amount > 0) connection.run(SETTLE, keys, [id, 0, SPENT_TTL_MS]).catch(onError);
      };
      const args = [request.budget, request.knownSpent, request.amount, id, leaseMs, epsilon, SPENT_TTL_MS];
      const [admitted, spent, reserved] = (await connection.run(RESERVE, keys, args, giveBack)) as [number, string, string];
      const answer = { admitted: admitted === 1, spent: Number(spent), reserved: Number(reserved) };
      if (!answer.admitted) return answer;
      // Nothing was held (the script records no reservation of 0): only spend, if any, has to be added.
      if (request.amount === 0) {
        const settle = async (amount: number) => {
          if (amount > 0) await connection.run(SETTLE, keys, [id, amount, SPENT_TTL_MS]).catch(onError);
        };
        return { ...answer, reservation: { settle } };
      }
      live.set(id, keys);
      renewTimer ??= setInterval(renewAll, Math.max(100, Math.floor(leaseMs / 3))).unref();
      let settled = false;
      return {
        ...answer,
        reservation: {
          async settle(amount) {
            if (settled) return;
            settled = true;
            forget(id);
            const spentNow = Number.isFinite(amount) && amount > 0 ? amount : 0;
            await connection.run(SETTLE, keys, [id, spentNow, SPENT_TTL_MS]).catch(onError);
          },
        },
      };
    },
    close() {
      clearInterval(renewTimer);
      renewTimer = undefined;
      live.clear();
    },
  };
}
