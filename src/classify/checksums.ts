/**
 * Check-digit algorithms. They take a string of ASCII digits (separators already removed) and never
 * throw: a non-digit makes the check fail. Checksums are what keep order numbers, ids and random digit
 * runs from being reported as cards or national ids.
 */

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Luhn (mod 10), used by payment cards and Canadian SINs. */
export function luhnValid(digits: string): boolean {
  if (digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    const c = digits.charCodeAt(i);
    if (!isDigitCode(c)) return false;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const VERHOEFF_D: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff, used by Aadhaar numbers; catches every single-digit error and adjacent transposition. */
export function verhoeffValid(digits: string): boolean {
  if (digits.length < 2) return false;
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const code = digits.charCodeAt(digits.length - 1 - i);
    if (!isDigitCode(code)) return false;
    c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![code - 48]!]!;
  }
  return c === 0;
}

/** NHS number mod 11: weights 10..2 over the first nine digits; a computed check digit of 10 is never issued. */
export function nhsNumberValid(digits: string): boolean {
  if (digits.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const c = digits.charCodeAt(i);
    if (!isDigitCode(c)) return false;
    sum += (c - 48) * (10 - i);
  }
  const last = digits.charCodeAt(9);
  if (!isDigitCode(last)) return false;
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === last - 48;
}

/**
 * ISO 13616 IBAN check: move the first four characters to the end, letters become 10..35, and the
 * number mod 97 must be 1. Computed digit by digit so no big integers are needed.
 */
export function ibanMod97Valid(iban: string): boolean {
  if (iban.length < 5) return false;
  let rem = 0;
  const n = iban.length;
  for (let k = 0; k < n; k++) {
    const code = iban.charCodeAt((k + 4) % n);
    if (isDigitCode(code)) {
      rem = (rem * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      rem = (rem * 100 + (code - 55)) % 97;
    } else {
      return false;
    }
  }
  return rem === 1;
}
