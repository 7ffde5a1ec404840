import { isSafe } from 'redos-detector';
import { describe, expect, it } from 'vitest';
import { CLF_TIME } from '../normalize/timestamp.js';
import { ENVOY_HEAD, HAR_HEAD, NGINX_HEAD } from './detect-format.js';
import { HOSTNAME, IP_LIST, SECONDS } from './nginx.js';

// Every pattern that runs on attacker-controlled log text must be free of super-linear backtracking.
describe('source patterns are ReDoS-safe', () => {
  it.each(Object.entries({ CLF_TIME, ENVOY_HEAD, HAR_HEAD, NGINX_HEAD, HOSTNAME, IP_LIST, SECONDS }))('%s', (_name, re) => {
    expect(isSafe(re).safe).toBe(true);
  });
});
