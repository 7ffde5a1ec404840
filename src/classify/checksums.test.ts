import { describe, expect, it } from 'vitest';
import { ibanMod97Valid, luhnValid, nhsNumberValid, verhoeffValid } from './checksums.js';

describe('checksums', () => {
  it.each([
    ['luhn', luhnValid, '4111111111111111', '4111111111111121'],
    ['luhn (SIN)', luhnValid, '130692544', '130692545'],
    ['verhoeff', verhoeffValid, '234567890124', '234567890142'],
    ['verhoeff (short)', verhoeffValid, '2363', '2336'],
    ['nhs mod 11', nhsNumberValid, '9434765919', '9434765918'],
    ['iban mod 97', ibanMod97Valid, 'GB82WEST12345698765432', 'GB28WEST12345698765432'],
  ] as const)('%s accepts the valid number and rejects a corrupted one', (_name, check, valid, invalid) => {
    expect(check(valid)).toBe(true);
    expect(check(invalid)).toBe(false);
  });

  it('rejects non-digits instead of throwing', () => {
    expect(luhnValid('4111-1111')).toBe(false);
    expect(verhoeffValid('23a3')).toBe(false);
    expect(nhsNumberValid('943476591x')).toBe(false);
    expect(ibanMod97Valid('GB82 WEST')).toBe(false);
  });

  it('never issues an NHS number whose check digit computes to 10', () => {
    // 000000006: weighted sum 6 * 2 = 12, remainder 1, check digit 11 - 1 = 10.
    expect(nhsNumberValid('0000000060')).toBe(false);
  });
});
