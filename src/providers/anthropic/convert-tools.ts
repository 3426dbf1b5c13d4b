// Canonical tools and tool choice → Anthropic `tools` / `tool_choice`.
// auto↔auto, required↔any, named↔{type:tool,name}, none↔none;
// parallel_tool_calls:false ↔ disable_parallel_tool_use:true.
// With thinking enabled the API accepts only auto/none: a forced choice is
// relaxed to auto with a warning rather than failing upstream. A tool's cache
// breakpoint goes on its definition as `cache_control` (convert-cache-control.ts).
import type { JsonObject } from '@bufbuild/protobuf';
import { ToolChoiceMode, type ChatRequest, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parameterAdjusted, unsupportedParameter } from '../shared/warnings.js';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-client.js';
import { cacheControl } from './convert-cache-control.js';
import { ANTHROPIC_LABEL } from './family.js';

export interface ConvertedTools {
  tools: AnthropicTool[] | undefined;
  toolChoice: AnthropicToolChoice | undefined;
  warnings: Warning[];
}

export function convertTools(request: ChatRequest, thinkingEnabled: boolean): ConvertedTools {
  const warnings: Warning[] = [];
  if (request.tools.length === 0) {
    const mode = request.toolChoice?.mode ?? ToolChoiceMode.UNSPECIFIED;
    if (mode === ToolChoiceMode.REQUIRED || mode === ToolChoiceMode.TOOL) {
      warnings.push(unsupportedParameter('tool_choice', ANTHROPIC_LABEL, 'a forced tool choice needs tools'));
    }
    return { tools: undefined, toolChoice: undefined, warnings };
  }
  const tools = request.tools.map((tool): AnthropicTool => {
    const converted: AnthropicTool = { name: tool.name, input_schema: inputSchema(tool.parameters) };
    if (tool.description !== '') converted.description = tool.description;
    if (tool.strict) converted.strict = true;
    if (tool.cacheBreakpoint !== undefined) converted.cache_control = cacheControl(tool.cacheBreakpoint);
    return converted;
  });
  return { tools, toolChoice: toolChoice(request, thinkingEnabled, warnings), warnings };
}

function toolChoice(request: ChatRequest, thinkingEnabled: boolean, warnings: Warning[]): AnthropicToolChoice | undefined {
  let mode = request.toolChoice?.mode ?? ToolChoiceMode.UNSPECIFIED;
  const toolName = request.toolChoice?.toolName ?? '';
  if (thinkingEnabled && (mode === ToolChoiceMode.REQUIRED || mode === ToolChoiceMode.TOOL)) {
    warnings.push(
      parameterAdjusted('tool_choice', 'anthropic allows only tool_choice auto or none while thinking is enabled; auto was sent'),
    );
    mode = ToolChoiceMode.AUTO;
  }
  const disableParallel = request.parallelToolCalls === false;
  switch (mode) {
    case ToolChoiceMode.NONE:
      return { type: 'none' };
    case ToolChoiceMode.REQUIRED:
      return withParallel({ type: 'any' }, disableParallel);
    case ToolChoiceMode.TOOL:
      return withParallel({ type: 'tool', name: toolName }, disableParallel);
    case ToolChoiceMode.AUTO:
      return withParallel({ type: 'auto' }, disableParallel);
    default:
      // Unspecified: the API's default is auto; only say so when parallelism must be switched off.
      return disableParallel ? { type: 'auto', disable_parallel_tool_use: true } : undefined;
  }
}

function withParallel<Choice extends AnthropicToolChoice>(choice: Choice, disableParallel: boolean): Choice {
  return disableParallel ? { ...choice, disable_parallel_tool_use: true } : choice;
}

/** input_schema must be an object schema; a tool without parameters takes none. */
function inputSchema(parameters: JsonObject | undefined): AnthropicTool['input_schema'] {
  if (parameters === undefined || Object.keys(parameters).length === 0) return { type: 'object', properties: {} };
  return { ...parameters, type: 'object' } as AnthropicTool['input_schema'];
}
