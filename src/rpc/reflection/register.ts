// Wires the gRPC server reflection services (grpc.reflection.v1 and the older
// grpc.reflection.v1alpha) into a Connect router.

import { create, type DescFile } from '@bufbuild/protobuf';
import type { ConnectRouter } from '@connectrpc/connect';
import * as v1 from '../../../gen/grpc/reflection/v1/reflection_pb.js';
import * as v1alpha from '../../../gen/grpc/reflection/v1alpha/reflection_pb.js';
import { answerReflectionQuery, type ReflectionAnswer, type ReflectionQuery } from './answer.js';
import { buildDescriptorIndex, type DescriptorIndex } from './descriptor-index.js';

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

  router.service(v1.ServerReflection, {
    serverReflectionInfo: (requests) =>
      answerEach(index, requests, (request, messageResponse) =>
        create(v1.ServerReflectionResponseSchema, { validHost: request.host, originalRequest: request, messageResponse }),
      ),
  });
  router.service(v1alpha.ServerReflection, {
    serverReflectionInfo: (requests) =>
      answerEach(index, requests, (request, messageResponse) =>
        create(v1alpha.ServerReflectionResponseSchema, { validHost: request.host, originalRequest: request, messageResponse }),
      ),
  });
}

/**
 * The stream both versions serve: each request gets exactly one response, in
 * request order; errors are reported in-band (error_response) and keep the
 * stream open. `respond` wraps the answer in the version's response message.
 */
async function* answerEach<Request extends { messageRequest: ReflectionQuery }, Response>(
  index: DescriptorIndex,
  requests: AsyncIterable<Request>,
  respond: (request: Request, answer: ReflectionAnswer) => Response,
): AsyncGenerator<Response> {
  for await (const request of requests) yield respond(request, answerReflectionQuery(index, request.messageRequest));
}
