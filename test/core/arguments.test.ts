import { describe, expect, it } from 'vitest';
import { parseArguments } from '../../src/config/arguments.js';
import { ConfigError } from '../../src/config/config.js';

const problemsOf = (args: string[]): string[] => {
  try {
    parseArguments(args);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('command-line arguments', () => {
  it('reads --workers N and --workers=N; none given leaves GATEWAY_WORKERS in charge', () => {
    expect(parseArguments([])).toEqual({ workers: undefined });
    expect(parseArguments(['--workers', '4'])).toEqual({ workers: 4 });
    expect(parseArguments(['--workers=2'])).toEqual({ workers: 2 });
  });

  it('refuses a bad count and any other argument, naming each', () => {
    expect(problemsOf(['--workers'])).toEqual(['--workers: must be a whole number from 1 to 64']);
    expect(problemsOf(['--workers', '0'])).toHaveLength(1);
    expect(problemsOf(['--workers=65'])).toHaveLength(1);
    expect(problemsOf(['--workers', 'two', '--port', '80'])).toEqual([
      '--workers: must be a whole number from 1 to 64',
      '--port: unknown argument (the only one is --workers N; the rest is set through GATEWAY_* variables)',
      '80: unknown argument (the only one is --workers N; the rest is set through GATEWAY_* variables)',
    ]);
  });
});
