import { describe, expect, it } from 'vitest';
import { addMatchers, presentNamesQuery, rangeSelector } from '../../src/prometheus/selector.js';

describe('addMatchers', () => {
  it.each([
    ['m', 'a="1"', 'm{a="1"}'],
    ['m', '{a="1"}', 'm{a="1"}'],
    ['m{}', 'a="1"', 'm{a="1"}'],
    ['m{b="2"}', 'a="1"', 'm{b="2",a="1"}'],
    ['m{b="2",}', '{a="1", c=~"x|y"}', 'm{b="2",a="1", c=~"x|y"}'],
    ['m{b="}"} ', 'a="1"', 'm{b="}",a="1"}'],
    ['{__name__="m"}', 'a!="1"', '{__name__="m",a!="1"}'],
    ['m{b="2"}', '', 'm{b="2"}'],
    ['m{b="2"}', '{}', 'm{b="2"}'],
  ])('adds to %j the matchers %j giving %j', (selector, matchers, expected) => {
    expect(addMatchers(selector, matchers)).toBe(expected);
  });
});

describe('rangeSelector and presentNamesQuery', () => {
  it('writes the range in whole milliseconds', () => {
    expect(rangeSelector('m{a="1"}', 7200)).toBe('m{a="1"}[7200000ms]');
    expect(rangeSelector('m', 1234.5671)).toBe('m[1234567ms]');
  });

  it('counts by name over an escaped alternation, with the extra selector', () => {
    expect(presentNamesQuery(['a_total', 'b:c'], '{cluster="x"}')).toBe('count by (__name__) ({__name__=~"a_total|b:c",cluster="x"})');
    expect(presentNamesQuery(['a.b'])).toBe('count by (__name__) ({__name__=~"a\\\\.b"})');
  });
});
