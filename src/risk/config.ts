import { z } from 'zod';

/**
 * The `risk` section of the configuration: factor weights and level thresholds. Its own module so that the
 * store (which adds the business-criticality factor) takes its defaults without loading the whole config.
 */
const RiskWeights = z.object({
  internetExposed: z.number().min(0).default(2),
  unauthenticated: z.number().min(0).default(2),
  sensitiveData: z.number().min(0).default(3),
  plainHttp: z.number().min(0).default(1.5),
  weakAuth: z.number().min(0).default(1.5),
  objectIdsInPath: z.number().min(0).default(0.75),
  writeMethod: z.number().min(0).default(0.5),
  undocumented: z.number().min(0).default(0.5),
  /** Endpoints of an application: low 0.25, medium 0.5, high 0.75, critical 1 times this. */
  businessCriticality: z.number().min(0).default(1),
});

export const RiskConfigSchema = z.object({
  weights: RiskWeights.prefault({}),
  levels: z.object({ medium: z.number().default(3.5), high: z.number().default(6), critical: z.number().default(8) }).prefault({}),
});
