import { z } from 'zod';

/** Thresholds and memory bounds of the behavioural detectors (see docs/detection.md). */
export const BehaviourConfig = z.object({}).strict();
export type BehaviourConfig = z.output<typeof BehaviourConfig>;
