// Every OpenAI path also answers without its `/v1` prefix: clients configured
// with a base URL that lacks `/v1` (`http://gateway:8080`) call
// `/chat/completions`, `/models`, … The replaced gateway served both, so
// applications built on it keep working.
//
// One mechanism for every route, present and future: an onRoute hook records
// the first path segment of each route registered under `/v1/` (by any
// plugin), and Fastify's `rewriteUrl` puts `/v1` in front of a request whose
// first segment is one of those. A segment that some route also uses at the
// top level is never rewritten, so no existing route can be shadowed.
import type { IncomingMessage } from 'node:http';
import type { RouteOptions } from 'fastify';

export interface UnprefixedPaths {
  /** For `fastify.addHook('onRoute', …)`, added before any plugin registers routes. */
  onRoute(route: Pick<RouteOptions, 'url'>): void;
  /** For Fastify's `rewriteUrl` option. */
  rewriteUrl(request: Pick<IncomingMessage, 'url'>): string;
}

const PREFIX = '/v1/';

const firstSegment = (path: string): string => {
  const end = path.slice(1).search(/[/?:*]/);
  return end < 0 ? path.slice(1) : path.slice(1, end + 1);
};

export function createUnprefixedPaths(): UnprefixedPaths {
  const mirrored = new Set<string>();
  const topLevel = new Set<string>();
  return {
    onRoute({ url }) {
      if (url.startsWith(PREFIX)) mirrored.add(firstSegment(url.slice(PREFIX.length - 1)));
      else topLevel.add(firstSegment(url));
    },
    rewriteUrl({ url = '/' }) {
      if (url.startsWith(PREFIX)) return url;
      const segment = firstSegment(url);
      return segment !== '' && mirrored.has(segment) && !topLevel.has(segment) ? `/v1${url}` : url;
    },
  };
}
