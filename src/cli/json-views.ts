// --json output: the proto messages in their canonical JSON form, the same
// shape the Connect API answers with.
import { toJson } from '@bufbuild/protobuf';
import { VirtualKeySchema, type VirtualKey } from '../../gen/llmgateway/v1/keys_service_pb.js';

export function keyJson(key: VirtualKey): unknown {
  return toJson(VirtualKeySchema, key);
}
