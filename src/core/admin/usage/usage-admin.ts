// UsageService's logic, transport-agnostic: request-log listing, aggregates,
// and a key's spend in its current budget period (without a budget, this month's).
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  GetKeySpendResponseSchema,
  type AggregateUsageRequest,
  type GetKeySpendResponse,
  type ListRequestsRequest,
  type RequestLogEntry,
  type UsageAggregate,
} from '../../../../gen/llmgateway/v1/usage_service_pb.js';
import type { KeySpendRepository } from '../../../domain/key-spend.js';
import type { RequestLogsRepository } from '../../../domain/request-log.js';
import type { KeysRepository } from '../../../domain/virtual-key.js';
import { invalidArgument, notFound } from '../../../domain/gateway-error.js';
import { keyRecordToProto } from '../keys/key-conversion.js';
import { pageRequest, pageResponse } from '../paging.js';
import { budgetPeriodAt, type BudgetPeriod } from '../../limits/budget-period.js';
import type { LoggedSpendReader } from '../../limits/logged-spend.js';
import { aggregateToProto, filterFromProto, groupingFromProto, requestLogToProto } from './usage-conversion.js';

export interface UsageAdminOptions {
  requestLogs: Pick<RequestLogsRepository, 'list' | 'aggregate'>;
  keySpend: Pick<KeySpendRepository, 'get'>;
  loggedSpend: Pick<LoggedSpendReader, 'monthSpendOf'>;
  keys: Pick<KeysRepository, 'get'>;
  now?: () => number;
}

export interface UsageAdmin {
  listRequests(request: ListRequestsRequest): Promise<{ requests: RequestLogEntry[]; nextPageToken: string }>;
  aggregateUsage(request: AggregateUsageRequest): Promise<UsageAggregate[]>;
  getKeySpend(keyId: string): Promise<GetKeySpendResponse>;
}

export function createUsageAdmin(options: UsageAdminOptions): UsageAdmin {
  const now = options.now ?? Date.now;
  return {
    async listRequests(request) {
      const page = await options.requestLogs.list(filterFromProto('filter', request.filter), pageRequest(request));
      return pageResponse('requests', page, requestLogToProto);
    },

    async aggregateUsage(request) {
      const grouping = groupingFromProto('group_by', request.groupBy);
      const rows = await options.requestLogs.aggregate(grouping, filterFromProto('filter', request.filter));
      return rows.map(aggregateToProto);
    },

    async getKeySpend(keyId) {
      const id = keyId.trim();
      if (id === '') throw invalidArgument('key_id', 'is required');
      const key = await options.keys.get(id);
      if (!key) throw notFound('virtual key', id);
      const budget = key.budget;
      // With a budget: what the budget guard counts. Without: the current month's, from the request log (a key
      // without a budget has no spend row: limits/logged-spend.ts).
      let period: BudgetPeriod;
      let spend: { tokens: number; costUsd: number } | null;
      if (budget === null) {
        const month = await options.loggedSpend.monthSpendOf(id);
        period = month.period;
        spend = month;
      } else {
        period = budgetPeriodAt(budget.period, now());
        spend = await options.keySpend.get(id, period.id);
      }
      const spentUsd = spend?.costUsd ?? 0;
      const spentTokens = spend?.tokens ?? 0;
      const remaining =
        budget === null ? undefined : Math.max(0, budget.amount - (budget.unit === 'usd' ? spentUsd : spentTokens));
      return create(GetKeySpendResponseSchema, {
        keyId: id,
        budget: keyRecordToProto(key).budget,
        periodStart: timestampFromMs(period.start),
        periodEnd: period.end === null ? undefined : timestampFromMs(period.end),
        spentUsd,
        spentTokens: BigInt(Math.trunc(spentTokens)),
        remaining,
      });
    },
  };
}
