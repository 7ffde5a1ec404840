import { z } from 'zod';

/** Categories of sensitive data, as a data-protection officer groups them. */
export const DataCategory = z.enum(['pii', 'financial', 'credentials', 'health', 'network']);
export type DataCategory = z.infer<typeof DataCategory>;

export const Sensitivity = z.enum(['low', 'medium', 'high', 'critical']);
export type Sensitivity = z.infer<typeof Sensitivity>;

/**
 * Built-in data class ids. Custom classes from config add their own ids (kebab-case, prefixed `custom-`).
 * Each id is also the type tag in a redaction placeholder, e.g. `[REDACTED:email:9f86d081884c7d65]`.
 */
export const BUILTIN_DATA_CLASSES = [
  'email',
  'phone',
  'payment-card',
  'iban',
  'us-ssn',
  'uk-nino',
  'ca-sin',
  'in-pan',
  'in-aadhaar',
  'date-of-birth',
  'street-address',
  'ip-address',
  'jwt',
  'password',
  'api-key',
  'secret',
  'private-key',
  'session-token',
  'health-id',
  'person-name',
] as const;

export const DataClassId = z.string().regex(/^[a-z][a-z0-9-]{1,48}$/);
export type DataClassId = z.infer<typeof DataClassId>;

export const DataClassInfo = z.object({
  id: DataClassId,
  title: z.string(),
  category: DataCategory,
  sensitivity: Sensitivity,
});
export type DataClassInfo = z.infer<typeof DataClassInfo>;

/** Where in an event a value was found. `name` is the parameter name, or a JSON pointer for body fields. */
export const ValueLocation = z.enum(['path', 'query', 'header', 'cookie', 'body']);
export type ValueLocation = z.infer<typeof ValueLocation>;

export const Direction = z.enum(['request', 'response']);
export type Direction = z.infer<typeof Direction>;

/** One detection of a data class at a location in one event. Never carries the value itself. */
export const DataClassHit = z.object({
  dataClass: DataClassId,
  direction: Direction,
  location: ValueLocation,
  name: z.string(),
});
export type DataClassHit = z.infer<typeof DataClassHit>;
