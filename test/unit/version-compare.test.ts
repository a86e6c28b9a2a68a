import { describe, expect, it } from 'vitest';
import { compareVersions, isValidVersion, needsUpdate, parseVersion } from '../../src/main/core/version/compare';

describe('HIS version comparison', () => {
  it.each([
    ['5.2.0.123', '5.2.0.124', -1],
    ['5.2.0.124', '5.2.0.123', 1],
    ['5.2.0.123', '5.2.0.123', 0],
    ['5.10.0.0', '5.9.9.9', 1], // numeric, not lexical
    ['5.2', '5.2.0.0', 0], // missing parts are 0
    ['V2.3.1', '2.3.1', 0], // leading V
    ['v2.3.1', 'V2.3.2', -1],
    ['20200302', '20200301', 1], // date versions
    ['20191231', '20200101', -1],
    ['2020.03.02', '2020.3.2', 0],
    ['2.0-beta', '2.0', -1], // pre-release sorts before the release
    ['2.0rc1', '2.0rc2', -1],
    ['2.0rc2', '2.0rc10', -1],
    ['2.0.1', '2.0-beta', 1],
    ['1.0.0.9', '1.0.0.10', -1],
    ['6.0', '5.99.99.99', 1],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected === 0 ? 0 : -expected);
  });

  it('any difference means update, including an older published version (rollback)', () => {
    expect(needsUpdate('5.2.0.124', '5.2.0.123')).toBe(true);
    expect(needsUpdate('5.2.0.123', '5.2.0.124')).toBe(true);
    expect(needsUpdate('5.2.0.123', '5.2.0.123')).toBe(false);
    expect(needsUpdate('V5.2', '5.2.0.0')).toBe(false);
    expect(needsUpdate(null, '1.0')).toBe(true);
  });

  it('accepts real version strings and rejects junk', () => {
    for (const ok of ['5.2.0.123', 'V2.3.1', '20200302', '2.0-beta', '1']) expect(isValidVersion(ok), ok).toBe(true);
    for (const bad of ['', '   ', 'abc', '5..2', '5.2.', '../1', '1.0; drop table', 'x'.repeat(80)]) expect(isValidVersion(bad), bad).toBe(false);
  });

  it('parses into numeric and text parts', () => {
    expect(parseVersion('V5.2.0.123')).toEqual([5, 2, 0, 123]);
    expect(parseVersion('2.0rc1')).toEqual([2, 0, 'rc', 1]);
  });
});
