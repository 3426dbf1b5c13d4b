// The ${…_API_KEY} variable an export writes for each provider's key. The
// plain name (the id upper-cased, every run of other characters an
// underscore) can be the same for two ids ("eu.openai" and "eu-openai"); an
// export must give each provider its own variable, or applying it would set
// one provider's key on the other. The id already in plain form
// ("eu-openai") keeps the plain name, the others get _2, _3… in id order:
// the same providers always get the same names, and adding a provider never
// renames the variable of one whose name was not shared. Credential-like extra
// headers get variables of their own the same way (headerVariables).
import { isCredentialHeader } from '../domain/credential-headers.js';
import { apiKeyVariable, headerVariable } from './kinds/provider-kind.js';

const SUFFIX = '_API_KEY';

/** Provider id → the variable its key is exported as, unique among `ids`. */
export function apiKeyVariables(ids: readonly string[]): Map<string, string> {
  const byPlainName = new Map<string, string[]>();
  for (const id of [...ids].sort()) {
    const plain = apiKeyVariable(id);
    byPlainName.set(plain, [...(byPlainName.get(plain) ?? []), id]);
  }
  const taken = new Set(byPlainName.keys());
  const variables = new Map<string, string>();
  for (const [plain, sharing] of byPlainName) {
    const owner = sharing.find((id) => apiKeyVariable(id) === `${id.toUpperCase().replace(/-/g, '_')}${SUFFIX}`) ?? sharing[0]!;
    variables.set(owner, plain);
    let number = 2;
    for (const id of sharing.filter((other) => other !== owner)) {
      let candidate: string;
      do candidate = `${plain.slice(0, -SUFFIX.length)}_${number++}${SUFFIX}`;
      while (taken.has(candidate));
      taken.add(candidate);
      variables.set(id, candidate);
    }
  }
  return variables;
}

/**
 * Provider id → credential-like header name → the variable its value is exported as: the plain name
 * (PROVIDER_HEADER), with _2, _3… when another header or a key variable (`taken`) has it already.
 */
export function headerVariables(providers: ReadonlyArray<{ id: string; extraHeaders: Record<string, string> }>, taken: Iterable<string>): Map<string, Map<string, string>> {
  const used = new Set(taken);
  const variables = new Map<string, Map<string, string>>();
  for (const provider of [...providers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const names = Object.keys(provider.extraHeaders).filter(isCredentialHeader).sort();
    if (names.length === 0) continue;
    const byHeader = new Map<string, string>();
    for (const name of names) {
      const plain = headerVariable(provider.id, name);
      let candidate = plain;
      for (let number = 2; used.has(candidate); number += 1) candidate = `${plain}_${number}`;
      used.add(candidate);
      byHeader.set(name, candidate);
    }
    variables.set(provider.id, byHeader);
  }
  return variables;
}
