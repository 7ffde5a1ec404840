import type { Config } from '../config/config.js';
import type { Redactor } from '../redact/redactor.js';
import type { Logger } from '../util/logger.js';
import { actorOf, createBehaviourEngine } from './behaviour/index.js';
import { createDetectionEngine } from './engine.js';
import { loadModelFile } from './profile/model-file.js';
import { createDetectStage, type DetectStage } from './stage.js';

/**
 * The detect stage as the config asks for it: payload signatures and behavioural detectors always, the
 * learned positive model when `detection.profileFile` names one. Undefined when detection is off.
 *
 * @example
 * const detect = detectStageFromConfig(config.detection, { redactor, logger });
 * createPipeline({ ..., threats: cases, detect });
 */
export function detectStageFromConfig(config: Config['detection'], deps: { redactor: Redactor; logger: Logger }): DetectStage | undefined {
  if (!config.enabled) return undefined;
  const onError = (family: string, err: unknown) => deps.logger.error({ family, err: (err as Error).message }, 'a threat detector failed; the event goes on');
  const engine = createDetectionEngine({
    minConfidence: config.minConfidence,
    ...(config.profileFile === undefined ? {} : { profile: loadModelFile(config.profileFile, 'detection.profileFile') }),
    onError,
  });
  return createDetectStage({ engine, behaviour: createBehaviourEngine(config.behaviour), actorOf, redactor: deps.redactor, onError });
}
