// An export read by a YAML 1.1 tool (PyYAML, older yq, Ruby) reads the same
// strings the gateway wrote: `yes`, `no`, `on`, `~`, `1:30`, `0777` or a date
// are quoted, keys too; and the export still applies again as no change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AdminClients } from '../../src/declarative/admin-clients.js';
import { applyPlan } from '../../src/declarative/apply-plan.js';
import { exportConfig } from '../../src/declarative/export-config.js';
import { formatPlan } from '../../src/declarative/format-plan.js';
import { planConfig } from '../../src/declarative/plan.js';
import { parseConfigText } from '../../src/declarative/read-config-file.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { connectAdminClients } from '../helpers/admin-clients.js';

const FILE = `
providers:
  - id: edge
    type: openai_compatible
    base_url: http://127.0.0.1:9/v1
    api_key: \${EDGE_API_KEY}
    models:
      - { upstream_model: fast }
      - { upstream_model: "yes" }
      - { upstream_model: "null" }
      - { upstream_model: "on" }
      - { upstream_model: "1:30" }
      - { upstream_model: "0777" }
      - { upstream_model: "1_000" }
      - { upstream_model: "2024-10-21" }
      - { upstream_model: "~" }
routes:
  - name: "Off"
    description: "y"
    strategy: weighted
    targets:
      - { provider_id: edge, upstream_model: "yes", weight: 3 }
      - { provider_id: edge, upstream_model: fast, weight: 1 }
keys:
  - name: "no"
    metadata: { "yes": "no", "Y": "n", "<<": "=", team: billing, "1.5": ".inf" }
`;

let gateway: StartedGateway;
let clients: AdminClients;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: 'gw-admin-yaml-1-1-0123456789abcdef' });
  clients = connectAdminClients(gateway.url, gateway.adminToken);
});
afterAll(async () => {
  await gateway?.close();
});

const plan = (text: string, file: string) => planConfig(parseConfigText(text, file), clients, { environment: { EDGE_API_KEY: 'sk-edge-0000000000000000' } });

describe('export for YAML 1.1 readers', () => {
  it('quotes the strings a YAML 1.1 reader would take for booleans, nulls, numbers or dates, and applies again as no change', async () => {
    await applyPlan(await plan(FILE, 'gateway.yaml'));
    const exported = await exportConfig(clients);

    // The gateway's own reader (YAML 1.2) and a YAML 1.1 reader see the same document.
    const asYaml12 = parse(exported) as Record<string, unknown>;
    expect(parse(exported, { version: '1.1' })).toEqual(asYaml12);
    const provider = (asYaml12.providers as Array<{ models: Array<{ upstream_model: string }> }>)[0]!;
    expect(provider.models.map((model) => model.upstream_model)).toEqual(['fast', 'yes', 'null', 'on', '1:30', '0777', '1_000', '2024-10-21', '~']);
    const key = (asYaml12.keys as Array<{ name: string; metadata: Record<string, string> }>)[0]!;
    expect(key).toMatchObject({ name: 'no', metadata: { yes: 'no', Y: 'n', '<<': '=', team: 'billing', '1.5': '.inf' } });
    expect(exported).toContain('- name: "no"');
    expect(exported).toContain('"yes": "no"');
    expect(exported).toContain('team: billing'); // what needs no quotes stays plain
    expect(exported).toContain('upstream_model: fast');

    const again = await plan(exported, 'exported.yaml');
    expect(formatPlan(again.steps.map((step) => step.change), again.unchanged)).toBe('No changes: the gateway matches the file (3 objects unchanged).');
  });
});
