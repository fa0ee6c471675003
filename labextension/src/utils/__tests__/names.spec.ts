import { nameProblem, suggestEndpointName, toValidName } from '../names';

describe('nameProblem', () => {
  it('accepts letters, digits and hyphens up to 63 characters', () => {
    expect(nameProblem('churn')).toBeNull();
    expect(nameProblem('churn-v2')).toBeNull();
    expect(nameProblem('A1')).toBeNull();
    expect(nameProblem('x')).toBeNull();
    expect(nameProblem('a'.repeat(63))).toBeNull();
  });

  it('asks for a name when empty', () => {
    expect(nameProblem('', 'Endpoint name')).toBe('Endpoint name is required.');
  });

  it('names the first character that is not allowed', () => {
    expect(nameProblem('churn_v2')).toMatch(/"_" is not allowed/);
    expect(nameProblem('my endpoint')).toMatch(/a space is not allowed/);
    expect(nameProblem('café')).toMatch(/"é" is not allowed/);
  });

  it('refuses more than 63 characters with the count', () => {
    expect(nameProblem('a'.repeat(64))).toMatch(/64 characters: at most 63/);
  });

  it('refuses a hyphen at either end', () => {
    expect(nameProblem('-churn')).toMatch(/start or end with a hyphen/);
    expect(nameProblem('churn-')).toMatch(/start or end with a hyphen/);
    expect(nameProblem('-')).toMatch(/start or end with a hyphen/);
  });
});

describe('toValidName', () => {
  it('replaces other characters and trims hyphens', () => {
    expect(toValidName('My model (v2).pkl')).toBe('My-model-v2-pkl');
    expect(toValidName('__x__')).toBe('x');
    expect(toValidName('***')).toBe('');
    const long = toValidName('a'.repeat(62) + '-b');
    expect(long).toBe('a'.repeat(62));
    expect(nameProblem(long)).toBeNull();
  });
});

describe('suggestEndpointName', () => {
  it('appends the version and stays valid', () => {
    expect(suggestEndpointName('churn', 2)).toBe('churn-v2');
    const long = suggestEndpointName('m'.repeat(80), 12);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.endsWith('-v12')).toBe(true);
    expect(nameProblem(long)).toBeNull();
    expect(suggestEndpointName('__', 1)).toBe('endpoint-v1');
  });
});
