import type { DataClassInfo } from '../contracts/data-class.js';
import type { BuiltinDataClassId, DataClassDefinition } from './types.js';
import {
  containsPrivateKey,
  digitsOnly,
  isAddressText,
  isCaSin,
  isCaSinLoose,
  isCardDigitsLoose,
  isCardSecurityCode,
  isEmail,
  isHighEntropy,
  isIban,
  isInAadhaar,
  isInAadhaarLoose,
  isInPan,
  isIpAddress,
  isJwt,
  isMedicareMbi,
  isNhsNumber,
  isNonEmpty,
  isPaymentCard,
  isPersonNameText,
  isPhone,
  isPhoneLoose,
  isPlausibleDate,
  isRecordNumber,
  isStreetAddress,
  isUkNino,
  isUsSsn,
  isUsSsnLoose,
  knownSecretFormat,
} from './validators.js';

/**
 * The built-in data classes, in priority order: when one value matches several classes, the first one
 * names the redaction placeholder (a JWT under `access_token` becomes `[REDACTED:jwt:…]`), and every
 * match is still reported as a hit.
 */
export const DATA_CLASSES: readonly DataClassDefinition[] = [
  {
    id: 'private-key',
    title: 'Private key (PEM)',
    category: 'credentials',
    sensitivity: 'critical',
    detection: 'Value contains a `-----BEGIN … PRIVATE KEY-----` block (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP).',
    quick: (p) => p.dash >= 10,
    detect: containsPrivateKey,
  },
  {
    id: 'jwt',
    title: 'JSON Web Token',
    category: 'credentials',
    sensitivity: 'high',
    detection: 'Three base64url parts starting `eyJ`; the header must decode to a JSON object with a string `alg`.',
    quick: (p) => p.first === 101 && p.dot >= 2 && p.length >= 20,
    detect: isJwt,
  },
  {
    id: 'api-key',
    title: 'API key or access token',
    category: 'credentials',
    sensitivity: 'critical',
    detection:
      'Known formats (AWS `AKIA`/`ASIA` key ids, GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`/`github_pat_`, Stripe `sk_`/`rk_`/`pk_live_`, Slack `xox?-`, Google `AIza`); ' +
      'any non-empty value under `api_key`, `access_token`, `refresh_token`, `authorization`, …; a high-entropy value under `token`, `key`, `*token`.',
    quick: (p) => p.length >= 20,
    detect: (v) => knownSecretFormat(v) === 'api-key',
    keyNames: [
      {
        names: ['authorization', 'proxyauthorization', 'apikey', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken'],
        suffixes: [
          'apikey', 'apitoken', 'accesstoken', 'refreshtoken', 'authtoken', 'idtoken', 'bearertoken', 'accesskey',
          'subscriptionkey', 'authkey', 'personalaccesstoken', 'oauthtoken', 'securitytoken',
        ],
        accepts: isNonEmpty,
      },
      {
        names: ['token', 'key', 'apikeys', 'auth'],
        suffixes: ['token'],
        except: [
          'nexttoken', 'pagetoken', 'nextpagetoken', 'continuationtoken', 'paginationtoken', 'cursortoken',
          'synctoken', 'resumetoken', 'pagingtoken', 'sessiontoken', 'csrftoken', 'xsrftoken', 'xcsrftoken', 'xxsrftoken',
        ],
        accepts: isHighEntropy,
      },
    ],
  },
  {
    id: 'secret',
    title: 'Secret (client secret, signing key, webhook URL)',
    category: 'credentials',
    sensitivity: 'critical',
    detection:
      'Slack incoming-webhook URLs by value; any non-empty value under `*secret`, `*secret_key`, `aws_secret_access_key`, `*private_key`, `*signing_key`, …; a high-entropy value under `signature`/`sig`.',
    quick: (p) => p.length >= 60 && p.first === 104,
    detect: (v) => knownSecretFormat(v) === 'secret',
    keyNames: [
      {
        suffixes: [
          'secret', 'secretkey', 'secretaccesskey', 'privatekey', 'signingkey', 'encryptionkey', 'masterkey',
          'hmackey', 'sharedkey', 'webhookurl',
        ],
        accepts: isNonEmpty,
      },
      {
        names: ['signature', 'sig', 'hmac', 'xhubsignature', 'xhubsignature256', 'stripesignature', 'xsignature'],
        accepts: isHighEntropy,
      },
    ],
  },
  {
    id: 'password',
    title: 'Password',
    category: 'credentials',
    sensitivity: 'critical',
    detection: 'Key name only: any non-empty value under `password`, `passwd`, `pwd`, `passphrase`, `passcode`, `pin` and names ending in them.',
    keyNames: [
      {
        names: ['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'pin'],
        suffixes: ['password', 'passwd', 'pwd', 'passphrase', 'passcode', 'passwordconfirmation', 'passwordconfirm', 'passwordhash'],
        accepts: isNonEmpty,
      },
    ],
  },
  {
    id: 'session-token',
    title: 'Session token or cookie',
    category: 'credentials',
    sensitivity: 'high',
    detection:
      'Key name only: `session`, `sid`, `sessionid`, `jsessionid`, `phpsessid`, `connect.sid`, CSRF/XSRF tokens, names ending in `sessionid`/`sessiontoken`. The redactor also treats every non-trivial cookie value as one.',
    keyNames: [
      {
        names: [
          'sid', 'session', 'sessid', 'jsessionid', 'phpsessid', 'aspnetsessionid', 'connectsid', 'sessionid',
          'sessiontoken', 'sessionkey', 'csrftoken', 'xsrftoken', 'xcsrftoken', 'xxsrftoken', 'csrf', 'xsrf',
          'authenticitytoken', 'sessioncookie',
        ],
        suffixes: ['sessionid', 'sessiontoken', 'sessionkey', 'sessid'],
        accepts: isNonEmpty,
      },
    ],
  },
  {
    id: 'payment-card',
    title: 'Payment card number',
    category: 'financial',
    sensitivity: 'critical',
    detection:
      '13-19 digits (spaces/dashes allowed), a known IIN range with its issued lengths (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir), Luhn. Under `cardNumber`-like keys any 12-19 digits; under `cvv`/`cvc` 3-4 digits.',
    quick: (p) => p.digits >= 13 && p.digits <= 19 && p.digits + p.space + p.dash === p.length,
    detect: isPaymentCard,
    skipValueUnderIdKeys: true,
    keyNames: [
      {
        names: ['cardnumber', 'ccnumber', 'creditcardnumber', 'creditcard', 'cardno', 'ccnum', 'primaryaccountnumber', 'cc'],
        suffixes: ['cardnumber', 'cardno'],
        accepts: isCardDigitsLoose,
      },
      {
        names: ['cvv', 'cvc', 'cvv2', 'cvc2', 'csc', 'securitycode', 'cardsecuritycode', 'cardverificationvalue', 'cardcvv', 'cardcvc'],
        accepts: isCardSecurityCode,
      },
    ],
  },
  {
    id: 'iban',
    title: 'IBAN',
    category: 'financial',
    sensitivity: 'high',
    detection: 'Known country code, that country’s IBAN length, ISO 13616 mod-97 check (spaces between groups allowed).',
    quick: (p) => p.length >= 15 && p.digits >= 2 && p.upper + p.lower >= 2 && p.digits + p.upper + p.lower + p.space === p.length,
    detect: isIban,
  },
  {
    id: 'us-ssn',
    title: 'US Social Security number',
    category: 'pii',
    sensitivity: 'critical',
    detection:
      'By value only as `AAA-GG-SSSS`; under `ssn`-like keys also bare or spaced. Area not 000/666/9xx, group not 00, serial not 0000.',
    quick: (p) => p.length === 11 && p.digits === 9 && p.dash === 2,
    detect: isUsSsn,
    keyNames: [
      { names: ['ssn', 'socialsecuritynumber', 'socialsecurityno', 'ssnumber', 'usssn'], accepts: isUsSsnLoose },
      { names: ['ssnlast4', 'last4ssn', 'ssnlastfour'], accepts: (v) => v.length === 4 && digitsOnly(v, '', 4) !== null },
    ],
  },
  {
    id: 'uk-nino',
    title: 'UK National Insurance number',
    category: 'pii',
    sensitivity: 'high',
    detection: 'Two prefix letters (not D, F, I, Q, U, V; second not O; not BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A-D.',
    quick: (p) => p.digits === 6 && p.upper + p.lower === 3 && p.digits + p.upper + p.lower + p.space === p.length,
    detect: isUkNino,
  },
  {
    id: 'ca-sin',
    title: 'Canadian Social Insurance number',
    category: 'pii',
    sensitivity: 'critical',
    detection: 'Nine digits, Luhn, first digit not 0 or 8. By value only when grouped 3-3-3; bare digits only under `sin`-like keys.',
    quick: (p) => p.length === 11 && p.digits === 9,
    detect: isCaSin,
    keyNames: [{ names: ['sin', 'socialinsurancenumber', 'sinnumber', 'casin'], accepts: isCaSinLoose }],
  },
  {
    id: 'in-pan',
    title: 'Indian PAN',
    category: 'pii',
    sensitivity: 'high',
    detection: '`AAAAA9999A` with a valid holder-type fourth letter (A, B, C, F, G, H, J, L, P, T).',
    quick: (p) => p.length === 10 && p.upper === 6 && p.digits === 4,
    detect: isInPan,
    keyNames: [{ names: ['pannumber', 'pancard', 'panno', 'permanentaccountnumber'], accepts: (v) => isInPan(v.toUpperCase()) }],
  },
  {
    id: 'in-aadhaar',
    title: 'Indian Aadhaar number',
    category: 'pii',
    sensitivity: 'critical',
    detection: 'Twelve digits not starting 0/1, Verhoeff check. By value only when grouped 4-4-4; bare digits only under `aadhaar`-like keys.',
    quick: (p) => p.length === 14 && p.digits === 12,
    detect: isInAadhaar,
    keyNames: [
      { names: ['aadhaar', 'aadhar', 'aadhaarnumber', 'aadharnumber', 'aadhaarno', 'aadhaarid', 'uidai'], accepts: isInAadhaarLoose },
    ],
  },
  {
    id: 'health-id',
    title: 'Health identifier',
    category: 'health',
    sensitivity: 'critical',
    detection:
      'US Medicare MBI format by value; record numbers under `mrn`/`medical_record_number`/`medicare_id`-like keys; NHS numbers (mod 11) under `nhs_number`-like keys.',
    quick: (p) => (p.length === 11 || p.length === 13) && p.digits >= 5 && p.upper + p.lower >= 4,
    detect: isMedicareMbi,
    keyNames: [
      {
        names: [
          'mrn', 'medicalrecordnumber', 'medicalrecordno', 'medicalrecordid', 'patientmrn', 'healthrecordnumber',
          'hicn', 'mbi', 'medicarenumber', 'medicareid', 'medicarebeneficiaryidentifier', 'medicaidid',
          'medicaidnumber', 'healthinsurancenumber',
        ],
        accepts: isRecordNumber,
      },
      { names: ['nhsnumber', 'nhsno', 'nhsid'], accepts: isNhsNumber },
    ],
  },
  {
    id: 'email',
    title: 'Email address',
    category: 'pii',
    sensitivity: 'medium',
    detection: 'Bounded local part, dotted domain with a letter TLD; retina asset names (`icon@2x.png`) excluded. Under `email`-like keys any single `@` value.',
    quick: (p) => p.at === 1 && p.dot >= 1,
    detect: isEmail,
    keyNames: [
      {
        names: ['email', 'mail', 'emailaddress', 'useremail', 'contactemail'],
        suffixes: ['email', 'emailaddress'],
        accepts: (v) => v.length <= 254 && v.indexOf('@') > 0 && v.indexOf(' ') === -1,
      },
    ],
  },
  {
    id: 'phone',
    title: 'Phone number',
    category: 'pii',
    sensitivity: 'medium',
    detection:
      'E.164 (`+` and 8-15 digits) or NANP / trunk-0 national formats with separators; bare digit runs never (ids, timestamps). Under `phone`-like keys any 7-15 digits.',
    quick: (p) => p.digits >= 7 && p.upper + p.lower + p.at + p.colon === 0,
    detect: isPhone,
    skipValueUnderIdKeys: true,
    keyNames: [
      {
        names: [
          'phone', 'phonenumber', 'mobile', 'mobilenumber', 'mobilephone', 'cell', 'cellphone', 'tel', 'telephone',
          'msisdn', 'homephone', 'workphone', 'contactnumber', 'fax', 'faxnumber',
        ],
        suffixes: ['phone', 'phonenumber', 'mobilenumber', 'telephone', 'msisdn'],
        except: ['iphone', 'isiphone', 'headphone', 'microphone', 'smartphone'],
        accepts: isPhoneLoose,
      },
    ],
  },
  {
    id: 'date-of-birth',
    title: 'Date of birth',
    category: 'pii',
    sensitivity: 'high',
    detection: 'Key name only (`dob`, `birthDate`, `date_of_birth`, `birthday`, …) with a real calendar date, year 1900-2099.',
    keyNames: [
      {
        names: ['dob', 'birthdate', 'dateofbirth', 'birthday', 'birthdt', 'dtofbirth', 'bday'],
        suffixes: ['dateofbirth', 'birthdate', 'dob', 'birthday'],
        accepts: isPlausibleDate,
      },
    ],
  },
  {
    id: 'street-address',
    title: 'Street address',
    category: 'pii',
    sensitivity: 'medium',
    detection:
      'Under `address`/`street`/`addressLine1`-like keys (and `line1`/`line2` inside an address object): text with a space or comma. By value: house number, name words, street-type word.',
    quick: (p) => p.first >= 48 && p.first <= 57 && p.space >= 2 && p.upper + p.lower >= 4,
    detect: isStreetAddress,
    keyNames: [
      {
        names: [
          'address', 'streetaddress', 'street', 'addressline1', 'addressline2', 'addressline3', 'address1', 'address2',
          'address3', 'homeaddress', 'billingaddress', 'shippingaddress', 'mailingaddress', 'postaladdress',
          'residentialaddress', 'streetname', 'streetline1', 'streetline2', 'street1', 'street2',
        ],
        suffixes: ['streetaddress', 'addressline1', 'addressline2'],
        accepts: isAddressText,
      },
      {
        names: ['line1', 'line2', 'line3', 'street', 'streetline'],
        parents: ['address', 'billingaddress', 'shippingaddress', 'homeaddress', 'mailingaddress', 'postaladdress'],
        accepts: isAddressText,
      },
    ],
  },
  {
    id: 'person-name',
    title: 'Person name',
    category: 'pii',
    sensitivity: 'medium',
    detection:
      'Key name only: `firstName`, `lastName`, `fullName`, `givenName`, `surname`, `cardholderName`, …; `name` only inside `user`/`customer`/`patient`/`person`/`contact`/`cardholder` objects.',
    keyNames: [
      {
        names: [
          'firstname', 'lastname', 'fullname', 'givenname', 'familyname', 'surname', 'middlename', 'maidenname',
          'mothersmaidenname', 'legalname', 'cardholdername', 'nameoncard', 'forename', 'birthname',
        ],
        suffixes: ['firstname', 'lastname', 'fullname', 'givenname', 'familyname', 'surname', 'legalname'],
        accepts: isPersonNameText,
      },
      {
        names: ['name'],
        parents: ['user', 'customer', 'patient', 'person', 'contact', 'cardholder'],
        accepts: isPersonNameText,
      },
    ],
  },
  {
    id: 'ip-address',
    title: 'IP address',
    category: 'network',
    sensitivity: 'low',
    detection: 'Whole-value IPv4 (no leading zeros, octets ≤ 255) or IPv6 (with `::` and IPv4 tail); not under `*version`/`*id` keys.',
    quick: (p) => (p.dot === 3 && p.digits + p.dot === p.length) || (p.colon >= 2 && p.length <= 45),
    detect: isIpAddress,
    skipValueUnderIdKeys: true,
  },
];

/** Priority rank of each built-in class (lower wins the placeholder); custom classes rank after all of them. */
export const CLASS_RANK: ReadonlyMap<string, number> = new Map(DATA_CLASSES.map((c, i) => [c.id, i]));

export function classRank(id: string): number {
  return CLASS_RANK.get(id) ?? DATA_CLASSES.length;
}

export function getDataClass(id: BuiltinDataClassId): DataClassDefinition {
  const def = DATA_CLASSES.find((c) => c.id === id);
  if (!def) throw new Error(`unknown data class ${id}`);
  return def;
}

/** `{ id, title, category, sensitivity }` of every built-in class, for the API and the UI. */
export const DATA_CLASS_INFOS: readonly DataClassInfo[] = DATA_CLASSES.map(({ id, title, category, sensitivity }) => ({
  id,
  title,
  category,
  sensitivity,
}));

const CREDENTIAL_CLASS_IDS: ReadonlySet<string> = new Set(DATA_CLASSES.filter((c) => c.category === 'credentials').map((c) => c.id));

/** Whether a data class is a credential (password, API key, secret, private key, session token, JWT). */
export function isCredentialClass(id: string): boolean {
  return CREDENTIAL_CLASS_IDS.has(id);
}
