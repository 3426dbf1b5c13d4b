// Where a caller without an affinity binding goes: rendezvous (highest random
// weight) hashing of its affinity key over the healthy targets. Each target
// scores hash(key, target) scaled by its weight, and the targets are tried
// highest score first. The same key gets the same order on every replica and
// worker (nothing to share), callers spread over the targets in proportion to
// their weights, and a target that leaves (its breaker opens) or joins moves
// only the callers it had or takes. Thaler & Ravishankar, "Using name-based
// mappings to increase hit rates" (1998); weighted by -weight / ln(u).
/** What rendezvous reads of a target (a provider target, or a route target taken as one). */
interface WeightedTarget {
  key: string;
  weight: number;
}

const TWO_TO_THE_32 = 2 ** 32;

/** FNV-1a over the UTF-16 code units, then murmur3's 32-bit finalizer (FNV alone leaves the high bits weak). */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const weightOf = (target: WeightedTarget): number => (Number.isFinite(target.weight) && target.weight > 0 ? target.weight : 1);

/** The targets in `callerKey`'s order: highest weighted score first (ties in the route's order). */
export function orderByRendezvous<T extends WeightedTarget>(targets: readonly T[], callerKey: string): T[] {
  if (targets.length <= 1) return [...targets];
  const scored = targets.map((target, index) => {
    // In (0, 1), never 0 or 1, so the logarithm is finite and negative.
    const unit = (hash32(`${callerKey}\u0000${target.key}`) + 0.5) / TWO_TO_THE_32;
    return { target, index, score: -weightOf(target) / Math.log(unit) };
  });
  scored.sort((left, right) => right.score - left.score || left.index - right.index);
  return scored.map((entry) => entry.target);
}
