import { describe, expect, it } from 'vitest';
import { BUILTIN_DATA_CLASSES } from '../contracts/data-class.js';
import { classifyValue, createClassifier } from './classify-value.js';
import { DATA_CLASSES } from './registry.js';

interface Case {
  value: string;
  key?: string;
  parent?: string;
  why: string;
}

/**
 * Per class: values that must be found (with the key they sit under, if any) and lookalikes that must not.
 * The meta-test below fails when a registered class has no positive or no negative case.
 */
const TABLE: Record<string, { positive: Case[]; negative: Case[] }> = {
  email: {
    positive: [
      { value: 'alice@example.com', why: 'plain address' },
      { value: 'first.last+tag@sub.example.co.uk', why: 'plus tag and subdomains' },
      { value: 'bob@localhost', key: 'email', why: 'no TLD, but under an email key' },
    ],
    negative: [
      { value: 'icon@2x.png', why: 'retina asset name' },
      { value: 'lodash@4.17.21', why: 'package version' },
      { value: 'alice.example.com', why: 'no @' },
      { value: '@handle', why: 'social handle' },
    ],
  },
  phone: {
    positive: [
      { value: '+14155552671', why: 'E.164' },
      { value: '+44 20 7946 0958', why: 'E.164 with groups' },
      { value: '(415) 555-2671', why: 'NANP with parentheses' },
      { value: '415-555-2671', why: 'NANP with dashes' },
      { value: '020 7946 0958', why: 'UK national with trunk 0' },
      { value: '4155552671', key: 'phoneNumber', why: 'bare digits under a phone key' },
    ],
    negative: [
      { value: '1700000000', why: 'epoch seconds' },
      { value: '1700000000123', why: 'epoch milliseconds' },
      { value: '2024-01-15', why: 'ISO date' },
      { value: '123-456-7890', why: 'NANP area code cannot start with 1' },
      { value: '4155552671', why: 'bare digits without a phone key: an id' },
      { value: '+1', why: 'too few digits' },
      { value: '415-555-2671', key: 'orderId', why: 'under an id key' },
      { value: 'true', key: 'iphone', why: 'iphone is not a phone key' },
    ],
  },
  'payment-card': {
    positive: [
      { value: '4111111111111111', why: 'Visa' },
      { value: '4111 1111 1111 1111', why: 'Visa with spaces' },
      { value: '5555-5555-5555-4444', why: 'Mastercard with dashes' },
      { value: '378282246310005', why: 'Amex' },
      { value: '6011111111111117', why: 'Discover' },
      { value: '3530111333300000', why: 'JCB' },
      { value: '2223003122003222', why: 'Mastercard 2-series' },
      { value: '4111111111111112', key: 'cardNumber', why: 'bad checksum but under a card key' },
      { value: '123', key: 'cvv', why: 'security code under a cvv key' },
    ],
    negative: [
      { value: '4111111111111112', why: 'Luhn fails' },
      { value: '1234567812345670', why: 'Luhn-valid but no issuer starts with 1' },
      { value: '9780201379624', why: 'ISBN-13' },
      { value: '1700000000123', why: 'epoch milliseconds' },
      { value: '4111000000001238', key: 'orderId', why: 'Luhn-valid order number under an id key' },
      { value: '41111111111111', why: 'Visa never issues 14 digits' },
      { value: '12', key: 'cvv', why: 'too short for a security code' },
    ],
  },
  iban: {
    positive: [
      { value: 'GB82 WEST 1234 5698 7654 32', why: 'UK, grouped' },
      { value: 'DE89370400440532013000', why: 'Germany, compact' },
      { value: 'FR1420041010050500013M02606', why: 'France, with a letter in the BBAN' },
      { value: 'NL91ABNA0417164300', why: 'Netherlands' },
    ],
    negative: [
      { value: 'GB82WEST12345698765433', why: 'mod 97 fails' },
      { value: 'DE8937040044053201300', why: 'wrong length for DE' },
      { value: 'XX82WEST12345698765432', why: 'unknown country' },
      { value: 'SKU12345678901234', why: 'product code' },
    ],
  },
  'us-ssn': {
    positive: [
      { value: '123-45-6789', why: 'dashed' },
      { value: '123456789', key: 'ssn', why: 'bare under an ssn key' },
      { value: '6789', key: 'ssn_last4', why: 'last four under their key' },
    ],
    negative: [
      { value: '000-12-3456', why: 'area 000' },
      { value: '666-12-3456', why: 'area 666' },
      { value: '912-12-3456', why: 'area 9xx' },
      { value: '123-00-4567', why: 'group 00' },
      { value: '123-45-0000', why: 'serial 0000' },
      { value: '078-05-1120', why: 'the advertising number' },
      { value: '123456789', why: 'bare nine digits: an id' },
    ],
  },
  'uk-nino': {
    positive: [
      { value: 'AB123456C', why: 'compact' },
      { value: 'AB 12 34 56 C', why: 'spaced' },
    ],
    negative: [
      { value: 'QQ123456C', why: 'Q is never a first letter' },
      { value: 'BG123456A', why: 'BG prefix is not allocated' },
      { value: 'AB123456E', why: 'suffix beyond D' },
      { value: 'AO123456C', why: 'O is never a second letter' },
    ],
  },
  'ca-sin': {
    positive: [
      { value: '130 692 544', why: 'grouped, Luhn' },
      { value: '130-692-544', why: 'dashed' },
      { value: '273456780', key: 'sin', why: 'bare under a sin key' },
    ],
    negative: [
      { value: '130 692 545', why: 'Luhn fails' },
      { value: '130692544', why: 'bare nine digits: an id' },
      { value: '046 454 286', why: 'first digit 0 is never issued' },
    ],
  },
  'in-pan': {
    positive: [
      { value: 'ABCPE1234F', why: 'individual' },
      { value: 'AAACB1234C', why: 'company' },
      { value: 'abcpe1234f', key: 'pan_number', why: 'lower-case under a PAN key' },
    ],
    negative: [
      { value: 'ABCDE1234F', why: 'D is not a holder type' },
      { value: 'ABCPE12345', why: 'last character must be a letter' },
      { value: 'ORDER1234X', why: 'R is not a holder type' },
    ],
  },
  'in-aadhaar': {
    positive: [
      { value: '2345 6789 0124', why: 'grouped, Verhoeff' },
      { value: '498732165402', key: 'aadhaar', why: 'bare under an aadhaar key' },
    ],
    negative: [
      { value: '2345 6789 0125', why: 'Verhoeff fails' },
      { value: '234567890124', why: 'bare twelve digits: an id' },
      { value: '1345 6789 0124', why: 'starts with 1' },
    ],
  },
  'date-of-birth': {
    positive: [
      { value: '1990-04-01', key: 'dob', why: 'ISO under dob' },
      { value: '01/04/1990', key: 'birthDate', why: 'numeric under birthDate' },
      { value: '1990-04-01T00:00:00Z', key: 'date_of_birth', why: 'timestamp under date_of_birth' },
      { value: '19900401', key: 'patientDob', why: 'compact under a dob suffix' },
    ],
    negative: [
      { value: '1990-04-01', why: 'a date with no key is just a date' },
      { value: '1990-04-01', key: 'createdAt', why: 'ISO date in a non-DOB field' },
      { value: '1990-02-30', key: 'dob', why: 'no such day' },
      { value: 'unknown', key: 'dob', why: 'not a date' },
    ],
  },
  'street-address': {
    positive: [
      { value: '10 Downing Street', why: 'number, name, street type' },
      { value: '1600 Pennsylvania Avenue NW, Washington, DC 20500', why: 'with direction and city' },
      { value: '221B Baker St.', why: 'abbreviated type' },
      { value: 'Flat 3, Rose Court', key: 'addressLine1', why: 'any text under addressLine1' },
      { value: 'Hauptstr. 5', key: 'line1', parent: 'shippingAddress', why: 'line1 inside an address object' },
    ],
    negative: [
      { value: '3 Way handshake', why: 'street type followed by ordinary words' },
      { value: '2 Drive units installed', why: 'same' },
      { value: 'Hauptstr. 5', key: 'line1', why: 'line1 outside an address object' },
      { value: '0x1f9840a85d5af5bf1d1762f925bdaddc4201f984', key: 'address', why: 'wallet address: no space' },
    ],
  },
  'ip-address': {
    positive: [
      { value: '203.0.113.9', why: 'IPv4' },
      { value: '2001:db8::1', why: 'IPv6 compressed' },
      { value: '::ffff:192.0.2.128', why: 'IPv4-mapped IPv6' },
    ],
    negative: [
      { value: '256.1.1.1', why: 'octet over 255' },
      { value: '1.2.3', why: 'semver' },
      { value: '01.2.3.4', why: 'leading zero' },
      { value: '10:00:00', why: 'clock time' },
      { value: '00:1a:2b:3c:4d:5e', why: 'MAC address' },
      { value: '1.2.3.4', key: 'appVersion', why: 'four-part version under a version key' },
    ],
  },
  jwt: {
    positive: [
      {
        value:
          'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
        why: 'HS256',
      },
      { value: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', why: 'unsigned, typ before alg' },
    ],
    negative: [
      { value: 'eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.abc', why: 'header has no alg' },
      { value: 'eyJub3Rqc29u.eyJzdWIiOiIxIn0.abc', why: 'header is not JSON' },
      { value: 'a.b.c', why: 'three parts but not a token' },
    ],
  },
  password: {
    positive: [
      { value: 'hunter2', key: 'password', why: 'password key' },
      { value: 'x', key: 'new_password', why: 'suffix' },
      { value: 'correct horse', key: 'passphrase', why: 'passphrase' },
      { value: '1234', key: 'pin', why: 'pin' },
    ],
    negative: [
      { value: 'hunter2', why: 'no key' },
      { value: '2026-01-01', key: 'passwordChangedAt', why: 'metadata about the password' },
      { value: '12', key: 'passwordMinLength', why: 'policy' },
      { value: '   ', key: 'password', why: 'blank' },
    ],
  },
  'api-key': {
    positive: [
      { value: 'AKIAIOSFODNN7EXAMPLE', why: 'AWS access key id' },
      { value: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', why: 'GitHub classic token' },
      { value: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', why: 'GitHub fine-grained' },
      { value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', why: 'Stripe secret key' },
      { value: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', why: 'Slack bot token' },
      { value: 'AIzaSyA1234567890abcdefghijklmnopqrstuv', why: 'Google API key' },
      { value: 'abc', key: 'api_key', why: 'anything under api_key' },
      { value: 'f3a9c2e17b5d4e8f9a0b1c2d3e4f5a6b', key: 'token', why: 'high entropy under token' },
      { value: '550e8400-e29b-41d4-a716-446655440000', key: 'apiKey', why: 'UUID used as an API key' },
    ],
    negative: [
      { value: 'AKIAIOSFODNN7EXAMPL', why: 'one character short' },
      { value: 'sk_live_short', why: 'too short for Stripe' },
      { value: 'next-page', key: 'token', why: 'low entropy under a generic token key' },
      { value: 'f3a9c2e17b5d4e8f9a0b1c2d3e4f5a6b', key: 'nextPageToken', why: 'pagination token' },
      { value: '550e8400-e29b-41d4-a716-446655440000', key: 'id', why: 'UUID under id' },
    ],
  },
  secret: {
    positive: [
      { value: 'cs_abc', key: 'client_secret', why: 'client secret' },
      { value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', key: 'aws_secret_access_key', why: 'AWS secret' },
      { value: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', why: 'Slack webhook URL' },
      { value: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', key: 'signature', why: 'signature' },
    ],
    negative: [
      { value: 'db-password', key: 'secretName', why: 'the name of a secret, not the secret' },
      { value: 'v1', key: 'signature', why: 'low entropy' },
      { value: 'https://hooks.example.com/services/T0/B0/X', why: 'not Slack' },
    ],
  },
  'private-key': {
    positive: [
      { value: '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', why: 'PKCS#1' },
      { value: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', why: 'OpenSSH' },
    ],
    negative: [
      { value: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----', why: 'public key' },
      { value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', why: 'certificate' },
    ],
  },
  'session-token': {
    positive: [
      { value: 's%3AabcDEF123', key: 'connect.sid', why: 'express session cookie' },
      { value: 'abc', key: 'JSESSIONID', why: 'Java session' },
      { value: 'x', key: 'csrf_token', why: 'CSRF token' },
      { value: '8f14e45fceea167a', key: 'sessionId', why: 'sessionId' },
    ],
    negative: [
      { value: 'abc', key: 'sessionCount', why: 'a count about sessions' },
      { value: '8f14e45fceea167a', why: 'no key' },
    ],
  },
  'health-id': {
    positive: [
      { value: '1EG4-TE5-MK73', why: 'Medicare MBI, dashed' },
      { value: '1EG4TE5MK73', why: 'Medicare MBI, compact' },
      { value: 'MRN-004211', key: 'mrn', why: 'record number under mrn' },
      { value: '943 476 5919', key: 'nhs_number', why: 'NHS number, mod 11' },
    ],
    negative: [
      { value: '1EG4-TE5-MK7S', why: 'S is never used' },
      { value: '943 476 5918', key: 'nhs_number', why: 'mod 11 fails' },
      { value: 'unknown', key: 'mrn', why: 'no digit' },
      { value: '9434765919', why: 'bare ten digits: an id' },
    ],
  },
  'person-name': {
    positive: [
      { value: 'Ada', key: 'firstName', why: 'firstName' },
      { value: 'Lovelace', key: 'last_name', why: 'last_name' },
      { value: 'Ada Lovelace', key: 'name', parent: 'customer', why: 'name inside customer' },
      { value: 'Ada Lovelace', key: 'name', parent: 'users', why: 'name inside a users array' },
    ],
    negative: [
      { value: 'Trail running shoes', key: 'name', why: 'name of a product' },
      { value: 'Ada Lovelace', key: 'name', parent: 'items', why: 'name inside items' },
      { value: 'Ada Lovelace', why: 'no key' },
      { value: 'user42', key: 'firstName', why: 'digits are not a name' },
    ],
  },
};

function classesOf(c: Case): string[] {
  return classifyValue(c.value, c.key, c.parent === undefined ? undefined : { parentKey: c.parent }).map((m) => m.dataClass);
}

describe('classifyValue', () => {
  for (const [id, { positive, negative }] of Object.entries(TABLE)) {
    describe(id, () => {
      it.each(positive)('finds $value under $key ($why)', (c) => {
        expect(classesOf(c)).toContain(id);
      });
      it.each(negative)('does not take $value under $key for it ($why)', (c) => {
        expect(classesOf(c)).not.toContain(id);
      });
    });
  }

  it('has positive and negative cases for every registered class', () => {
    for (const def of DATA_CLASSES) {
      expect(TABLE[def.id]?.positive.length ?? 0, def.id).toBeGreaterThan(0);
      expect(TABLE[def.id]?.negative.length ?? 0, def.id).toBeGreaterThan(0);
    }
  });

  it('registers every built-in class id of the contract, once', () => {
    expect(DATA_CLASSES.map((c) => c.id).sort()).toEqual([...BUILTIN_DATA_CLASSES].sort());
  });

  it.each([
    ['550e8400-e29b-41d4-a716-446655440000', 'UUID'],
    ['2026-11-23T10:00:00.000Z', 'timestamp'],
    ['1700000000', 'epoch seconds'],
    ['v2.14.3', 'version'],
    ['ord_8f14e45fceea167a5a36dedd4bea2543', 'prefixed id'],
    ['149.90', 'price'],
    ['Trail running shoes', 'product name'],
    ['SKU-10021', 'sku'],
    ['', 'empty'],
  ])('finds nothing in %s (%s) without a key', (value) => {
    expect(classifyValue(value)).toEqual([]);
  });

  it('puts the value class first when key and value disagree, and reports both', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const m = classifyValue(jwt, 'access_token');
    expect(m.map((x) => x.dataClass)).toEqual(['jwt', 'api-key']);
    expect(classifyValue('alice@example.com', 'email')).toEqual([{ dataClass: 'email', evidence: 'key+value' }]);
  });

  it('gives the same answers from a memoising classifier', () => {
    const c = createClassifier({ keyCacheSize: 2 });
    for (const [id, { positive, negative }] of Object.entries(TABLE)) {
      for (const x of positive) {
        expect(c.classifyValue(x.value, x.key, x.parent === undefined ? undefined : { parentKey: x.parent }).map((m) => m.dataClass), id).toContain(id);
      }
      for (const x of negative) {
        expect(c.classifyValue(x.value, x.key, x.parent === undefined ? undefined : { parentKey: x.parent }).map((m) => m.dataClass), id).not.toContain(id);
      }
    }
  });
});
