// The GATEWAY_RESPONSES_* variables: how long the Responses API keeps stored
// responses (POST /v1/responses with `store`, README "OpenAI Responses API").

export interface ResponsesConfig {
  /** Stored responses older than this many days are deleted in the background; 0 keeps them forever. */
  retentionDays: number;
}

/** What this file needs of config.ts's reader (a narrow view, so the two files do not import each other). */
export interface VariableReader {
  integer(name: string, minimum: number, maximum: number, fallback: number): number;
}

/** OpenAI keeps stored responses 30 days by default; so does the gateway. */
export const DEFAULT_RESPONSES_RETENTION_DAYS = 30;

export function readResponsesConfig(read: VariableReader): ResponsesConfig {
  return { retentionDays: read.integer('GATEWAY_RESPONSES_RETENTION_DAYS', 0, 36_500, DEFAULT_RESPONSES_RETENTION_DAYS) };
}
