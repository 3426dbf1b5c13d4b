import { describe, expect, test } from 'vitest';
import { parseExpertAnswer } from '../../src/core/experts/index.js';

const names = ['coding', 'planning', 'small-talk'];

describe('parseExpertAnswer', () => {
  test.each([
    ['{"expert": "coding"}', 'coding'],
    ['```json\n{"expert": "planning"}\n```', 'planning'],
    ['Sure! Here is my choice: {"expert":"small-talk"} hope that helps', 'small-talk'],
    ['{"Expert": "CODING"}', 'coding'],
    ['{"expert": "small_talk"}', 'small-talk'],
    ['{"expert": "plan"}', 'planning'],
    ['{"expert": "coding_expert"}', 'coding'],
    ['expert: planning', 'planning'],
    ['coding', 'coding'],
    ['"Planning".', 'planning'],
    ['I think this belongs to the planning expert.', 'planning'],
  ])('%j → %s', (input, expected) => {
    expect(parseExpertAnswer(input, names)).toBe(expected);
  });

  test.each([
    ['{"expert": "legal"}'],
    ['{"expert": "co"}'],
    ['{"expert": ""}'],
    ['garbage ☃ output'],
    [''],
    ['{"expert": 42}'],
    ['either coding or planning'],
  ])('%j → no answer', (input) => {
    expect(parseExpertAnswer(input, names)).toBeNull();
  });

  test('an ambiguous prefix is no answer', () => {
    expect(parseExpertAnswer('{"expert": "pla"}', ['planning', 'platform'])).toBeNull();
    expect(parseExpertAnswer('{"expert": "plan"}', ['planning', 'platform'])).toBe('planning');
  });
});
