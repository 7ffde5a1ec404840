import { jsonString } from './json-text.js';
import { luhnCheckDigit, makeIban } from './checksums.js';
import { Rng, ZipfSampler, mixSeed } from './prng.js';

/**
 * Value pools for the estate: people, products, cards, addresses. Built once per run from the seed, and
 * with their JSON fragments pre-rendered, because the per-event budget is a few microseconds: events are
 * assembled by concatenating these fragments, never by serialising objects.
 */

const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Ava', 'Elijah', 'Sophia', 'Mateo', 'Isabella',
  'Lucas', 'Mia', 'Levi', 'Charlotte', 'Ezra', 'Harper', 'Asher', 'Evelyn', 'James', 'Aria', 'Leo', 'Chloé',
  'José', 'Zoë', 'Søren', 'Priya', 'Arjun', 'Mei', 'Hiroshi', 'Fatima', 'Omar', 'Aisha', 'Kwame', 'Ngozi',
  'Siobhan', 'Declan', 'Freya', 'Callum', 'Isla', 'Rhys', 'Niamh', 'Tomás', 'Lucía', 'Björn', 'Astrid',
  'Daniel', 'Grace', 'Samuel', 'Hannah', 'Benjamin', 'Ruby', 'Jack', 'Poppy', 'Ethan', 'Maya', 'Caleb',
];
const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  "O'Brien", 'Nakamura', 'Okafor', 'Patel', 'Nguyen', 'Kowalski', 'Müller', 'Lindqvist', 'Fitzgerald',
  'MacLeod', 'Evans', 'Hughes', 'Price', 'Walsh', 'Byrne', 'Chen', 'Singh', 'Haddad', 'Mensah', 'Novak',
];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'];

const US_PLACES: readonly (readonly [string, string, string, string])[] = [
  ['Portland', 'OR', '97205', '503'], ['Seattle', 'WA', '98101', '206'], ['Boulder', 'CO', '80302', '303'],
  ['Denver', 'CO', '80202', '720'], ['Bend', 'OR', '97701', '541'], ['Salt Lake City', 'UT', '84101', '801'],
  ['Missoula', 'MT', '59801', '406'], ['Asheville', 'NC', '28801', '828'], ['Burlington', 'VT', '05401', '802'],
  ['Flagstaff', 'AZ', '86001', '928'], ['Bozeman', 'MT', '59715', '406'], ['Duluth', 'MN', '55802', '218'],
  ['Minneapolis', 'MN', '55401', '612'], ['Madison', 'WI', '53703', '608'], ['Austin', 'TX', '78701', '512'],
  ['San Francisco', 'CA', '94110', '415'], ['Sacramento', 'CA', '95814', '916'], ['Boise', 'ID', '83702', '208'],
];
const UK_PLACES: readonly (readonly [string, string, string])[] = [
  ['London', 'SW1A 1AA', '20'], ['Manchester', 'M1 1AE', '161'], ['Edinburgh', 'EH1 1YZ', '131'],
  ['Bristol', 'BS1 4DJ', '117'], ['Leeds', 'LS1 4AP', '113'], ['Kendal', 'LA9 4DT', '1539'],
];
const STREETS = [
  'Cedar Ave', 'Maple St', 'Alder Way', 'Summit Rd', 'Ridge Ln', 'Pine Ct', 'Birch Dr', 'River Rd',
  'Lakeview Blvd', 'Canyon Trl', 'Aspen Pl', 'Oak St', 'Highland Ave', 'Meadow Ln', 'Glacier Way',
];
const UK_STREETS = ['High Street', 'Station Road', 'Church Lane', 'Park Road', 'Mill Lane', 'Victoria Road'];

/**
 * Client addresses. Documentation ranges (RFC 5737 / RFC 3849) plus addresses from the public GeoIP test
 * databases, which look like ordinary public addresses and geolocate in test fixtures.
 */
const REALISTIC_PUBLIC_V4 = [
  '81.2.69.142', '81.2.69.160', '89.160.20.112', '89.160.20.128', '175.16.199.3', '216.160.83.56',
  '2.125.160.216', '67.43.156.7', '202.196.224.5', '149.101.100.3', '111.235.160.9', '217.65.48.3',
];
const REALISTIC_PUBLIC_V6 = ['2a02:cf40::1', '2001:480::52', '2a02:d3c0::7', '2001:218:85a3::31'];

export const PROXY_ADDRESS = '10.0.0.5';

const BROWSER_UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const MOBILE_UAS = [
  'NorthwindMobile/3.8.2 (Android 13; SM-G991B) okhttp/4.12.0',
  'NorthwindMobile/3.8.2 (Android 14; Pixel 7) okhttp/4.12.0',
  'NorthwindMobile/3.7.9 (iOS 17.6; iPhone14,5) CFNetwork/1496.0.7',
  'NorthwindMobile/3.8.1 (iOS 18.1; iPhone15,2) CFNetwork/1568.100.1',
];

export const CATEGORY_SLUGS = [
  'tents', 'sleeping-bags', 'sleeping-pads', 'backpacks', 'daypacks', 'hiking-boots', 'trail-running-shoes',
  'approach-shoes', 'rain-jackets', 'insulated-jackets', 'fleece', 'base-layers', 'hiking-pants', 'socks',
  'gloves', 'hats', 'trekking-poles', 'headlamps', 'camp-stoves', 'cookware', 'water-filters', 'hydration',
  'climbing-harnesses', 'climbing-ropes', 'carabiners', 'helmets', 'kayaks', 'paddles', 'snowshoes',
  'ski-touring', 'navigation', 'first-aid', 'kids', 'sale',
] as const;
const CATEGORY_NOUNS: Record<string, string> = {
  tents: 'Tent', 'sleeping-bags': 'Sleeping Bag', 'sleeping-pads': 'Sleeping Pad', backpacks: 'Backpack',
  daypacks: 'Daypack', 'hiking-boots': 'Hiking Boot', 'trail-running-shoes': 'Trail Runner',
  'approach-shoes': 'Approach Shoe', 'rain-jackets': 'Rain Jacket', 'insulated-jackets': 'Down Jacket',
  fleece: 'Fleece', 'base-layers': 'Base Layer Top', 'hiking-pants': 'Hiking Pant', socks: 'Merino Sock',
  gloves: 'Glove', hats: 'Beanie', 'trekking-poles': 'Trekking Poles', headlamps: 'Headlamp',
  'camp-stoves': 'Stove', cookware: 'Cook Set', 'water-filters': 'Water Filter', hydration: 'Hydration Pack',
  'climbing-harnesses': 'Harness', 'climbing-ropes': 'Dynamic Rope', carabiners: 'Carabiner', helmets: 'Helmet',
  kayaks: 'Kayak', paddles: 'Paddle', snowshoes: 'Snowshoe', 'ski-touring': 'Touring Binding',
  navigation: 'GPS Watch', 'first-aid': 'First Aid Kit', kids: 'Kids Rain Jacket', sale: 'Outlet Vest',
};
const MODEL_WORDS = [
  'Summit', 'Ridge', 'Cascade', 'Alpine', 'Timberline', 'Basecamp', 'Switchback', 'Granite', 'Tundra', 'Sierra',
  'Rainier', 'Olympic', 'Coastal', 'Boreal', 'Talus', 'Cirque', 'Trailhead', 'Northwind', 'Glacier', 'Canyon',
];
export const SEARCH_TERMS = [
  'tent', '2 person tent', 'rain jacket', 'gore-tex', 'down jacket womens', 'hiking boots', 'merino socks',
  'headlamp', 'water filter', 'trekking poles', 'sleeping bag 20F', 'ultralight backpack', 'kids jacket',
  'camp stove', 'climbing rope 9.5', 'helmet', 'gloves', 'base layer', 'kayak', 'sale',
];

export interface Person {
  id: number;
  name: string;
  email: string;
  phone: string;
  /** `name`, `email`, `phone` as JSON string literals, ready to splice into bodies. */
  nameJson: string;
  emailJson: string;
  phoneJson: string;
  dob: string;
  ip: string;
  ua: string;
  /** JSON object text of the postal address. */
  addressJson: string;
  /** JSON object text: `{ "id", "name", "email", "phone" }`. */
  customerJson: string;
  /** Full profile JSON, the `/users/me` response. */
  profileJson: string;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  price: string;
  priceCents: number;
  category: string;
  detailJson: string;
  summaryJson: string;
  reviewsJson: string;
}

export interface Card {
  pan: string;
  brand: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  holder: string;
}

export interface Employee {
  id: number;
  name: string;
  email: string;
  ip: string;
  session: string;
  department: string;
  summaryJson: string;
  recordJson: string;
  payslipsJson: string;
}

export interface Merchant {
  name: string;
  apiKey: string;
  ip: string;
  ua: string;
}

export interface Partner {
  name: string;
  authorization: string;
  ip: string;
  ua: string;
}

export interface Payee {
  iban: string;
  name: string;
}

export interface DemoPools {
  users: Person[];
  userZipf: ZipfSampler;
  products: Product[];
  productZipf: ZipfSampler;
  categoryZipf: ZipfSampler;
  publicIps: string[];
  browserUas: readonly string[];
  mobileUas: readonly string[];
  cards: Card[];
  payees: Payee[];
  merchants: Merchant[];
  partners: Partner[];
  employees: Employee[];
  employeeZipf: ZipfSampler;
  /** Order ids: user u owns ORDER_BASE + u * ORDERS_PER_USER + k for k < orderCount[u]. */
  orderCount: Uint8Array;
}

export const ORDER_BASE = 40_210_000;
export const ORDERS_PER_USER = 6;
export const USER_ID_BASE = 100_000;
export const PRODUCT_ID_BASE = 10_001;

export const DEPARTMENTS = ['engineering', 'retail-ops', 'logistics', 'finance', 'marketing', 'customer-care', 'people'];
const TITLES = ['Associate', 'Specialist', 'Senior Specialist', 'Manager', 'Director', 'Engineer', 'Analyst'];

const j = jsonString;

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function isoDate(rng: Rng, fromYear: number, toYear: number): string {
  const y = rng.range(fromYear, toYear);
  const m = rng.range(1, 12);
  const d = rng.range(1, 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function publicIpv4(rng: Rng): string {
  const r = rng.float();
  if (r < 0.4) return `203.0.113.${rng.range(1, 254)}`;
  if (r < 0.8) return `198.51.100.${rng.range(1, 254)}`;
  return rng.pick(REALISTIC_PUBLIC_V4);
}

function publicIp(rng: Rng): string {
  const r = rng.float();
  if (r < 0.78) return publicIpv4(rng);
  if (r < 0.95) return `2001:db8:${rng.hex(4)}:${rng.range(1, 0xffff).toString(16)}::${rng.range(1, 0xfff).toString(16)}`;
  return rng.pick(REALISTIC_PUBLIC_V6);
}

function privateIp(rng: Rng): string {
  return rng.chance(0.6) ? `10.${rng.range(20, 23)}.${rng.range(0, 15)}.${rng.range(2, 250)}` : `192.168.${rng.range(1, 4)}.${rng.range(2, 250)}`;
}

function usPhone(rng: Rng, area: string): string {
  // 555-0100..0199 is the range reserved for fiction.
  const line = `01${rng.digits(2)}`;
  switch (rng.int(3)) {
    case 0:
      return `+1 ${area} 555 ${line}`;
    case 1:
      return `(${area}) 555-${line}`;
    default:
      return `+1-${area}-555-${line}`;
  }
}

function ukPhone(rng: Rng, area: string): string {
  // Ofcom's drama ranges: 020 7946 0xxx, 0161 496 0xxx, ...
  return area === '20' ? `+44 20 7946 0${rng.digits(3)}` : `+44 ${area} 496 0${rng.digits(3)}`;
}

/** US SSN that passes format validation: no 000/666/9xx area, no 00 group, no 0000 serial. */
export function usSsn(rng: Rng): string {
  let area = rng.range(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(rng.range(1, 99)).padStart(2, '0')}-${String(rng.range(1, 9999)).padStart(4, '0')}`;
}

const NINO_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NINO_SECOND = 'ABCEGHJKLMNPRSTWXYZ';
const NINO_BANNED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** UK National Insurance number with the HMRC prefix rules (no D/F/I/Q/U/V, no O second, no banned pairs). */
export function ukNino(rng: Rng): string {
  let prefix = '';
  do prefix = rng.pick([...NINO_FIRST]) + rng.pick([...NINO_SECOND]);
  while (NINO_BANNED.has(prefix));
  const d = rng.digits(6);
  const suffix = rng.pick(['A', 'B', 'C', 'D']);
  return rng.chance(0.5) ? `${prefix}${d}${suffix}` : `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${suffix}`;
}

function makePan(rng: Rng, prefix: string, length: number): string {
  const payload = prefix + rng.digits(length - prefix.length - 1);
  return payload + String(luhnCheckDigit(payload));
}

/** Well-known processor test numbers first: what a real staging estate is full of. */
const TEST_PANS: readonly (readonly [string, string])[] = [
  ['4111111111111111', 'visa'], ['4242424242424242', 'visa'], ['4000056655665556', 'visa'],
  ['5555555555554444', 'mastercard'], ['5105105105105100', 'mastercard'], ['2223003122003222', 'mastercard'],
  ['378282246310005', 'amex'], ['371449635398431', 'amex'], ['6011111111111117', 'discover'],
];

export function makeIbanFor(rng: Rng): string {
  switch (rng.int(4)) {
    case 0:
      return makeIban('GB', rng.pick(['NWBK', 'BARC', 'MIDL', 'LOYD']) + rng.digits(14));
    case 1:
      return makeIban('DE', rng.digits(18));
    case 2:
      return makeIban('FR', rng.digits(23));
    default:
      return makeIban('NL', rng.pick(['ABNA', 'INGB', 'RABO']) + rng.digits(10));
  }
}

function productPrice(rng: Rng, category: string): string {
  const base = category === 'kayaks' ? 600 : category === 'tents' || category === 'ski-touring' ? 250 : 40;
  return (base + rng.int(base * 2) + 0.95).toFixed(2);
}

const REVIEW_TITLES = ['Great on the trail', 'Worth every penny', 'Runs small', 'Solid build', 'Not waterproof enough', 'Love it'];

function buildProducts(rng: Rng, people: Person[]): Product[] {
  const products: Product[] = [];
  for (let i = 0; i < 800; i++) {
    const category = CATEGORY_SLUGS[i % CATEGORY_SLUGS.length]!;
    const id = PRODUCT_ID_BASE + i;
    const name = `${rng.pick(MODEL_WORDS)} ${rng.pick(MODEL_WORDS)} ${CATEGORY_NOUNS[category] ?? 'Gear'}`;
    const sku = `NW-${category.slice(0, 3).toUpperCase()}-${String(id).padStart(6, '0')}`;
    const price = productPrice(rng, category);
    const rating = (3 + rng.float() * 2).toFixed(1);
    const stock = rng.int(120);
    const summaryJson = `{"id":${id},"sku":${j(sku)},"name":${j(name)},"price":${price},"currency":"USD","rating":${rating}}`;
    const detailJson =
      `{"id":${id},"sku":${j(sku)},"name":${j(name)},"category":${j(category)},"price":${price},"currency":"USD",` +
      `"rating":${rating},"inStock":${stock > 0},"stock":${stock},"variants":[{"sku":${j(sku + '-S')},"size":"S"},` +
      `{"sku":${j(sku + '-M')},"size":"M"},{"sku":${j(sku + '-L')},"size":"L"}],` +
      `"images":["https://cdn.northwind.example/p/${id}/1.jpg","https://cdn.northwind.example/p/${id}/2.jpg"]}`;
    const reviews: string[] = [];
    for (let r = 0, n = rng.int(4); r < n; r++) {
      const author = rng.pick(people);
      reviews.push(
        `{"id":${id * 10 + r},"rating":${rng.range(2, 5)},"title":${j(rng.pick(REVIEW_TITLES))},` +
          `"author":${j(author.name.split(' ')[0] + ' ' + author.name.split(' ').slice(-1)[0]!.charAt(0) + '.')},` +
          `"createdAt":"${isoDate(rng, 2023, 2025)}T12:00:00Z"}`,
      );
    }
    const reviewsJson = `{"productId":${id},"reviews":[${reviews.join(',')}],"total":${reviews.length}}`;
    products.push({ id, sku, name, price, priceCents: Math.round(Number(price) * 100), category, detailJson, summaryJson, reviewsJson });
  }
  return products;
}

function buildPeople(rng: Rng, n: number): Person[] {
  const people: Person[] = [];
  for (let i = 0; i < n; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const name = `${first} ${last}`;
    const local = rng.chance(0.5) ? `${ascii(first)}.${ascii(last)}` : `${ascii(first).charAt(0)}${ascii(last)}${rng.range(1, 99)}`;
    const email = `${local}@${rng.pick(EMAIL_DOMAINS)}`;
    let addressJson: string;
    let phone: string;
    if (rng.chance(0.85)) {
      const [city, state, zip, area] = rng.pick(US_PLACES);
      phone = usPhone(rng, area);
      addressJson = `{"line1":${j(`${rng.range(10, 9899)} ${rng.pick(STREETS)}`)},"city":${j(city)},"region":"${state}","postalCode":"${zip}","country":"US"}`;
    } else {
      const [city, postcode, area] = rng.pick(UK_PLACES);
      phone = ukPhone(rng, area);
      addressJson = `{"line1":${j(`${rng.range(1, 180)} ${rng.pick(UK_STREETS)}`)},"city":${j(city)},"postalCode":"${postcode}","country":"GB"}`;
    }
    const dob = isoDate(rng, 1952, 2005);
    const id = USER_ID_BASE + i;
    const customerJson = `{"id":${id},"name":${j(name)},"email":${j(email)},"phone":${j(phone)}}`;
    const profileJson =
      `{"id":${id},"firstName":${j(first)},"lastName":${j(last)},"email":${j(email)},"phone":${j(phone)},` +
      `"dateOfBirth":"${dob}","defaultAddress":${addressJson},"marketingOptIn":${rng.chance(0.3)},` +
      `"loyalty":{"tier":${j(rng.pick(['basecamp', 'summit', 'peak']))},"points":${rng.int(9000)}}}`;
    people.push({
      id, name, email, phone, dob, addressJson, customerJson, profileJson,
      nameJson: j(name), emailJson: j(email), phoneJson: j(phone),
      ip: publicIp(rng),
      ua: rng.pick(BROWSER_UAS),
    });
  }
  return people;
}

function buildEmployees(rng: Rng): Employee[] {
  const employees: Employee[] = [];
  for (let i = 0; i < 320; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const name = `${first} ${last}`;
    const id = 1000 + i;
    const email = `${ascii(first)}.${ascii(last)}@northwind.example`;
    const department = rng.pick(DEPARTMENTS);
    const title = rng.pick(TITLES);
    const uk = rng.chance(0.25);
    const [city, state, zip, area] = rng.pick(US_PLACES);
    const ukPlace = rng.pick(UK_PLACES);
    const phone = uk ? ukPhone(rng, ukPlace[2]) : usPhone(rng, area);
    const address = uk
      ? `{"line1":${j(`${rng.range(1, 180)} ${rng.pick(UK_STREETS)}`)},"city":${j(ukPlace[0])},"postalCode":"${ukPlace[1]}","country":"GB"}`
      : `{"line1":${j(`${rng.range(10, 9899)} ${rng.pick(STREETS)}`)},"city":${j(city)},"region":"${state}","postalCode":"${zip}","country":"US"}`;
    const nationalId = uk ? `"niNumber":${j(ukNino(rng))}` : `"ssn":"${usSsn(rng)}"`;
    const salary = rng.range(38, 210) * 1000;
    const iban = uk ? makeIban('GB', 'NWBK' + rng.digits(14)) : undefined;
    const bank = iban ? `{"iban":"${iban}"}` : `{"routingNumber":"${rng.digits(9)}","accountNumber":"${rng.digits(10)}"}`;
    const summaryJson = `{"id":${id},"name":${j(name)},"email":${j(email)},"department":${j(department)},"title":${j(title)}}`;
    const recordJson =
      `{"id":${id},"name":${j(name)},"email":${j(email)},"phone":${j(phone)},"department":${j(department)},` +
      `"title":${j(title)},${nationalId},"dateOfBirth":"${isoDate(rng, 1960, 2003)}","homeAddress":${address},` +
      `"salary":{"amount":${salary},"currency":"${uk ? 'GBP' : 'USD'}"},"bankAccount":${bank},` +
      `"startDate":"${isoDate(rng, 2012, 2025)}","manager":${1000 + rng.int(40)}}`;
    const monthly = (salary / 12).toFixed(2);
    const payslipsJson =
      `{"employeeId":${id},"payslips":[` +
      ['2025-10', '2025-11', '2025-12']
        .map((m) => `{"period":"${m}","gross":${monthly},"net":${(salary / 12 * 0.71).toFixed(2)},"paidTo":${bank}}`)
        .join(',') +
      ']}';
    employees.push({
      id, name, email, department, summaryJson, recordJson, payslipsJson,
      ip: privateIp(rng),
      session: rng.hex(40),
    });
  }
  return employees;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function buildPools(seed: number): DemoPools {
  const rng = new Rng(mixSeed(seed, 101));
  const users = buildPeople(rng, 5000);
  const products = buildProducts(rng, users);
  const cards: Card[] = [];
  for (let i = 0; i < 240; i++) {
    const holder = rng.pick(users).name;
    let pan: string;
    let brand: string;
    if (i < TEST_PANS.length) [pan, brand] = TEST_PANS[i]!;
    else if (rng.chance(0.55)) [pan, brand] = [makePan(rng, '4', 16), 'visa'];
    else if (rng.chance(0.7)) [pan, brand] = [makePan(rng, String(rng.range(51, 55)), 16), 'mastercard'];
    else [pan, brand] = [makePan(rng, rng.pick(['34', '37']), 15), 'amex'];
    cards.push({ pan, brand, holder, expMonth: rng.range(1, 12), expYear: rng.range(2026, 2031), cvc: rng.digits(brand === 'amex' ? 4 : 3) });
  }
  const payees: Payee[] = [];
  for (let i = 0; i < 120; i++) payees.push({ iban: makeIbanFor(rng), name: rng.pick(users).name });
  const merchants: Merchant[] = [
    { name: 'storefront-checkout', ip: '198.51.100.20', ua: 'northwind-checkout/2.14.0 node/20.18.0' },
    { name: 'storefront-checkout', ip: '198.51.100.21', ua: 'northwind-checkout/2.14.0 node/20.18.0' },
    { name: 'returns-service', ip: '198.51.100.34', ua: 'northwind-returns/1.6.3 (+okhttp/4.12.0)' },
    { name: 'finance-payouts', ip: '81.2.69.160', ua: 'python-requests/2.32.3' },
  ].map((m) => ({ ...m, apiKey: 'sk_live_' + rng.chars(24, ALNUM) }));
  const partners: Partner[] = [
    ['trailfreight', 'Java/17.0.12', '89.160.20.128'],
    ['summit-dropship', 'python-requests/2.31.0', '175.16.199.3'],
    ['gearhub-marketplace', 'Go-http-client/1.1', '203.0.113.77'],
    ['alpine-3pl', 'curl/8.5.0', '2.125.160.216'],
  ].map(([name, ua, ip]) => ({
    name: name!,
    ua: ua!,
    ip: ip!,
    authorization: 'Basic ' + Buffer.from(`${name}:${rng.chars(18, ALNUM)}`).toString('base64'),
  }));
  const publicIps: string[] = [];
  for (let i = 0; i < 600; i++) publicIps.push(publicIp(rng));
  const orderCount = new Uint8Array(users.length);
  for (let u = 0; u < users.length; u++) orderCount[u] = 1 + rng.int(ORDERS_PER_USER);
  const employees = buildEmployees(rng);
  return {
    users,
    userZipf: new ZipfSampler(users.length, 0.9, rng),
    products,
    productZipf: new ZipfSampler(products.length, 1.05, rng),
    categoryZipf: new ZipfSampler(CATEGORY_SLUGS.length, 1.0, rng),
    publicIps,
    browserUas: BROWSER_UAS,
    mobileUas: MOBILE_UAS,
    cards,
    payees,
    merchants,
    partners,
    employees,
    employeeZipf: new ZipfSampler(employees.length, 0.8, rng),
    orderCount,
  };
}
