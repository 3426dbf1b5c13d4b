// PromptRulesService: thin — decode, call the prompt-rule admin, encode.
import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  CreatePromptRuleResponseSchema,
  DeletePromptRuleResponseSchema,
  GetPromptRuleResponseSchema,
  ListPromptRulesResponseSchema,
  PromptRulesService,
  UpdatePromptRuleResponseSchema,
} from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { PromptRuleAdmin } from '../core/admin/prompt-rules/prompt-rule-admin.js';

export function promptRulesService(admin: PromptRuleAdmin): ServiceImpl<typeof PromptRulesService> {
  return {
    createPromptRule: async (request) => create(CreatePromptRuleResponseSchema, { rule: await admin.create(request) }),
    getPromptRule: async (request) => create(GetPromptRuleResponseSchema, { rule: await admin.get(request.id) }),
    listPromptRules: async (request) => create(ListPromptRulesResponseSchema, await admin.list(request)),
    updatePromptRule: async (request) => create(UpdatePromptRuleResponseSchema, { rule: await admin.update(request) }),
    deletePromptRule: async (request) => {
      await admin.delete(request.id);
      return create(DeletePromptRuleResponseSchema);
    },
  };
}
