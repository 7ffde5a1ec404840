import type { HttpMethod } from '../contracts/api-event.js';
import type { DataClassId } from '../contracts/data-class.js';
import type { AuthKind } from '../contracts/endpoint.js';
import { HR, HR_ENDPOINTS } from './apps/hr.js';
import { MOBILE, MOBILE_ENDPOINTS } from './apps/mobile.js';
import { PARTNERS, PARTNER_ENDPOINTS } from './apps/partners.js';
import { PAYMENTS, PAYMENTS_ENDPOINTS } from './apps/payments.js';
import { STOREFRONT, STOREFRONT_ENDPOINTS } from './apps/storefront.js';
import type { DemoApplication, EndpointDef } from './kit.js';
import { PROXY_ADDRESS } from './pools.js';

/** Every endpoint, in a fixed order: the weighted sampler indexes this list, so order is part of the output. */
export const ESTATE_ENDPOINTS: readonly EndpointDef[] = [
  ...STOREFRONT_ENDPOINTS,
  ...PAYMENTS_ENDPOINTS,
  ...PARTNER_ENDPOINTS,
  ...HR_ENDPOINTS,
  ...MOBILE_ENDPOINTS,
];

export interface DemoEndpointInfo {
  method: HttpMethod;
  pathTemplate: string;
  scheme: 'http' | 'https';
  auth: AuthKind;
  dataClasses: readonly DataClassId[];
  /** Expected share of ordinary (non-attack, non-planted) traffic, 0..1. */
  share: number;
}

export interface DemoEstate {
  company: string;
  /** The edge proxy: storefront requests through it carry `x-forwarded-for`. */
  proxyAddress: string;
  applications: readonly (DemoApplication & { endpoints: readonly DemoEndpointInfo[] })[];
}

const totalWeight = ESTATE_ENDPOINTS.reduce((s, e) => s + e.weight, 0);

function describe(app: DemoApplication, endpoints: readonly EndpointDef[]) {
  return Object.freeze({
    ...app,
    endpoints: Object.freeze(
      endpoints.map((e) =>
        Object.freeze({
          method: e.method,
          pathTemplate: e.pathTemplate,
          scheme: e.scheme,
          auth: e.auth,
          dataClasses: e.dataClasses,
          share: e.weight / totalWeight,
        }),
      ),
    ),
  });
}

/**
 * What the demo estate is meant to look like, for tests and for the demo's own guide: every application
 * with its host, transport, clients and planted weaknesses, and every endpoint with its auth and data.
 *
 * @example
 * const hr = DEMO_ESTATE.applications.find((a) => a.id === 'hr'); // hr.clients === 'private'
 */
export const DEMO_ESTATE: DemoEstate = Object.freeze({
  company: 'Northwind Outfitters',
  proxyAddress: PROXY_ADDRESS,
  applications: Object.freeze([
    describe(STOREFRONT, STOREFRONT_ENDPOINTS),
    describe(PAYMENTS, PAYMENTS_ENDPOINTS),
    describe(PARTNERS, PARTNER_ENDPOINTS),
    describe(HR, HR_ENDPOINTS),
    describe(MOBILE, MOBILE_ENDPOINTS),
  ]),
});
