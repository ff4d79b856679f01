import { parseBulkInput, parseValueInput } from './parse-input';

describe('parseValueInput', () => {
  it('takes JSON when it parses and plain text otherwise', () => {
    expect(parseValueInput('42')).toBe(42);
    expect(parseValueInput('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseValueInput('hello world')).toBe('hello world');
  });
});

describe('parseBulkInput', () => {
  it('accepts an array, the API envelope and a key → value object', () => {
    expect(parseBulkInput('[{"key":"a","value":1}]')).toEqual({ ok: true, items: [{ key: 'a', value: 1 }] });
    expect(parseBulkInput('{"items":[{"key":"a","value":1,"ttlMs":500}]}')).toEqual({ ok: true, items: [{ key: 'a', value: 1, ttlMs: 500 }] });
    expect(parseBulkInput('{"a":1,"b":{"c":2}}')).toEqual({ ok: true, items: [{ key: 'a', value: 1 }, { key: 'b', value: { c: 2 } }] });
  });

  it('explains what is wrong with unusable input', () => {
    expect(parseBulkInput('{oops')).toMatchObject({ ok: false, message: expect.stringContaining('Not valid JSON') });
    expect(parseBulkInput('[]')).toEqual({ ok: false, message: 'There is nothing to import.' });
    expect(parseBulkInput('7')).toMatchObject({ ok: false });
  });
});
