// Failover statuses another gateway used → the ones this gateway accepts. The
// rule is mirrored from route validation (core/routing/classify-failure.ts
// `kindThatNeverFailsOver`), which src/import may not import
// (docs/architecture.md): the client's own 4xx never fail over here, so a route
// listing one is refused; every 5xx, 401–403 (the gateway's credentials at that
// provider), 404 (a model one provider retired), 408, 409 and 429 may be listed.
const LISTABLE_4XX: ReadonlySet<number> = new Set([401, 402, 403, 404, 408, 409, 429]);

export const canFailOver = (status: number): boolean =>
  Number.isInteger(status) && ((status >= 500 && status <= 599) || LISTABLE_4XX.has(status));

/** The statuses kept, and those dropped (to report). */
export function failoverStatusesHere(statuses: number[]): { kept: number[]; dropped: number[] } {
  return { kept: statuses.filter(canFailOver), dropped: statuses.filter((status) => !canFailOver(status)) };
}
