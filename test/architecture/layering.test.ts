// The layering of src/ (docs/architecture.md): which folder may import which,
// no import circle, and the provider SDKs and database drivers only where they
// belong. Read from the source files themselves, so a new import that breaks a
// rule fails here with the file and the import named.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

/** Each layer and the layers it may import (besides itself, gen/ and packages). */
const ALLOWED: Record<string, string[]> = {
  domain: [],
  config: ['domain'],
  storage: ['domain'],
  providers: ['domain'],
  core: ['domain'],
  server: ['core', 'domain', 'config'],
  http: ['server', 'core', 'domain'],
  rpc: ['server', 'core', 'domain'],
  cluster: ['core', 'domain', 'config'],
  /** The OpenTelemetry SDK behind domain/trace-span.ts; loaded by the root, lazily (see below). */
  tracing: ['domain', 'config'],
  /** What replicas share through Redis (GATEWAY_REDIS_URL): implements core's contracts; loaded by the root, lazily. */
  redis: ['core', 'domain', 'config'],
  /** The declarative configuration (gateway.yaml): parsed, planned and applied through the admin API's clients. */
  declarative: ['domain'],
  /** The admin CLI (`llm-gateway`): a client of a running gateway's admin API, never of its internals. */
  cli: ['declarative', 'import'],
  /** Importers from the old gateway, Portkey and LiteLLM: a plan of admin API calls, applied through the same clients. */
  import: ['declarative'],
  /** The composition root: src/*.ts files compose everything (but the CLI, a program of its own). */
  root: ['domain', 'config', 'storage', 'providers', 'core', 'server', 'http', 'rpc', 'cluster', 'tracing', 'redis', 'declarative', 'root'],
};

/** Packages that only one layer (and the composition root) may import. */
const PACKAGE_HOMES: Array<{ pattern: RegExp; where: (file: string) => boolean; rule: string }> = [
  {
    pattern: /^(openai|@anthropic-ai\/sdk|@google\/genai)(\/|$)/,
    where: (file) => /^providers\/[\w-]+\/[\w-]+-client\.ts$/.test(file),
    rule: 'a provider SDK is imported only by its family’s <family>-client.ts',
  },
  {
    pattern: /^(kysely|better-sqlite3|mysql2)(\/|$)/,
    // The legacy importer reads the old gateway's database (never the gateway's own).
    where: (file) => file.startsWith('storage/') || file === 'import/legacy/legacy-database.ts' || file === 'import/legacy/legacy-sqlite.ts',
    rule: 'database drivers and the query builder stay in storage/ (and the old gateway\'s readers in import/legacy/legacy-database.ts and legacy-sqlite.ts)',
  },
  {
    pattern: /^(tar-stream|tar)(\/|$)/,
    // The old gateway's encrypted backups are tar.gz archives; nothing else reads tar.
    where: (file) => file === 'import/legacy/legacy-backup.ts',
    rule: 'the tar parser is imported only by import/legacy/legacy-backup.ts (the old gateway\'s backups)',
  },
  {
    pattern: /^@opentelemetry\//,
    where: (file) => file === 'tracing/otel-tracer.ts',
    rule: 'OpenTelemetry is imported only by tracing/otel-tracer.ts (the core and the edges see domain/trace-span.ts)',
  },
  {
    pattern: /^(fastify|@connectrpc\/connect-fastify|@fastify\/)/,
    where: (file) => /^(server|http|rpc)\//.test(file) || !file.includes('/'),
    rule: 'the web framework stays at the edges (server/, http/, rpc/) and the composition root',
  },
  {
    pattern: /^ioredis(\/|$)/,
    where: (file) => file === 'redis/redis-client.ts',
    rule: 'ioredis is imported only by redis/redis-client.ts (the rest sees its RedisConnection)',
  },
  {
    pattern: /^(commander|cli-table3)(\/|$)/,
    where: (file) => file.startsWith('cli/'),
    rule: 'the command-line libraries stay in cli/',
  },
  {
    pattern: /^yaml(\/|$)/,
    where: (file) => file.startsWith('declarative/') || file === 'import/litellm/import-litellm.ts',
    rule: 'the YAML library stays in declarative/ (the configuration file) and the LiteLLM config reader',
  },
  {
    pattern: /^prom-client(\/|$)/,
    where: (file) => file.startsWith('core/metrics/') || file === 'cluster/metrics-gather.ts',
    rule: 'the metrics library stays in core/metrics/ (and the --workers aggregation, cluster/metrics-gather.ts)',
  },
];

interface ImportEdge {
  from: string;
  specifier: string;
  /** The imported file relative to src/, or undefined for a package or gen/. */
  target: string | undefined;
  /** import(…): loaded when the code runs, not when the importing module loads. */
  dynamic: boolean;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const from = path.relative(SRC, file);
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = (match[1] ?? match[2])!;
    const dynamic = match[2] !== undefined;
    if (!specifier.startsWith('.')) {
      edges.push({ from, specifier, target: undefined, dynamic });
      continue;
    }
    const resolved = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
    const target = resolved.startsWith(SRC + path.sep) ? path.relative(SRC, resolved) : undefined;
    edges.push({ from, specifier, target, dynamic });
  }
  return edges;
}

const layerOf = (file: string): string => (file.includes(path.sep) ? file.split(path.sep)[0]! : 'root');

const edges = sourceFiles(SRC).flatMap(importsOf);

describe('the layering of src/', () => {
  it('puts every folder of src/ in a layer', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(path.join(SRC, name)).isDirectory());
    expect(folders.filter((folder) => !(folder in ALLOWED))).toEqual([]);
  });

  it('has no import from a layer to one it does not stand on', () => {
    const upward = edges
      .filter((edge) => edge.target !== undefined)
      .filter((edge) => {
        const from = layerOf(edge.from);
        const to = layerOf(edge.target!);
        return from !== to && !ALLOWED[from]!.includes(to);
      })
      .map((edge) => `${edge.from} imports ${edge.specifier}`);
    expect(upward).toEqual([]);
  });

  it('keeps each package in its home', () => {
    const strays = edges.flatMap((edge) =>
      PACKAGE_HOMES.filter((home) => edge.target === undefined && home.pattern.test(edge.specifier) && !home.where(edge.from)).map(
        (home) => `${edge.from} imports ${edge.specifier}: ${home.rule}`,
      ),
    );
    expect(strays).toEqual([]);
  });

  it('loads tracing/ only through a dynamic import (no OpenTelemetry code is loaded while tracing is off)', () => {
    const intoTracing = edges.filter((edge) => edge.target?.startsWith(`tracing${path.sep}`) && layerOf(edge.from) !== 'tracing');
    expect(intoTracing.filter((edge) => !edge.dynamic).map((edge) => `${edge.from} imports ${edge.specifier} statically`)).toEqual([]);
    expect(intoTracing.some((edge) => edge.from === 'app.ts')).toBe(true);
  });

  it('has no import circle', () => {
    const graph = new Map<string, string[]>();
    for (const edge of edges) {
      if (!graph.has(edge.from)) graph.set(edge.from, []);
      if (edge.target) graph.get(edge.from)!.push(edge.target);
    }
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });

  it('sees the imports it checks (the rules cannot pass by reading nothing)', () => {
    expect(edges.filter((edge) => edge.from.startsWith('core/') && edge.target?.startsWith('domain/')).length).toBeGreaterThan(50);
    expect(edges.some((edge) => edge.from === 'providers/openai/openai-client.ts' && edge.specifier.startsWith('openai'))).toBe(true);
    expect(edges.some((edge) => edge.from === 'core/metrics/metric-definitions.ts' && edge.specifier === 'prom-client')).toBe(true);
  });
});
