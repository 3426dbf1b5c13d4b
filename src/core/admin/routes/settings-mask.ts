// UpdateRoute's field-level mask paths under `settings` (`settings.max_retries`; Connect JSON callers write
// `settings.maxRetries`, which decodes to the same path): each names one setting, set from the request (unset:
// its default) while the route's other settings are kept. The path `settings` alone, or a request that
// carries `settings` without a mask, replaces them all (UpdateKeyRequest's rule for messages).
import { create } from '@bufbuild/protobuf';
import type { FieldMask } from '@bufbuild/protobuf/wkt';
import { RouteSettingsSchema, type RouteSettings } from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import type { RouteSettingsRecord } from '../../../domain/route.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { routeSettingsToProto } from './route-conversion.js';

const PREFIX = 'settings.';

export interface SettingsMask {
  /** The mask without its `settings.*` paths (undefined when the request had none). */
  rest: FieldMask | undefined;
  /** The settings those paths name (proto field names); empty when none. */
  settings: readonly string[];
}

export function splitSettingsMask(mask: FieldMask | undefined): SettingsMask {
  if (!mask || !mask.paths.some((path) => path.startsWith(PREFIX))) return { rest: mask, settings: [] };
  const known = RouteSettingsSchema.fields.map((field) => field.name);
  const settings: string[] = [];
  const rest: string[] = [];
  for (const path of mask.paths) {
    if (!path.startsWith(PREFIX)) {
      rest.push(path);
      continue;
    }
    const name = path.slice(PREFIX.length);
    if (!known.includes(name)) {
      const listed = known.map((field) => `${PREFIX}${field}${field.includes('_') ? ` (JSON: ${PREFIX}${camel(field)})` : ''}`).join(', ');
      throw invalidArgument('update_mask', `unknown field "${path}"; the settings are ${listed}`);
    }
    settings.push(name);
  }
  if (rest.includes('settings')) {
    throw invalidArgument('update_mask', `"settings" (all of them) and "${PREFIX}${settings[0]}" overlap: name one or the other`);
  }
  return { rest: { ...mask, paths: rest }, settings };
}

/** The stored settings with the named ones taken from the request (left unset there: back to their defaults). */
export function mergedSettings(stored: RouteSettingsRecord, request: RouteSettings | undefined, names: readonly string[]): RouteSettings {
  const merged = routeSettingsToProto(stored) as unknown as Record<string, unknown>;
  const source = (request ?? create(RouteSettingsSchema)) as unknown as Record<string, unknown>;
  for (const field of RouteSettingsSchema.fields) {
    if (names.includes(field.name)) merged[field.localName] = source[field.localName];
  }
  return merged as unknown as RouteSettings;
}

const camel = (field: string) => field.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
