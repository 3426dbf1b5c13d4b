// A robust reading of the judge's answer: strict JSON `{"expert": "<name>"}` ideally, but also in code
// fences, inside prose, with other casing or separators, or a near-miss by a unique prefix.
// Anything that does not name exactly one known expert is no answer (null).

export function parseExpertAnswer(text: string, expertNames: readonly string[]): string | null {
  const candidate = candidateOf(text);
  if (candidate !== null) return matchName(candidate, expertNames);
  return mentionedName(text, expertNames);
}

/** The value the judge gave for "expert", or its whole answer when that is a single bare word. */
function candidateOf(text: string): string | null {
  const unfenced = text.replace(/```[a-zA-Z]*\s*([\s\S]*?)```/g, '$1').trim();
  for (const match of unfenced.matchAll(/\{[^{}]*\}/g)) {
    const value = expertField(match[0]);
    if (value !== null) return value;
  }
  const loose = /["']?expert["']?\s*[:=]\s*["']?([^"'\s,}]+)/i.exec(unfenced);
  if (loose?.[1] !== undefined) return loose[1];
  const bare = unfenced.replace(/^["'`\s]+|["'`.!\s]+$/g, '');
  return /^[\p{L}\p{N}_ -]{1,64}$/u.test(bare) && bare.split(/\s+/).length <= 3 ? bare : null;
}

function expertField(json: string): string | null {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const entry = Object.entries(parsed).find(([key]) => key.trim().toLowerCase() === 'expert');
    return typeof entry?.[1] === 'string' ? entry[1] : null;
  } catch {
    return null;
  }
}

const normalize = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Exact (ignoring case and separators), else a unique prefix either way (at least 3 characters). */
function matchName(candidate: string, names: readonly string[]): string | null {
  const wanted = normalize(candidate);
  if (wanted === '') return null;
  const exact = names.filter((name) => normalize(name) === wanted);
  if (exact.length === 1) return exact[0] ?? null;
  if (exact.length > 1) return null;
  if (wanted.length < 3) return null;
  const near = names.filter((name) => {
    const normal = normalize(name);
    return normal.length >= 3 && (normal.startsWith(wanted) || wanted.startsWith(normal));
  });
  return near.length === 1 ? (near[0] ?? null) : null;
}

/** Prose without a JSON answer: the one expert name it mentions as a word, if exactly one. */
function mentionedName(text: string, names: readonly string[]): string | null {
  const lower = text.toLowerCase();
  const found = names.filter((name) => {
    const escaped = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\p{N}_-])${escaped}(?![\\p{L}\\p{N}_-])`, 'u').test(lower);
  });
  return found.length === 1 ? (found[0] ?? null) : null;
}
