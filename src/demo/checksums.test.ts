import { describe, expect, it } from 'vitest';
import { isLuhnValid, isValidIban, luhnCheckDigit, makeIban } from './checksums.js';

describe('Luhn', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '79927398713'.padStart(12, '0')])(
    'accepts %s',
    (pan) => expect(isLuhnValid(pan)).toBe(true),
  );
  it.each(['4111111111111112', '5555555555554443', '1234567890123', '41111111111111x1', '411111'])('rejects %s', (pan) => {
    expect(isLuhnValid(pan)).toBe(false);
  });
  it('computes the digit that completes a payload', () => {
    expect(luhnCheckDigit('411111111111111')).toBe(1);
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });
});

describe('IBAN mod 97', () => {
  it.each(['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'GB82 WEST 1234 5698 7654 32'])(
    'accepts %s',
    (iban) => expect(isValidIban(iban)).toBe(true),
  );
  it.each(['GB82WEST12345698765433', 'DE88370400440532013000', 'XX00', 'NL91ABNA041716430'])('rejects %s', (iban) => {
    expect(isValidIban(iban)).toBe(false);
  });
  it('builds IBANs that validate', () => {
    expect(makeIban('GB', 'WEST12345698765432')).toBe('GB82WEST12345698765432');
    expect(makeIban('DE', '370400440532013000')).toBe('DE89370400440532013000');
  });
});
