// Tools and tool choice → Gemini `tools[{functionDeclarations}]` + `toolConfig`.
// Schemas go in `parametersJsonSchema` UNCHANGED: that field takes real JSON
// Schema ($ref/$defs/anyOf/additionalProperties), whereas `parameters` is the
// OpenAPI subset that rejects those keys (docs/provider-wire-formats.md,
// "Gemini API, Request" and Pitfall 10), so
// no lossy sanitising is needed.
import { ToolChoiceMode, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';
import { unsupportedParameter } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import { GEMINI_LABEL } from './family.js';
import type { GeminiTool, GeminiToolConfig } from './wire-types.js';

export interface ConvertedTools {
  tools: GeminiTool[] | undefined;
  toolConfig: GeminiToolConfig | undefined;
}

export function convertTools(request: ChatRequest, warnings: WarningCollector): ConvertedTools {
  const tools =
    request.tools.length === 0
      ? undefined
      : [
          {
            functionDeclarations: request.tools.map((tool) => {
              if (tool.strict) {
                warnings.add(unsupportedParameter('tools.strict', GEMINI_LABEL, 'function declarations have no strict flag'));
              }
              return {
                name: tool.name,
                ...(tool.description !== '' ? { description: tool.description } : {}),
                ...(tool.parameters !== undefined ? { parametersJsonSchema: tool.parameters } : {}),
              };
            }),
          },
        ];
  if (request.parallelToolCalls === false) {
    warnings.add(
      unsupportedParameter('parallel_tool_calls', GEMINI_LABEL, 'Gemini cannot be told to call at most one function per turn'),
    );
  }
  return { tools, toolConfig: convertToolChoice(request) };
}

function convertToolChoice(request: ChatRequest): GeminiToolConfig | undefined {
  const choice = request.toolChoice;
  switch (choice?.mode ?? ToolChoiceMode.UNSPECIFIED) {
    case ToolChoiceMode.AUTO:
      return { functionCallingConfig: { mode: 'AUTO' } };
    case ToolChoiceMode.NONE:
      return { functionCallingConfig: { mode: 'NONE' } };
    case ToolChoiceMode.REQUIRED:
      return { functionCallingConfig: { mode: 'ANY' } };
    case ToolChoiceMode.TOOL:
      if (!choice?.toolName) throw invalidArgument('tool_choice.tool_name', 'is required with mode TOOL');
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.toolName] } };
    default:
      return undefined;
  }
}
