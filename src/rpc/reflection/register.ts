// Wires the gRPC server reflection services (grpc.reflection.v1 and the older
// grpc.reflection.v1alpha) into a Connect router.

import { create, type DescFile } from '@bufbuild/protobuf';
import type { ConnectRouter } from '@connectrpc/connect';
import * as v1 from '../../../gen/grpc/reflection/v1/reflection_pb.js';
import * as v1alpha from '../../../gen/grpc/reflection/v1alpha/reflection_pb.js';
import { answerReflectionQuery } from './answer.js';
import { buildDescriptorIndex } from './descriptor-index.js';

/**
 * Registers `grpc.reflection.v1.ServerReflection` and
 * `grpc.reflection.v1alpha.ServerReflection` on `router`, describing the
 * services declared in `files` (plus the two reflection services). Every
 * transitive dependency of `files` is served too, so clients never need
 * another schema source. The lookup index is built here, once.
 */
export function registerReflection(router: ConnectRouter, files: readonly DescFile[]): void {
  const index = buildDescriptorIndex([
    ...files,
    v1.file_grpc_reflection_v1_reflection,
    v1alpha.file_grpc_reflection_v1alpha_reflection,
  ]);

  // Each request on the stream gets exactly one response, in request order;
  // errors are reported in-band (error_response) and keep the stream open.
  router.service(v1.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        yield create(v1.ServerReflectionResponseSchema, {
          validHost: request.host,
          originalRequest: request,
          messageResponse: answerReflectionQuery(index, request.messageRequest),
        });
      }
    },
  });
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        yield create(v1alpha.ServerReflectionResponseSchema, {
          validHost: request.host,
          originalRequest: request,
          messageResponse: answerReflectionQuery(index, request.messageRequest),
        });
      }
    },
  });
}
