// A provider's extra header written as a ${VAR} reference (what an export writes for a credential-like
// header, domain/credential-headers.ts) — read from the environment where the file is applied, once per
// plan. Not set there, the value the gateway holds for that header is kept (the API's marker is sent
// back, which the gateway reads as "keep"), as for a provider's api_key. The value never appears in a
// problem, a warning or the plan.
import type { Provider } from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { ConfigProblem } from './config-file-error.js';
import { envReferenceName, type ConfigDocument } from './read-config-file.js';

export interface ResolvedHeaders {
  problems: ConfigProblem[];
  warnings: string[];
  /** Provider id → its extra headers with every reference resolved, only for providers whose file has one. */
  headers: Map<string, Record<string, string>>;
}

export function resolveHeaderReferences(document: ConfigDocument, current: readonly Provider[], environment: NodeJS.ProcessEnv, into: ResolvedHeaders): void {
  const currentById = new Map(current.map((provider) => [provider.id, provider]));
  document.config.providers.forEach((provider, index) => {
    const entries = Object.entries(provider.extraHeaders);
    if (!entries.some(([, value]) => envReferenceName(value) !== undefined)) return;
    const resolved = entries.map(([name, value]): [string, string] => {
      const variable = envReferenceName(value);
      if (variable === undefined) return [name, value];
      const path = `providers[${index}].extra_headers.${name}`;
      const source = document.sources.get(path) ?? document.sources.get(`providers[${index}]`) ?? document.file;
      const set = environment[variable];
      if (set !== undefined && set !== '') return [name, set];
      const held = currentById.get(provider.id)?.extraHeaders[name];
      if (held !== undefined) {
        into.warnings.push(`${source}: ${path}: \${${variable}} is not set here; the value the gateway holds for this header of "${provider.id}" is kept`);
        return [name, held];
      }
      into.problems.push({ source, path, message: `\${${variable}} is not set, and the gateway holds no value for this header` });
      return [name, value];
    });
    into.headers.set(provider.id, Object.fromEntries(resolved));
  });
}
