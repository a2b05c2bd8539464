import { describe, expect, it } from 'vitest';
import { countryName, isCountryCode } from '../src/countries.ts';

describe('ISO 3166-1 alpha-2 codes', () => {
  it('accepts exactly the 249 assigned codes', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const accepted = [...letters].flatMap((a) => [...letters].map((b) => a + b)).filter(isCountryCode);
    expect(accepted).toHaveLength(249);
    expect(accepted).toEqual(expect.arrayContaining(['BE', 'FR', 'CD', 'SS', 'KR', 'AX', 'BQ']));
  });

  it.each(['ZZ', 'XK', 'EU', 'UK', 'YU', 'be', 'BEL', ''])('rejects %j', (code) => {
    expect(isCountryCode(code)).toBe(false);
  });

  it('names countries in English', () => {
    expect(countryName('BE')).toBe('Belgium');
    expect([countryName('BE', 'fr'), countryName('BE', 'nl')]).toEqual(['Belgique', 'België']);
    expect(countryName('ZZ')).toBe('ZZ');
  });
});
