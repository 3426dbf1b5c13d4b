// Which fields a partial update sets. With an update mask, exactly the named
// fields (so a field can be cleared). Without one, every field the request
// carries: scalars when present, lists and maps when non-empty, messages when set.
// The set is typed by the fields listed, so asking it about a field that is not
// updatable does not compile. A refused path lists the updatable fields in both
// spellings a caller may use.
import type { FieldMask } from '@bufbuild/protobuf/wkt';
import { invalidArgument } from '../../domain/gateway-error.js';

export function fieldsToUpdate<Field extends string>(
  mask: FieldMask | undefined,
  presentByField: Record<Field, boolean>,
): ReadonlySet<Field> {
  const known = Object.keys(presentByField) as Field[];
  if (mask && mask.paths.length > 0) {
    for (const path of mask.paths) {
      if (!(known as string[]).includes(path)) {
        throw invalidArgument('update_mask', `unknown or immutable field "${path}"; updatable: ${known.map(bothSpellings).join(', ')}`);
      }
    }
    return new Set(mask.paths as Field[]);
  }
  const present = known.filter((field) => presentByField[field]);
  if (present.length === 0) throw invalidArgument('update_mask', 'the request changes nothing');
  return new Set(present);
}

/**
 * Mask paths are proto field names (snake_case), which gRPC and binary callers send; Connect JSON
 * callers must write them in lowerCamelCase (https://protobuf.dev/programming-guides/json/): both, where they differ.
 */
function bothSpellings(field: string): string {
  const camel = field.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  return camel === field ? field : `${field} (JSON: ${camel})`;
}
