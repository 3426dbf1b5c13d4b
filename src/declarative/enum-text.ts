// Enum values as a file writes them: short and lower case ("openai_compatible",
// "priority"), the full proto name ("PROVIDER_TYPE_OPENAI_COMPATIBLE") also
// accepted. Export writes the short form.
import type { DescEnum } from '@bufbuild/protobuf';

/** The full proto name for `text`, or undefined when the enum has no such value (or only its unspecified one). */
export function enumValueName(descriptor: DescEnum, text: string): string | undefined {
  const wanted = text.trim().toUpperCase().replace(/-/g, '_');
  const value = descriptor.values.find((candidate) => candidate.name === wanted || candidate.localName.toUpperCase() === wanted);
  if (!value || value.number === 0) return undefined;
  return value.name;
}

export function shortEnumNames(descriptor: DescEnum): string[] {
  return descriptor.values.filter((value) => value.number !== 0).map((value) => value.localName.toLowerCase());
}

/** "PROVIDER_TYPE_OPENAI_COMPATIBLE" → "openai_compatible". */
export function shortEnumName(descriptor: DescEnum, fullName: string): string {
  const value = descriptor.values.find((candidate) => candidate.name === fullName);
  return value ? value.localName.toLowerCase() : fullName;
}
