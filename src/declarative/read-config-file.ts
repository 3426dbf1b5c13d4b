// gateway.yaml → the GatewayConfigFile message, or every problem at once with
// its line and field path. Checks here what the file itself gets wrong
// (unknown fields, types, missing or repeated identities, literal secrets);
// what the gateway refuses (an unknown provider in a route…) is reported when
// the plan is applied, with the object's line.
import { readFileSync } from 'node:fs';
import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { LineCounter, parseDocument } from 'yaml';
import { GatewayConfigFileSchema, type GatewayConfigFile } from '../../gen/llmgateway/v1/gateway_config_pb.js';
import { isCredentialHeader } from '../domain/credential-headers.js';
import { ConfigFileError, type ConfigProblem } from './config-file-error.js';
import { walkMessage, type WalkContext } from './yaml-to-proto-json.js';

export interface ConfigDocument {
  config: GatewayConfigFile;
  /** Field path ("routes[1]") → "file:line:column". */
  sources: Map<string, string>;
  file: string;
}

const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function envReferenceName(text: string): string | undefined {
  return ENV_REFERENCE.exec(text)?.[1];
}

export function readConfigFile(file: string): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigFileError([{ source: file, path: '', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})` }]);
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, file: string): ConfigDocument {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = document.errors.map((error) => {
    const position = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    return { source: position ? `${file}:${position.line}:${position.col}` : file, path: '', message: error.message.split('\n')[0]! };
  });
  if (problems.length > 0) throw new ConfigFileError(problems);
  const context: WalkContext = { file, lines, problems, sources: new Map() };
  const json = walkMessage(context, GatewayConfigFileSchema, document.contents, '');
  if (json === undefined) throw new ConfigFileError(problems);
  // The walk left out what it refused, so the rest still decodes and is checked too: every problem at once.
  const config = fromJson(GatewayConfigFileSchema, json as JsonValue);
  checkIdentities(config, context);
  if (problems.length > 0) throw new ConfigFileError(problems);
  return { config, sources: context.sources, file };
}

function checkIdentities(config: GatewayConfigFile, context: WalkContext): void {
  const report = (path: string, message: string) => {
    context.problems.push({ source: context.sources.get(path) ?? context.file, path, message });
  };
  const unique = (section: string, identities: string[]) => {
    const seen = new Map<string, number>();
    identities.forEach((identity, index) => {
      const path = `${section}[${index}]`;
      if (identity === '') return;
      const first = seen.get(identity);
      if (first !== undefined) report(path, `"${identity}" is already declared at ${context.sources.get(`${section}[${first}]`) ?? `${section}[${first}]`}`);
      else seen.set(identity, index);
    });
  };
  config.providers.forEach((provider, index) => {
    const path = `providers[${index}]`;
    if (provider.id === '') report(path, 'id is required (the provider\'s slug)');
    if (provider.type === 0) report(path, 'type is required');
    if (provider.apiKey !== '' && provider.apiKeyFile !== '') report(`${path}.api_key`, 'set api_key or api_key_file, not both');
    if (provider.apiKey !== '' && envReferenceName(provider.apiKey) === undefined) {
      // Never echo the value: it may be a real key.
      report(`${path}.api_key`, 'must be an environment variable reference such as ${OPENAI_API_KEY} (a key is never written in the file; api_key_file reads one from a file)');
    }
    for (const [name, value] of Object.entries(provider.extraHeaders)) {
      // A credential-like header (auth, key, token, secret in its name) is a secret as the API key is.
      if (isCredentialHeader(name) && envReferenceName(value) === undefined) {
        report(`${path}.extra_headers.${name}`, 'is a credential: it must be an environment variable reference such as ${HELICONE_AUTH} (a secret is never written in the file)');
      }
    }
  });
  config.routes.forEach((route, index) => {
    if (route.name === '') report(`routes[${index}]`, 'name is required');
    route.targets.forEach((target, position) => {
      // Unset and 0 are one value in the message (the API reads both as 1): only the file can tell them apart.
      const weight = `routes[${index}].targets[${position}].weight`;
      if (target.weight === 0 && context.sources.has(weight)) report(weight, 'must be at least 1 (a weight of 0 does not take a target out of rotation: set drained: true)');
    });
  });
  config.healthChecks.forEach((check, index) => check.name === '' && report(`health_checks[${index}]`, 'name is required'));
  config.keys.forEach((key, index) => key.name === '' && report(`keys[${index}]`, 'name is required'));
  config.promptRules.forEach((rule, index) => {
    const path = `prompt_rules[${index}]`;
    if (rule.name === '') report(path, 'name is required');
    if ((rule.route === '') === (rule.key === '')) report(path, 'set exactly one of route (a route name) and key (a key name)');
  });
  unique('providers', config.providers.map((provider) => provider.id));
  unique('routes', config.routes.map((route) => route.name));
  unique('health_checks', config.healthChecks.map((check) => check.name));
  unique('keys', config.keys.map((key) => key.name));
  unique('prompt_rules', config.promptRules.map((rule) => promptRuleIdentity(rule.route, rule.key, rule.name)));
}

export function promptRuleIdentity(route: string, key: string, name: string): string {
  return route !== '' ? `route:${route}/${name}` : `key:${key}/${name}`;
}
