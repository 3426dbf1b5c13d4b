// Warnings: a parameter the provider cannot honour is reported, never dropped silently.
import { create } from '@bufbuild/protobuf';
import { WarningSchema, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';

export function unsupportedParameter(param: string, providerLabel: string, detail = ''): Warning {
  return create(WarningSchema, {
    code: 'unsupported_parameter',
    param,
    message: `${providerLabel} does not support ${param}${detail ? `: ${detail}` : ''}; it was not sent`,
  });
}

/** An unsupported_parameter warning whose message says what happened instead of "not sent". */
export function unsupportedParameterNotice(param: string, message: string): Warning {
  return create(WarningSchema, { code: 'unsupported_parameter', param, message });
}

/** A content part (or a message field) this provider has no place for; it was left out. */
export function unsupportedContent(param: string, message: string): Warning {
  return create(WarningSchema, { code: 'unsupported_content', param, message });
}

/** Reasoning another provider produced: its signatures are model-bound, so it cannot be sent here. */
export function reasoningDropped(param: string, message: string): Warning {
  return create(WarningSchema, { code: 'reasoning_dropped', param, message });
}

export function defaultApplied(param: string, message: string): Warning {
  return create(WarningSchema, { code: 'default_applied', param, message });
}

export function parameterAdjusted(param: string, message: string): Warning {
  return create(WarningSchema, { code: 'parameter_adjusted', param, message });
}
