// An upstream answering a redirect (any 3xx) is never followed: following one
// would send the provider's credentials — its API key header, every extra
// header — and the prompt to wherever the `location` points, and serve that
// host's answer as the provider's. An LLM API does not redirect its calls, so a
// 3xx means the provider's base URL is wrong (an old endpoint, http instead of
// https, a proxy's login page): the call fails with the origin named, for the
// operator to fix the configuration (docs/errors.md, "HTTP 3xx").

export class UpstreamRedirect extends Error {
  constructor(
    readonly redirectStatus: number,
    /** scheme://host[:port] of the location, when it names one; never its path or query (they may carry tokens). */
    readonly origin: string | undefined,
  ) {
    super(`the upstream answered HTTP ${redirectStatus}${origin ? `, a redirect to ${origin}` : ''} \u2014 not followed`);
    this.name = 'UpstreamRedirect';
  }
}

export const isRedirectStatus = (status: number): boolean => status >= 300 && status < 400;

/** The redirect an answer is, resolving a relative `location` against the URL that was called. */
export function upstreamRedirect(status: number, location: string | null | undefined, calledUrl: string): UpstreamRedirect {
  return new UpstreamRedirect(status, originOf(location, calledUrl));
}

function originOf(location: string | null | undefined, calledUrl: string): string | undefined {
  if (!location) return undefined;
  try {
    const { protocol, origin } = new URL(location, calledUrl);
    return protocol === 'http:' || protocol === 'https:' ? origin : undefined;
  } catch {
    return undefined;
  }
}
