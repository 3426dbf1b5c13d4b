// Constants of the Gemini family.

/** ReasoningPart.provider_type of signatures this family produces and accepts. */
export const GEMINI_PROVIDER_TYPE = 'gemini';
/** How warnings name the vendor. */
export const GEMINI_LABEL = 'Gemini';
