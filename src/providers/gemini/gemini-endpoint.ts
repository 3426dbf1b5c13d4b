// ProviderConnection.baseUrl → the SDK's httpOptions {baseUrl, apiVersion}.
// The SDK builds `{baseUrl}/{apiVersion}/models/{model}:generateContent`, so a
// base URL that already ends in a version (".../v1beta", as people copy it
// from the docs) is split, otherwise the version would appear twice.

export interface GeminiEndpoint {
  /** undefined: the SDK's default (https://generativelanguage.googleapis.com/). */
  baseUrl: string | undefined;
  apiVersion: string;
}

export const DEFAULT_API_VERSION = 'v1beta';

export function resolveEndpoint(baseUrl: string): GeminiEndpoint {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  if (trimmed === '') return { baseUrl: undefined, apiVersion: DEFAULT_API_VERSION };
  const versioned = /^(.*?)\/(v1(?:alpha|beta)?\d*)$/.exec(trimmed);
  if (versioned?.[1] && versioned[2]) return { baseUrl: versioned[1], apiVersion: versioned[2] };
  return { baseUrl: trimmed, apiVersion: DEFAULT_API_VERSION };
}
