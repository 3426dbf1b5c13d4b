// A Gemini part with nothing in it (`{}`, `{"text": null}`, `{"thought": false}`):
// parse-contents.ts skips it, so canonical part j may be the client's parts[j + k]
// (field-names.ts), and it does not break a run of thought parts (thought-runs.ts).
import { isUnset, type JsonRecord } from './request-error.js';

export function isEmptyPart(entry: JsonRecord): boolean {
  for (const key in entry) {
    const value = entry[key];
    if (isUnset(value) || (key === 'thought' && value === false) || (key === 'thoughtSignature' && value === '')) continue;
    return false;
  }
  return true;
}
