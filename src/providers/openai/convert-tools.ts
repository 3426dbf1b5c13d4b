// Canonical tools and tool choice → Chat Completions `tools`, `tool_choice`
// and `parallel_tool_calls`. Tool ids and schemas pass through unchanged.
import type { ChatRequest, Tool, ToolChoice } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import { unsupportedParameter } from '../shared/warnings.js';
import type { FamilyTraits } from './family.js';
import type { WireChatParams, WireTool, WireToolChoice } from './wire-types.js';

export type ConvertedTools = Pick<WireChatParams, 'tools' | 'tool_choice' | 'parallel_tool_calls'>;

export function convertTools(request: ChatRequest, traits: FamilyTraits, collector: WarningCollector): ConvertedTools {
  const converted: ConvertedTools = {};
  if (request.tools.length > 0) converted.tools = request.tools.map(convertTool);
  const toolChoice = convertToolChoice(request.toolChoice);
  if (toolChoice !== undefined) converted.tool_choice = toolChoice;
  if (request.parallelToolCalls !== undefined) {
    // OpenAI answers 400 to parallel_tool_calls without tools.
    if (request.tools.length > 0) converted.parallel_tool_calls = request.parallelToolCalls;
    else collector.add(unsupportedParameter('parallel_tool_calls', traits.label, 'it only applies when tools are given'));
  }
  return converted;
}

function convertTool(tool: Tool): WireTool {
  const fn: WireTool['function'] = { name: tool.name };
  if (tool.description) fn.description = tool.description;
  if (tool.parameters) fn.parameters = tool.parameters;
  if (tool.strict) fn.strict = true;
  return { type: 'function', function: fn };
}

function convertToolChoice(choice: ToolChoice | undefined): WireToolChoice | undefined {
  switch (choice?.mode) {
    case ToolChoiceMode.AUTO:
      return 'auto';
    case ToolChoiceMode.NONE:
      return 'none';
    case ToolChoiceMode.REQUIRED:
      return 'required';
    case ToolChoiceMode.TOOL:
      return { type: 'function', function: { name: choice.toolName } };
    default:
      return undefined;
  }
}
