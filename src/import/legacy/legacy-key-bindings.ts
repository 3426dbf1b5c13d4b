// What each old virtual key was bound to, read once for the key mapper and the
// reports: the old resolver used `model_id` when set (it overrode `model_ids`
// and ignored the request's model), else `model_ids`, else `provider_id` (any
// model string went to that provider).
import type { Unmapped } from '../import-draft.js';
import type { LegacyRow, LegacyTables } from './legacy-database.js';
import { jsonColumn, text } from './legacy-rows.js';

export interface LegacyKeyBinding {
  row: LegacyRow;
  id: string;
  /** For reports: `"chat app" (k01)`. */
  label: string;
  source: string;
  kind: 'model_id' | 'model_ids' | 'provider_id' | 'none';
  /** The old model ids the key could use, in its order (model_id alone when set). */
  modelIds: string[];
  /** The old provider id of a provider-bound key. */
  providerId: string;
}

export function legacyKeyBindings(tables: LegacyTables, unmapped: Unmapped[]): LegacyKeyBinding[] {
  return tables.virtual_keys.map((row) => {
    const id = text(row, 'id');
    const source = `virtual_keys[${id}]`;
    const label = `"${text(row, 'name').trim() || `legacy key ${id}`}" (${id})`;
    const modelId = text(row, 'model_id');
    const listed = jsonColumn(row, 'model_ids', source, unmapped);
    const modelIds = Array.isArray(listed) ? listed.map(String) : [];
    const providerId = text(row, 'provider_id');
    if (modelId !== '') {
      if (modelIds.length > 0) {
        unmapped.push({ source: `${source}.model_ids`, reason: 'is overridden by model_id, as in the old gateway; only model_id is allowed' });
      }
      return { row, id, label, source, kind: 'model_id', modelIds: [modelId], providerId: '' };
    }
    if (modelIds.length > 0) return { row, id, label, source, kind: 'model_ids', modelIds, providerId: '' };
    if (providerId !== '') return { row, id, label, source, kind: 'provider_id', modelIds: [], providerId };
    return { row, id, label, source, kind: 'none', modelIds: [], providerId: '' };
  });
}
