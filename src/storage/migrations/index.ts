// Every migration, in order. Names sort lexically, which is the order Kysely applies them.
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';
import { createInitialMigration } from './0001-initial.js';
import { createRoutesMigration } from './0002-routes.js';
import { createRequestLogsMigration } from './0003-request-logs.js';
import { createPromptRulesMigration } from './0004-prompt-rules.js';
import { createExpertRoutingMigration } from './0005-expert-routing.js';
import { createHealthChecksMigration } from './0006-health-checks.js';
import { createRequestLogTraceIdMigration } from './0007-request-log-trace-id.js';
import { createStoredResponsesMigration } from './0008-stored-responses.js';
import { createUpstreamQuotasMigration } from './0009-upstream-quotas.js';
import { createRecordVersionsMigration } from './0010-record-versions.js';
import { createRequestLogCacheWritesMigration } from './0011-request-log-cache-writes.js';
import { createRequestLogAttemptTrailMigration } from './0012-request-log-attempt-trail.js';

export function migrationsFor(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001-initial': createInitialMigration(dialect),
    '0002-routes': createRoutesMigration(dialect),
    '0003-request-logs': createRequestLogsMigration(dialect),
    '0004-prompt-rules': createPromptRulesMigration(dialect),
    '0005-expert-routing': createExpertRoutingMigration(dialect),
    '0006-health-checks': createHealthChecksMigration(dialect),
    '0007-request-log-trace-id': createRequestLogTraceIdMigration(),
    '0008-stored-responses': createStoredResponsesMigration(dialect),
    '0009-upstream-quotas': createUpstreamQuotasMigration(),
    '0010-record-versions': createRecordVersionsMigration(dialect),
    '0011-request-log-cache-writes': createRequestLogCacheWritesMigration(),
    '0012-request-log-attempt-trail': createRequestLogAttemptTrailMigration(),
  };
}
