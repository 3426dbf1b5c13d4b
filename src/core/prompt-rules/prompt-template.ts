// Prompt-rule templates: `{{date}}`, `{{datetime}}`, `{{key.name}}`, `{{metadata.NAME}}`,
// `{{user_prompt}}` (spaces inside the braces allowed). Checked at save time; expanded
// in one pass, so a value that itself contains `{{…}}` is inserted literally.
import { invalidArgument } from '../../domain/gateway-error.js';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FIXED_VARIABLES: ReadonlySet<string> = new Set(['date', 'datetime', 'key.name', 'user_prompt']);
const METADATA_VARIABLE = /^metadata\.([A-Za-z0-9_.:-]{1,128})$/;

export const KNOWN_TEMPLATE_VARIABLES = '{{date}}, {{datetime}}, {{key.name}}, {{metadata.NAME}}, {{user_prompt}}';

/** Throws InvalidArgument naming `field` and the first unknown variable. */
export function validateTemplate(field: string, template: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const variable = match[1] ?? '';
    if (!FIXED_VARIABLES.has(variable) && !METADATA_VARIABLE.test(variable)) {
      throw invalidArgument(field, `unknown template variable "{{${variable}}}"; known: ${KNOWN_TEMPLATE_VARIABLES}`);
    }
  }
}

export interface TemplateValues {
  now: Date;
  keyName: string;
  /** Looked up first. */
  keyMetadata: Readonly<Record<string, string>>;
  /** Looked up when the key has no such entry. */
  requestMetadata: Readonly<Record<string, string>>;
  userPrompt: string;
}

/** Expands every known variable; unknown ones (impossible after validation) and missing metadata become ''. */
export function expandTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    switch (name) {
      case 'date':
        return values.now.toISOString().slice(0, 10);
      case 'datetime':
        return values.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
      case 'key.name':
        return values.keyName;
      case 'user_prompt':
        return values.userPrompt;
      default: {
        const metadata = METADATA_VARIABLE.exec(name)?.[1];
        if (metadata === undefined) return '';
        if (Object.hasOwn(values.keyMetadata, metadata)) return values.keyMetadata[metadata] ?? '';
        if (Object.hasOwn(values.requestMetadata, metadata)) return values.requestMetadata[metadata] ?? '';
        return '';
      }
    }
  });
}
