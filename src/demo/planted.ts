import { jsonString } from './json-text.js';
import { endpointOf } from './apps/storefront.js';
import { PARTNER_ENDPOINTS, partnerReply, partnerRequest } from './apps/partners.js';
import { HR_ENDPOINTS, hrReply, staffRequest } from './apps/hr.js';
import { MOBILE_ENDPOINTS, appRequest, verboseError } from './apps/mobile.js';
import { jsonBody, NO_QUERY, type Ctx, type EndpointDef, type Exchange } from './kit.js';
import type { PlantedSecret, PlantedSecretKind } from './secrets.js';

/**
 * Events that carry the planted secrets, each in a place real estates leak them: a request body, a
 * custom header, a settings payload echoed back, and an environment dump inside a verbose 500.
 */
export interface PlantedEvent {
  ep: EndpointDef;
  carries: PlantedSecretKind[];
  build(ctx: Ctx, secrets: Record<PlantedSecretKind, string>): Exchange;
}

const integrations = endpointOf(PARTNER_ENDPOINTS, 'POST', '/partner/v1/integrations');
const sftp = endpointOf(PARTNER_ENDPOINTS, 'PUT', '/partner/v1/sftp/credentials');
const hrSettings = endpointOf(HR_ENDPOINTS, 'PUT', '/settings/integrations');
const mobileProfile = endpointOf(MOBILE_ENDPOINTS, 'GET', '/api/v3/profile');

export const PLANTED_EVENTS: readonly PlantedEvent[] = [
  {
    ep: integrations,
    carries: ['aws-access-key-id', 'aws-secret-access-key'],
    build(ctx, s) {
      const body = jsonBody(
        `{"type":"s3-drop","bucket":"nw-partner-drop-eu","region":"eu-west-1",` +
          `"accessKeyId":"${s['aws-access-key-id']}","secretAccessKey":"${s['aws-secret-access-key']}"}`,
      );
      const req = partnerRequest(ctx, integrations, '/partner/v1/integrations', NO_QUERY, body);
      return { request: req, response: partnerReply(ctx, integrations, 201, jsonBody(`{"id":"int_${ctx.rng.hex(10)}","status":"active"}`)) };
    },
  },
  {
    ep: integrations,
    carries: ['github-token'],
    build(ctx, s) {
      const body = jsonBody('{"type":"github-actions","repository":"trailfreight/northwind-sync","events":["inventory.changed"]}');
      const req = partnerRequest(ctx, integrations, '/partner/v1/integrations', NO_QUERY, body, { 'x-github-token': s['github-token'] });
      return { request: req, response: partnerReply(ctx, integrations, 201, jsonBody(`{"id":"int_${ctx.rng.hex(10)}","status":"active"}`)) };
    },
  },
  {
    ep: hrSettings,
    carries: ['slack-webhook-url'],
    build(ctx, s) {
      const text = `{"emailDigest":true,"slackWebhookUrl":"${s['slack-webhook-url']}","slackChannel":"#people-ops"}`;
      const req = staffRequest(ctx, hrSettings, '/settings/integrations', NO_QUERY, jsonBody(text));
      return { request: req, response: hrReply(ctx, 200, `{"saved":true,"settings":${text}}`) };
    },
  },
  {
    ep: sftp,
    carries: ['private-key'],
    build(ctx, s) {
      const body = jsonBody(`{"username":"drop_alpine3pl","privateKey":${jsonString(s['private-key'])}}`);
      const req = partnerRequest(ctx, sftp, '/partner/v1/sftp/credentials', NO_QUERY, body);
      return { request: req, response: partnerReply(ctx, sftp, 204) };
    },
  },
  {
    ep: mobileProfile,
    carries: ['aws-access-key-id'],
    build(ctx, s) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const req = appRequest(ctx, mobileProfile, '/api/v3/profile', NO_QUERY, user);
      const env = `\nprocess.env: NODE_ENV=production AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=${s['aws-access-key-id']}`;
      const res = verboseError(ctx, '/api/v3/profile', env);
      return { request: req, response: res };
    },
  },
];

export function secretsByKind(samples: readonly PlantedSecret[]): Record<PlantedSecretKind, string> {
  const out = {} as Record<PlantedSecretKind, string>;
  for (const s of samples) out[s.kind] = s.value;
  return out;
}
