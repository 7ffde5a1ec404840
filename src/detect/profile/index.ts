export { createProfileLearner, DEFAULT_LEARNER_OPTIONS, type ProfileLearner, type ProfileLearnerOptions } from './learner.js';
export { createProfileScorer, DEFAULT_SCORER_OPTIONS, type ProfileScorer, type ProfileScorerOptions } from './scorer.js';
export { MAX_MODEL_BYTES, parseProfileModel, PROFILE_MODEL_KIND, PROFILE_MODEL_VERSION, ProfileModel, type HostProfile, type EndpointProfile, type ParamProfile } from './model.js';
export { PARAMETER_PROFILE, PROFILE_DETECTORS, UNKNOWN_ENDPOINT, UNKNOWN_PARAMETER } from './detectors.js';
