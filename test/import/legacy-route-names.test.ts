// A legacy virtual model named like an imported provider's model address
// ("<provider-id>/…") would be refused by the gateway as a route name (it
// would take those requests over): the import gives it a free name and says so.
import { describe, expect, it } from 'vitest';
import type { LegacyTables } from '../../src/import/legacy/legacy-database.js';
import { legacyRouteNames } from '../../src/import/legacy/legacy-names.js';
import type { Unmapped } from '../../src/import/import-draft.js';

const tables = (models: Array<Record<string, unknown>>) =>
  ({ models, routing_configs: models.map((model) => ({ id: model.routing_config_id })), expert_routing_configs: [] }) as unknown as LegacyTables;

describe('legacy route names under a provider’s address', () => {
  it('renames "<provider-id>/…" and reports it; a slash under no provider stays', () => {
    const unmapped: Unmapped[] = [];
    const names = legacyRouteNames(
      tables([
        { id: 'v1', is_virtual: 1, name: 'openai/smart', routing_config_id: 'rc1' },
        { id: 'v2', is_virtual: 1, name: 'vendor/fast', routing_config_id: 'rc2' },
      ]),
      unmapped,
      new Set(['openai']),
    );
    expect(names.byVirtualModel.get('v1')).toBe('openai-smart');
    expect(names.byVirtualModel.get('v2')).toBe('vendor/fast');
    expect(unmapped).toEqual([
      {
        source: 'models[v1].name',
        reason: '"openai/smart" is an address of provider "openai" here ("openai/<model>" names its model directly); the route is "openai-smart" — clients must send "openai-smart" now (keys bound to it are allowed that name)',
      },
    ]);
  });
});
