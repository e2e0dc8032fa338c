/**
 * @rexian/classifier — in-process classification for the 12345 intake (no network).
 *
 * ```ts
 * import { loadModel, createDuplicateIndex, maskPii } from '@rexian/classifier';
 * const classifier = loadModel();              // shipped model, ~0.3 s
 * const r = classifier.classify({ title, content });
 * // r.category, r.confidence, r.alternatives, r.type, r.urgency, r.emergency, r.reasons,
 * // r.modelVersion (store it on the ticket), r.pii (spans to mask)
 * classifier.reloadModel();                    // pick up a newly trained version, no restart
 * ```
 */
export { Classifier, loadModel, type AppealInput, type ClassificationResult } from './classifier.js';
export {
  bandKeys,
  createDuplicateIndex,
  judgeSameMatter,
  SAME_MATTER_MIN_SCORE,
  type SameMatterReason,
  signature,
  signatureFromBytes,
  signatureSimilarity,
  signatureToBytes,
  DuplicateIndex,
  type DuplicateMatch,
  type DuplicateMeta,
  type DuplicateQueryOptions,
} from './duplicates.js';
export { extractPii, isValidIdNumber, maskPii, maskText, type PiiKind, type PiiSpan } from './pii.js';
export { APPEAL_TYPES, type AppealType } from './rules/appeal-type.js';
export { detectEmergency, type EmergencyEvidence, type EmergencyLine } from './rules/emergency.js';
export { assessUrgency, type Urgency } from './rules/urgency.js';
export { latestModelPath, MODELS_DIR } from './model-store.js';
