// Names the Gemini surface shares with the rest of the gateway.

/** The provider type whose thought signatures pass through unmarked (the canonical ReasoningPart.provider_type). */
export const GEMINI_PROVIDER_TYPE = 'gemini';

/** Gemini names models `models/<id>`; the gateway's ids (`provider/model`, an alias, a route) follow the prefix. */
export const modelResourceName = (id: string): string => `models/${id}`;
