// A key's allowed-model patterns, checked against the resolved model (so a
// client cannot reach a model by another name than the one allowed).
import picomatch from 'picomatch';
import { GatewayError } from '../../domain/gateway-error.js';

const compiled = new Map<string, (name: string) => boolean>();

function matcherFor(pattern: string): (name: string) => boolean {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    matcher = picomatch(pattern, { dot: true, nocase: false });
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, matcher);
  }
  return matcher;
}

export function isModelAllowed(patterns: readonly string[], names: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => names.some((name) => matcherFor(pattern)(name)));
}

/**
 * The one answer a key gets for a model it may not use and for one that does not exist (as OpenAI
 * answers both), so that a key restricted by allowed-model patterns cannot enumerate what the
 * gateway serves by telling 403 from 404.
 */
export function modelNotAvailable(requested: string): GatewayError {
  return new GatewayError('not_found', `The model "${requested}" does not exist or you do not have access to it.`);
}

export function assertModelAllowed(patterns: readonly string[], names: readonly string[], requested: string): void {
  if (!isModelAllowed(patterns, names)) throw modelNotAvailable(requested);
}
