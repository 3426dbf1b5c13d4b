// `llm-gateway export [-o FILE]`: the running configuration as a gateway.yaml
// (provider keys as ${…_API_KEY} references, never values); with --json, the
// same document as JSON. What could not be applied again is left out: the
// YAML file lists it in its header (JSON has no comments), and stderr too.
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { exportConfigObject, exportedText } from '../../declarative/export-config.js';
import { contextOf } from '../context.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('print the running configuration as a gateway.yaml (secrets as references)')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (options: { output?: string }, command: Command) => {
      const context = contextOf(command);
      const exported = await exportConfigObject(context.connection());
      for (const line of exported.leftOut) context.output.warn(`left out: ${line}`);
      if (context.output.json) {
        // The same document as JSON (which apply -f also reads: JSON is YAML).
        const json = `${JSON.stringify(exported.document, null, 2)}\n`;
        if (options.output) writeFileSync(options.output, json, { mode: 0o644 });
        else process.stdout.write(json);
        return;
      }
      const yaml = exportedText(exported);
      if (options.output) {
        writeFileSync(options.output, yaml, { mode: 0o644 });
        context.output.warn(`wrote ${options.output}`);
      } else {
        process.stdout.write(yaml);
      }
    });
}
