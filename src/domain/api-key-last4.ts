// What the admin API shows of a provider's API key: its last 4 characters, and
// only when the key is long enough (12 or more) that they reveal little; a
// shorter key shows nothing. One rule for the gateway that stores the key and
// for gateway.yaml and the importers, which compare a key they hold with what
// the API shows (a different ending means a different key; two short keys
// look the same).
export const API_KEY_SHOWN_FROM_LENGTH = 12;

export function apiKeyLast4(apiKey: string): string {
  return apiKey.length >= API_KEY_SHOWN_FROM_LENGTH ? apiKey.slice(-4) : '';
}
