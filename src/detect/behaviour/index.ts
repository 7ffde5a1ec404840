/**
 * Behavioural threat detection (issue 5): what no single request shows, across the requests of one actor
 * (the authenticated principal, else the API key, the session, the client address): BOLA, enumeration and
 * forced browsing, credential stuffing and brute force, rate anomalies, scraping and data exposure, BFLA, and
 * token misuse. State is per actor, per endpoint and per host, bounded by `BehaviourConfig.memory`; every
 * detection carries severity, confidence, OWASP API Top 10 2023 category, MITRE ATT&CK technique, the actor
 * and endpoint it is about, and evidence made of counts only (never ids, usernames, tokens or addresses).
 *
 * @example
 * const behaviour = createBehaviourEngine(config.detection.behaviour);
 * const found = behaviour.observe(rawEvent, { ts, facts, endpointKey, template, pathParamNames });
 */
export { actorOf, clientAddressOf, type ActorKey } from './actor.js';
export { BehaviourConfig, type BehaviourConfigInput } from './config.js';
export { BEHAVIOUR_DETECTORS } from './detectors.js';
export { createBehaviourEngine, type BehaviourEngine } from './engine.js';
export type { BehaviourContext, BehaviourDetection } from './state.js';
