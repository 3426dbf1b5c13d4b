// The service tier that served a request (Usage.service_tier, as its provider named it), named as the
// client's API names it. OpenAI's "default" and Anthropic's "standard" are one tier: standard processing at
// standard prices (https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier,
// https://platform.claude.com/docs/en/api/service-tiers). A tier the client's vendor has no name for (OpenAI's
// "flex", Anthropic's "batch") keeps its provider's name rather than a guess.

/** For an OpenAI-shaped answer: absent when the upstream named none. */
export const openAIServiceTier = (tier: string): string | undefined => (tier === 'standard' ? 'default' : tier || undefined);

/** For an Anthropic usage object: null when the upstream named none. */
export const anthropicServiceTier = (tier: string | undefined): string | null => (tier === 'default' ? 'standard' : tier || null);
