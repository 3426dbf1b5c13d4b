import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  CreateKeyResponseSchema,
  DeleteKeyResponseSchema,
  GetKeyResponseSchema,
  KeysService,
  ListKeysResponseSchema,
  RevokeKeyResponseSchema,
  RotateKeyResponseSchema,
  UpdateKeyResponseSchema,
} from '../../gen/llmgateway/v1/keys_service_pb.js';
import type { KeyAdmin } from '../core/admin/keys/key-admin.js';

export function keysService(admin: KeyAdmin): ServiceImpl<typeof KeysService> {
  return {
    createKey: async (request) => create(CreateKeyResponseSchema, await admin.create(request)),
    getKey: async (request) => create(GetKeyResponseSchema, { key: await admin.get(request.id) }),
    listKeys: async (request) => create(ListKeysResponseSchema, await admin.list(request)),
    updateKey: async (request) => create(UpdateKeyResponseSchema, { key: await admin.update(request) }),
    rotateKey: async (request) => create(RotateKeyResponseSchema, await admin.rotate(request)),
    revokeKey: async (request) => create(RevokeKeyResponseSchema, { key: await admin.revoke(request.id) }),
    deleteKey: async (request) => {
      await admin.delete(request.id);
      return create(DeleteKeyResponseSchema);
    },
  };
}
