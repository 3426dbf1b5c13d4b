// ExpertDecisionsRepository over Kysely (SQLite or MySQL): newest-first keyset listing per route
// through expert_decisions_route_time_index (route, time, id).
import type { Kysely } from 'kysely';
import { newRowId } from '../domain/row-id.js';
import { decodeCreatedAtIdCursor } from './cursor.js';
import type { ExpertDecisionsRepository } from '../domain/expert-routing.js';
import { decisionToRow, rowToDecision } from './expert-rows.js';
import { listPage } from './paged-list.js';
import type { DatabaseSchema } from './schema.js';

export function createExpertDecisionsRepository(db: Kysely<DatabaseSchema>): ExpertDecisionsRepository {
  return {
    async insert(decision) {
      await db.insertInto('expert_decisions').values(decisionToRow(newRowId(), decision)).execute();
    },

    async list({ route, limit, cursor }) {
      const page = await listPage({ limit, cursor }, {
        // The cursor holds the (time, id) of the previous page's last row.
        decodeCursor: decodeCreatedAtIdCursor,
        fetch: (rowCount, after) => {
          let query = db
            .selectFrom('expert_decisions')
            .selectAll()
            .where('route', '=', route)
            .orderBy('time', 'desc')
            .orderBy('id', 'desc')
            .limit(rowCount);
          if (after) {
            const { createdAt: time, id } = after;
            query = query.where((eb) => eb.or([eb('time', '<', time), eb.and([eb('time', '=', time), eb('id', '<', id)])]));
          }
          return query.execute();
        },
        toItem: rowToDecision,
        sortKeyOf: (decision) => [decision.time, decision.id],
      });
      return { items: page.items.map(({ id: _id, ...decision }) => decision), nextCursor: page.nextCursor };
    },
  };
}
