// Lookup index behind the gRPC server reflection service: built once from the
// served DescFiles, then only read while answering requests.

import { toBinary, type DescFile } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  type DescriptorProto,
  type EnumDescriptorProto,
  type FieldDescriptorProto,
} from '@bufbuild/protobuf/wkt';

export interface DescriptorIndex {
  /** Full names of the served services, in registration order. */
  readonly services: readonly string[];
  /**
   * File name (e.g. `llmgateway/v1/keys_service.proto`) → serialized
   * FileDescriptorProtos of that file followed by all of its transitive
   * dependencies (each file once).
   */
  readonly fileWithDeps: ReadonlyMap<string, readonly Uint8Array[]>;
  /**
   * Fully-qualified symbol (service, method, message, field, oneof, enum,
   * enum value or extension) → name of the file declaring it.
   */
  readonly fileOfSymbol: ReadonlyMap<string, string>;
  /**
   * Message type name → (extension field number → name of the file declaring
   * the extension). Every known message has an entry, usually empty.
   */
  readonly extensionsOf: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

/**
 * Indexes `files`, their transitive dependencies, and lists the services
 * declared in `files` themselves. Where two DescFiles share a name, or two
 * declarations share a symbol, the first one wins.
 */
export function buildDescriptorIndex(files: readonly DescFile[]): DescriptorIndex {
  const byName = collectFiles(files);
  const fileOfSymbol = new Map<string, string>();
  const extensionsOf = new Map<string, Map<number, string>>();
  for (const file of byName.values()) {
    indexSymbols(file, fileOfSymbol, extensionsOf);
  }

  const services: string[] = [];
  for (const file of files) {
    for (const service of file.services) {
      if (!services.includes(service.typeName)) services.push(service.typeName);
    }
  }

  const bytes = new Map<string, Uint8Array>();
  for (const [name, file] of byName) {
    bytes.set(name, toBinary(FileDescriptorProtoSchema, file.proto));
  }
  const fileWithDeps = new Map<string, readonly Uint8Array[]>();
  for (const [name, file] of byName) {
    fileWithDeps.set(
      name,
      closure(file).map((f) => bytes.get(f.proto.name) ?? toBinary(FileDescriptorProtoSchema, f.proto)),
    );
  }

  return { services, fileWithDeps, fileOfSymbol, extensionsOf };
}

/** All given files and their transitive dependencies, keyed by file name. */
function collectFiles(files: readonly DescFile[]): Map<string, DescFile> {
  const byName = new Map<string, DescFile>();
  for (const file of files) {
    for (const f of closure(file)) {
      if (!byName.has(f.proto.name)) byName.set(f.proto.name, f);
    }
  }
  return byName;
}

/** `file` first, then its transitive dependencies breadth-first, each once. */
function closure(file: DescFile): DescFile[] {
  const seen = new Set<string>([file.proto.name]);
  const out: DescFile[] = [file];
  for (let i = 0; i < out.length; i++) {
    for (const dep of out[i]?.dependencies ?? []) {
      if (seen.has(dep.proto.name)) continue;
      seen.add(dep.proto.name);
      out.push(dep);
    }
  }
  return out;
}

function indexSymbols(
  file: DescFile,
  fileOfSymbol: Map<string, string>,
  extensionsOf: Map<string, Map<number, string>>,
): void {
  const fileName = file.proto.name;
  const pkg = file.proto.package;
  const add = (symbol: string): void => {
    if (!fileOfSymbol.has(symbol)) fileOfSymbol.set(symbol, fileName);
  };
  const qualify = (scope: string, name: string): string => (scope === '' ? name : `${scope}.${name}`);

  const addEnum = (scope: string, e: EnumDescriptorProto): void => {
    add(qualify(scope, e.name));
    // Enum values are scoped like siblings of their enum (C++ scoping rules).
    for (const value of e.value) add(qualify(scope, value.name));
  };
  const addExtension = (scope: string, ext: FieldDescriptorProto): void => {
    add(qualify(scope, ext.name));
    const extendee = ext.extendee.replace(/^\./, '');
    let numbers = extensionsOf.get(extendee);
    if (numbers === undefined) {
      numbers = new Map();
      extensionsOf.set(extendee, numbers);
    }
    if (!numbers.has(ext.number)) numbers.set(ext.number, fileName);
  };
  const addMessage = (scope: string, m: DescriptorProto): void => {
    const typeName = qualify(scope, m.name);
    add(typeName);
    if (!extensionsOf.has(typeName)) extensionsOf.set(typeName, new Map());
    for (const field of m.field) add(qualify(typeName, field.name));
    for (const oneof of m.oneofDecl) add(qualify(typeName, oneof.name));
    for (const nested of m.nestedType) addMessage(typeName, nested);
    for (const e of m.enumType) addEnum(typeName, e);
    for (const ext of m.extension) addExtension(typeName, ext);
  };

  for (const m of file.proto.messageType) addMessage(pkg, m);
  for (const e of file.proto.enumType) addEnum(pkg, e);
  for (const ext of file.proto.extension) addExtension(pkg, ext);
  for (const service of file.proto.service) {
    const serviceName = qualify(pkg, service.name);
    add(serviceName);
    for (const method of service.method) add(qualify(serviceName, method.name));
  }
}
