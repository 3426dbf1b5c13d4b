// Answers one gRPC server reflection request from the DescriptorIndex. The
// shapes below are the version-neutral parts of grpc.reflection.v1 and
// grpc.reflection.v1alpha (identical wire contracts), so both services share
// this logic.

import { Code } from '@connectrpc/connect';
import type { DescriptorIndex } from './descriptor-index.js';

/** The `message_request` oneof of ServerReflectionRequest (v1 or v1alpha). */
export type ReflectionQuery =
  | { case: 'fileByFilename'; value: string }
  | { case: 'fileContainingSymbol'; value: string }
  | { case: 'fileContainingExtension'; value: { containingType: string; extensionNumber: number } }
  | { case: 'allExtensionNumbersOfType'; value: string }
  | { case: 'listServices'; value: string }
  | { case: undefined; value?: undefined };

/** The `message_response` oneof of ServerReflectionResponse (v1 or v1alpha). */
export type ReflectionAnswer =
  | { case: 'fileDescriptorResponse'; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: 'allExtensionNumbersResponse'; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: 'listServicesResponse'; value: { service: { name: string }[] } }
  | { case: 'errorResponse'; value: { errorCode: number; errorMessage: string } };

export function answerReflectionQuery(index: DescriptorIndex, query: ReflectionQuery): ReflectionAnswer {
  switch (query.case) {
    case 'listServices':
      return {
        case: 'listServicesResponse',
        value: { service: index.services.map((name) => ({ name })) },
      };
    case 'fileByFilename':
      return filesOf(index, query.value) ?? notFound(`file not found: ${query.value}`);
    case 'fileContainingSymbol': {
      const symbol = query.value.replace(/^\./, '');
      const fileName = index.fileOfSymbol.get(symbol);
      return (fileName !== undefined ? filesOf(index, fileName) : undefined) ?? notFound(`symbol not found: ${symbol}`);
    }
    case 'fileContainingExtension': {
      const { containingType, extensionNumber } = query.value;
      const typeName = containingType.replace(/^\./, '');
      const numbers = index.extensionsOf.get(typeName);
      if (numbers === undefined) return notFound(`message type not found: ${typeName}`);
      const fileName = numbers.get(extensionNumber);
      return (fileName !== undefined ? filesOf(index, fileName) : undefined) ??
        notFound(`extension not found: ${typeName} field number ${extensionNumber}`);
    }
    case 'allExtensionNumbersOfType': {
      const typeName = query.value.replace(/^\./, '');
      const numbers = index.extensionsOf.get(typeName);
      if (numbers === undefined) return notFound(`message type not found: ${typeName}`);
      return {
        case: 'allExtensionNumbersResponse',
        value: { baseTypeName: typeName, extensionNumber: [...numbers.keys()].sort((a, b) => a - b) },
      };
    }
    case undefined:
      return error(Code.InvalidArgument, 'ServerReflectionRequest has no message_request set');
  }
}

function filesOf(index: DescriptorIndex, fileName: string): ReflectionAnswer | undefined {
  const files = index.fileWithDeps.get(fileName);
  if (files === undefined) return undefined;
  return { case: 'fileDescriptorResponse', value: { fileDescriptorProto: [...files] } };
}

function notFound(message: string): ReflectionAnswer {
  return error(Code.NotFound, message);
}

function error(code: Code, message: string): ReflectionAnswer {
  return { case: 'errorResponse', value: { errorCode: code, errorMessage: message } };
}
