// Which fields a partial update sets. With an update mask, exactly the named
// fields (so a field can be cleared). Without one, every field the request
// carries: scalars when present, lists and maps when non-empty, messages when set.
import type { FieldMask } from '@bufbuild/protobuf/wkt';
import { invalidArgument } from '../../domain/gateway-error.js';

export function fieldsToUpdate(
  mask: FieldMask | undefined,
  presentByField: Record<string, boolean>,
): Set<string> {
  const known = Object.keys(presentByField);
  if (mask && mask.paths.length > 0) {
    for (const path of mask.paths) {
      if (!known.includes(path)) {
        throw invalidArgument('update_mask', `unknown or immutable field "${path}"; updatable: ${known.join(', ')}`);
      }
    }
    return new Set(mask.paths);
  }
  const present = known.filter((field) => presentByField[field]);
  if (present.length === 0) throw invalidArgument('update_mask', 'the request changes nothing');
  return new Set(present);
}
