// The ${…_API_KEY} variable an export writes for each provider's key. The
// plain name (the id upper-cased, every run of other characters an
// underscore) can be the same for two ids ("eu.openai" and "eu-openai"); an
// export must give each provider its own variable, or applying it would set
// one provider's key on the other. The id already in plain form
// ("eu-openai") keeps the plain name, the others get _2, _3… in id order:
// the same providers always get the same names, and adding a provider never
// renames the variable of one whose name was not shared.
import { apiKeyVariable } from './kinds/provider-kind.js';

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
