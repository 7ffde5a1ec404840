/**
 * The demo estate: Northwind Outfitters, a fictional outdoor retailer with five APIs of uneven quality.
 * `bulwark demo`, tests and benchmarks all draw their traffic from here.
 */
export { DEMO_ESTATE, type DemoEstate, type DemoEndpointInfo } from './estate-model.js';
export type { DemoApplication, AppId } from './kit.js';
export { generateDemoTraffic, generateLabelledDemoTraffic, DemoTrafficOptions } from './traffic.js';
export { writeDemoNdjson } from './ndjson.js';
export { plantedSecretSamples, PLANTED_SECRET_KINDS, type PlantedSecret, type PlantedSecretKind } from './secrets.js';
export { ATTACK_KINDS, type AttackKind, type DemoLabel, type LabelledDemoEvent } from './labels.js';
export { isLuhnValid, isValidIban } from './checksums.js';
