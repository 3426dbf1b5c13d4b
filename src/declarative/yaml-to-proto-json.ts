// Walks a parsed YAML document alongside a proto message's descriptor and
// returns the proto JSON for it — every field name, type and enum value
// checked on the way, so a mistake is reported at its line with its field
// path instead of as one opaque decoding error. Durations may be written as
// people write them ("30s", "5m"); enums short ("priority").
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { isMap, isScalar, isSeq, type LineCounter, type Node, type ParsedNode } from 'yaml';
import type { ConfigProblem } from './config-file-error.js';
import { DURATION_FORMS, parseDurationMs, protoDurationJson } from './durations.js';
import { enumValueName, shortEnumNames } from './enum-text.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface WalkContext {
  file: string;
  lines: LineCounter;
  problems: ConfigProblem[];
  /** Field path → "file:line:column" of the node, for problems, plan output and apply errors. */
  sources: Map<string, string>;
}

function sourceOf(context: WalkContext, node: Node | null | undefined): string {
  const offset = node?.range?.[0];
  if (offset === undefined) return context.file;
  const { line, col } = context.lines.linePos(offset);
  return `${context.file}:${line}:${col}`;
}

function problem(context: WalkContext, node: Node | null | undefined, path: string, message: string): undefined {
  context.problems.push({ source: sourceOf(context, node), path, message });
  return undefined;
}

export function walkMessage(context: WalkContext, descriptor: DescMessage, node: ParsedNode | null, path: string): Json | undefined {
  context.sources.set(path, sourceOf(context, node));
  if (node === null || (isScalar(node) && node.value === null)) return {};
  if (!isMap(node)) return problem(context, node, path, `expected a mapping of ${descriptor.name} fields`);
  const result: Record<string, Json> = {};
  for (const pair of node.items) {
    const keyNode = pair.key as ParsedNode | null;
    const name = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (name === undefined) {
      problem(context, keyNode, path, 'expected a field name');
      continue;
    }
    const field = descriptor.fields.find((candidate) => candidate.name === name || candidate.jsonName === name);
    const fieldPath = path === '' ? name : `${path}.${name}`;
    if (!field) {
      const known = descriptor.fields.map((candidate) => candidate.name).join(', ');
      problem(context, keyNode, fieldPath, `unknown field (${descriptor.name} has: ${known})`);
      continue;
    }
    if (field.name in result) {
      problem(context, keyNode, fieldPath, 'set twice');
      continue;
    }
    context.sources.set(fieldPath, sourceOf(context, keyNode));
    const valueNode = pair.value as ParsedNode | null;
    if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) continue; // `field:` alone = unset
    const value = walkField(context, field, valueNode, fieldPath);
    if (value !== undefined) result[field.name] = value;
  }
  return result;
}

function walkField(context: WalkContext, field: DescField, node: ParsedNode, path: string): Json | undefined {
  switch (field.fieldKind) {
    case 'scalar':
      return walkScalar(context, field.scalar, node, path);
    case 'enum':
      return walkEnum(context, field.enum, node, path);
    case 'message':
      return walkMessageValue(context, field.message, node, path);
    case 'list': {
      if (!isSeq(node)) return problem(context, node, path, 'expected a list');
      const items: Json[] = [];
      node.items.forEach((item, index) => {
        const itemPath = `${path}[${index}]`;
        const itemNode = item as ParsedNode | null;
        const value =
          field.listKind === 'scalar'
            ? walkScalar(context, field.scalar, itemNode, itemPath)
            : field.listKind === 'enum'
              ? walkEnum(context, field.enum, itemNode, itemPath)
              : walkMessageValue(context, field.message, itemNode, itemPath);
        if (value !== undefined) items.push(value);
      });
      return items;
    }
    case 'map': {
      if (!isMap(node)) return problem(context, node, path, 'expected a mapping');
      const entries: Record<string, Json> = {};
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) {
          problem(context, pair.key as ParsedNode, path, 'expected a key');
          continue;
        }
        if (field.mapKind !== 'scalar') {
          problem(context, pair.value as ParsedNode, `${path}.${key}`, 'only maps of scalars are supported here');
          continue;
        }
        const value = walkScalar(context, field.scalar, pair.value as ParsedNode | null, `${path}.${key}`);
        if (value !== undefined) entries[key] = value;
      }
      return entries;
    }
  }
}

function walkMessageValue(context: WalkContext, descriptor: DescMessage, node: ParsedNode | null, path: string): Json | undefined {
  if (descriptor.typeName === 'google.protobuf.Duration') {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'number' && value >= 0) return protoDurationJson(value * 1000);
    const milliseconds = typeof value === 'string' ? parseDurationMs(value.replace(/^(\d+(?:\.\d+)?)s$/, '$1s')) : undefined;
    if (milliseconds === undefined) return problem(context, node, path, `expected ${DURATION_FORMS}`);
    return protoDurationJson(milliseconds);
  }
  if (descriptor.typeName === 'google.protobuf.Timestamp') {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      return problem(context, node, path, 'expected an RFC 3339 time such as 2027-01-31T00:00:00Z');
    }
    return new Date(Date.parse(value)).toISOString();
  }
  return walkMessage(context, descriptor, node, path);
}

function walkEnum(context: WalkContext, descriptor: DescEnum, node: ParsedNode | null, path: string): Json | undefined {
  const value = isScalar(node) ? node.value : undefined;
  const name = typeof value === 'string' ? enumValueName(descriptor, value) : undefined;
  if (name === undefined) return problem(context, node, path, `expected one of: ${shortEnumNames(descriptor).join(', ')}`);
  return name;
}

const INTEGER_RANGES: Partial<Record<ScalarType, [number, number]>> = {
  [ScalarType.INT32]: [-(2 ** 31), 2 ** 31 - 1],
  [ScalarType.SINT32]: [-(2 ** 31), 2 ** 31 - 1],
  [ScalarType.SFIXED32]: [-(2 ** 31), 2 ** 31 - 1],
  [ScalarType.UINT32]: [0, 2 ** 32 - 1],
  [ScalarType.FIXED32]: [0, 2 ** 32 - 1],
  [ScalarType.INT64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [ScalarType.SINT64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [ScalarType.SFIXED64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [ScalarType.UINT64]: [0, Number.MAX_SAFE_INTEGER],
  [ScalarType.FIXED64]: [0, Number.MAX_SAFE_INTEGER],
};

function walkScalar(context: WalkContext, type: ScalarType, node: ParsedNode | null, path: string): Json | undefined {
  const value = isScalar(node) ? node.value : undefined;
  switch (type) {
    case ScalarType.STRING:
      // A number or a boolean where text is expected is what the author meant as text (e.g. a version "2024").
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
      return problem(context, node, path, 'expected text');
    case ScalarType.BOOL:
      if (typeof value === 'boolean') return value;
      return problem(context, node, path, 'expected true or false');
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      return problem(context, node, path, 'expected a number');
    case ScalarType.BYTES:
      return problem(context, node, path, 'bytes fields are not supported in the file');
    default: {
      const [min, max] = INTEGER_RANGES[type] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
      return problem(context, node, path, `expected a whole number from ${min} to ${max}`);
    }
  }
}
