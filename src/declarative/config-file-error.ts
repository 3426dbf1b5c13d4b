// Every problem of a configuration file at once, each with where it is
// (file:line:column) and the field path ("routes[1].targets[0].weight").
export interface ConfigProblem {
  /** "gateway.yaml:12:5"; the file alone when no line is known. */
  source: string;
  /** The field path; empty for the document itself. */
  path: string;
  message: string;
}

export class ConfigFileError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigFileError';
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.source}: ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`;
}
