// What commands print: a table for people, JSON (one document) with --json.
// cli-table3 lays the columns out; borders are plain ASCII-free spacing so a
// table pastes into a ticket or a terminal without box characters.
import Table from 'cli-table3';

export interface Output {
  json: boolean;
  /** One line (or block) of text for people; skipped with --json. */
  say(text: string): void;
  /** A value for scripts with --json, ignored otherwise. */
  data(value: unknown): void;
  table(head: string[], rows: Array<Array<string | number>>): void;
  /** Diagnostics: always stderr. */
  warn(text: string): void;
}

const PLAIN = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

export function renderTable(head: string[], rows: Array<Array<string | number>>): string {
  const table = new Table({ head, chars: PLAIN, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  table.push(...rows.map((row) => row.map((cell) => String(cell))));
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    say: (text) => {
      if (!json) stdout.write(`${text}\n`);
    },
    data: (value) => {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    table: (head, rows) => {
      if (!json) stdout.write(`${rows.length === 0 ? '(none)' : renderTable(head, rows)}\n`);
    },
    warn: (text) => {
      stderr.write(`${text}\n`);
    },
  };
}
