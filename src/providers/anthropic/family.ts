// Constants of the Anthropic family.

/** ReasoningPart.provider_type of thinking this family produces and accepts back. */
export const ANTHROPIC_PROVIDER_TYPE = 'anthropic';
/** How warnings name the vendor. */
export const ANTHROPIC_LABEL = 'anthropic';
