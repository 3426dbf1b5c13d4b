// ExpertDecisionsRepository over Kysely (SQLite or MySQL): newest-first keyset listing per route
// through expert_decisions_route_time_index (route, time, id).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { decodeCreatedAtIdCursor, normalizePageSize, toPage } from './cursor.js';
import type { ExpertDecisionsRepository } from '../domain/expert-routing.js';
import { decisionToRow, rowToDecision } from './expert-rows.js';
import type { DatabaseSchema } from './schema.js';

export function createExpertDecisionsRepository(db: Kysely<DatabaseSchema>): ExpertDecisionsRepository {
  return {
    async insert(decision) {
      await db.insertInto('expert_decisions').values(decisionToRow(randomUUID(), decision)).execute();
    },

    async list({ route, limit, cursor }) {
      const pageSize = normalizePageSize(limit);
      let query = db
        .selectFrom('expert_decisions')
        .selectAll()
        .where('route', '=', route)
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(pageSize + 1);
      if (cursor) {
        // The cursor holds the (time, id) of the previous page's last row.
        const { createdAt: time, id } = decodeCreatedAtIdCursor(cursor);
        query = query.where((eb) => eb.or([eb('time', '<', time), eb.and([eb('time', '=', time), eb('id', '<', id)])]));
      }
      const rows = await query.execute();
      const page = toPage(rows, pageSize, rowToDecision, (decision) => [decision.time, decision.id]);
      return { items: page.items.map(({ id: _id, ...decision }) => decision), nextCursor: page.nextCursor };
    },
  };
}
