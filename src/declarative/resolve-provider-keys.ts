// A provider's API key as the file refers to it — ${VAR} from the environment
// where the file is applied, or api_key_file — read once per plan. The value
// never appears in a problem, a warning or the plan.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigProblem } from './config-file-error.js';
import { envReferenceName, type ConfigDocument } from './read-config-file.js';

export interface ResolvedKeys {
  problems: ConfigProblem[];
  warnings: string[];
  /** Provider id → key, only for providers whose key the file manages. */
  keys: Map<string, string>;
}

export function resolveProviderKeys(document: ConfigDocument, existing: Set<string>, environment: NodeJS.ProcessEnv, into: ResolvedKeys): void {
  document.config.providers.forEach((provider, index) => {
    const where = `providers[${index}]`;
    const source = document.sources.get(`${where}.api_key`) ?? document.sources.get(`${where}.api_key_file`) ?? document.file;
    if (provider.apiKey !== '') {
      const variable = envReferenceName(provider.apiKey)!;
      const value = environment[variable];
      if (value !== undefined && value !== '') into.keys.set(provider.id, value);
      else if (existing.has(provider.id)) into.warnings.push(`${source}: ${where}.api_key: \${${variable}} is not set here; the key the gateway holds for "${provider.id}" is kept`);
      else into.problems.push({ source, path: `${where}.api_key`, message: `\${${variable}} is not set, and the provider "${provider.id}" does not exist yet` });
    } else if (provider.apiKeyFile !== '') {
      // Relative to the configuration file, as people expect of a path written in it.
      const file = path.resolve(path.dirname(document.file), provider.apiKeyFile);
      try {
        const value = readFileSync(file, 'utf8').trim();
        if (value === '') into.problems.push({ source, path: `${where}.api_key_file`, message: `${file} is empty` });
        else into.keys.set(provider.id, value);
      } catch (error) {
        into.problems.push({ source, path: `${where}.api_key_file`, message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      }
    }
  });
}
