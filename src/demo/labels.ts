import type { ApiEventInput } from '../contracts/api-event.js';
import type { PlantedSecretKind } from './secrets.js';

export const ATTACK_KINDS = ['sqli', 'path-traversal', 'xss', 'credential-stuffing', 'bola'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/**
 * Ground truth about a generated event, kept beside it and never inside it: the event must look exactly
 * like user data to the pipeline, and the label is only for tests and detector evaluation.
 */
export interface DemoLabel {
  /** The attack episode this event belongs to; events of one episode share `episode`. */
  attack?: { kind: AttackKind; episode: number };
  /** Planted secrets the event carries. */
  secrets?: PlantedSecretKind[];
}

export interface LabelledDemoEvent {
  event: ApiEventInput;
  /** null for ordinary traffic. */
  label: DemoLabel | null;
}
