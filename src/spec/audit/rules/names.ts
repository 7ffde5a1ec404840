import { compact, matchesName, words, type NameMatcher } from './kit.js';
import { SECRET_PATTERNS } from './patterns.js';

/**
 * Vocabularies of field and parameter names, shared by the rules that look for credentials, personal data
 * and privileged fields by name. Matching is by words and compact substrings (see `matchesName`): no
 * regular expression runs on names.
 */

/** Credentials: the Spectral `no-credentials-in-url` vocabulary plus a few more. */
const CREDENTIAL: NameMatcher = {
  contains: ['secret', 'token', 'password', 'passwd', 'apikey', 'accesskey', 'privatekey', 'sessionid', 'credential'],
  // Cursors and counters named after tokens, and CSRF tokens, are not credentials.
  unless: ['pagetoken', 'nexttoken', 'continuationtoken', 'synctoken', 'cursortoken', 'paginationtoken', 'maxtokens', 'tokencount', 'numtokens', 'tokenlimit', 'tokentype', 'csrf', 'xsrf'],
};
/** The last word names *which* secret, not the secret itself: `secret_name`, `token_id`, `password_policy`. */
const ABOUT_A_SECRET = new Set(['name', 'names', 'id', 'ids', 'type', 'types', 'count', 'status', 'policy', 'length', 'expiry', 'expires', 'expiration', 'hint', 'url', 'uri', 'scanning', 'visibility', 'at', 'date', 'set', 'required', 'enabled', 'changed', 'updated', 'created']);

export function isCredentialName(name: string): boolean {
  if (!matchesName(name, CREDENTIAL)) return false;
  const w = words(name);
  return !ABOUT_A_SECRET.has(w[w.length - 1] ?? '');
}

/** Personal data that identifies or can be used against a person. */
const PERSONAL: NameMatcher = {
  words: ['email', 'phone', 'mobile', 'ssn', 'dob', 'passport', 'iban', 'cvv', 'msisdn', 'birthday'],
  contains: ['dateofbirth', 'birthdate', 'creditcard', 'cardnumber', 'socialsecurity', 'taxid', 'nationalid', 'firstname', 'lastname', 'fullname', 'emailaddress', 'phonenumber', 'homeaddress', 'streetaddress', 'postaladdress', 'billingaddress', 'driverslicense', 'driverlicense'],
};
export function isPersonalDataName(name: string): boolean {
  if (!matchesName(name, PERSONAL)) return false;
  const w = words(name);
  // `email_verified`, `phone_count`: facts about the value, not the value.
  return !ABOUT_A_SECRET.has(w[w.length - 1] ?? '') && !['verified', 'enabled', 'visibility', 'confirmed'].includes(w[w.length - 1] ?? '');
}

/** A stored secret a response should never carry back (tokens excepted: token endpoints return them by design). */
export function isSecretFieldName(name: string): boolean {
  const c = compact(name);
  return ['password', 'passwd', 'secret', 'privatekey', 'secretkey', 'clientsecret', 'passphrase', 'passwordhash', 'pinhash'].some((s) => c.endsWith(s)) || c === 'cvv' || c === 'cvc' || c === 'pin';
}

export function isPasswordName(name: string): boolean {
  const c = compact(name);
  return c.endsWith('password') || c.endsWith('passwd') || c.endsWith('passphrase');
}

/** Fields that grant power or money: writing them from a request is privilege escalation. */
const PRIVILEGED = new Set(['role', 'roles', 'userrole', 'usertype', 'isadmin', 'admin', 'superuser', 'issuperuser', 'isstaff', 'permission', 'permissions', 'privilege', 'privileges', 'accesslevel', 'isverified', 'verified', 'emailverified', 'phoneverified', 'balance', 'accountbalance', 'credits', 'ownerid', 'isowner', 'isapproved', 'approved']);
export const isPrivilegedFieldName = (name: string) => PRIVILEGED.has(compact(name));

const FILE_PATH = new Set(['file', 'filename', 'filepath', 'path', 'dir', 'directory', 'folder', 'dirname', 'pathname', 'filelocation', 'template', 'templatename', 'include']);
export const isFilePathName = (name: string) => FILE_PATH.has(compact(name));

const REDIRECT = new Set(['redirect', 'redirecturi', 'redirecturl', 'redirectto', 'returnto', 'returnurl', 'returnuri', 'next', 'nexturl', 'continue', 'continueurl', 'goto', 'dest', 'destination', 'forward', 'forwardurl', 'successurl', 'cancelurl', 'failureurl']);
export const isRedirectName = (name: string) => REDIRECT.has(compact(name));

const JSONP = new Set(['callback', 'jsonp', 'jsonpcallback', 'cb']);
export const isJsonpName = (name: string) => JSONP.has(compact(name));

/** A URL the server may fetch: `…url`, `…uri`, `webhook`, `callback…` (Spectral `concerning-url-parameter`). */
export function isUrlName(name: string): boolean {
  const c = compact(name);
  return c.endsWith('url') || c.endsWith('uri') || c === 'webhook' || c.startsWith('callback') || c === 'href' || c === 'feed';
}

const SORT = new Set(['sort', 'sortby', 'orderby', 'order', 'sortfield', 'ordering', 'sortkey', 'orderfield', 'sortcolumn']);
export const isSortName = (name: string) => SORT.has(compact(name));

const FIELD_SELECTION = new Set(['fields', 'select', 'expand', 'include', 'embed', 'projection', 'attributes', 'columns']);
export const isFieldSelectionName = (name: string) => FIELD_SELECTION.has(compact(name));

const PAGE_SIZE = new Set(['limit', 'perpage', 'pagesize', 'size', 'count', 'maxresults', 'top', 'take', 'first', 'last', 'maxitems', 'max', 'pagelimit', 'batchsize']);
export const isPageSizeName = (name: string) => PAGE_SIZE.has(compact(name));

/** Spectral `no-numeric-ids`: `id`, or ending in `_id`, `-id`, `Id` (and `ID`). */
export function isIdName(name: string): boolean {
  return name === 'id' || name === 'ID' || name === 'Id' || name.endsWith('_id') || name.endsWith('-id') || name.endsWith('Id') || name.endsWith('ID');
}

const TOKEN_SEPARATORS = new Set([' ', '\t', '\n', '\r', '"', "'", '`', ',', ';', '(', ')', '<', '>', '[', ']', '{', '}', '=', '&', '?', '#', '/', '\\', '|', '*']);

/** The kind of secret a string contains, or null. Linear: split once, anchored patterns per token. */
const SECRET_MARKERS = ['AKIA', 'ASIA', 'gh', 'github_pat_', 'xox', '_live_', 'AIza', 'eyJ'];

export function secretIn(value: string): string | null {
  if (value.length < 20) return null;
  if (value.includes('-----BEGIN') && value.includes('PRIVATE KEY-----')) return 'a private key';
  // Cheap native pre-check: most example strings contain none of the prefixes.
  if (!SECRET_MARKERS.some((m) => value.includes(m))) return null;
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && !TOKEN_SEPARATORS.has(value[i]!)) continue;
    if (i - start >= 20) {
      // `Bearer eyJ…`, `token:ghp_…`: strip a scheme-like prefix ending in `:`.
      let token = value.slice(start, i);
      const colon = token.lastIndexOf(':');
      if (colon >= 0 && colon < 16) token = token.slice(colon + 1);
      for (const p of SECRET_PATTERNS) if (p.re.test(token)) return p.kind;
    }
    start = i + 1;
  }
  return null;
}
