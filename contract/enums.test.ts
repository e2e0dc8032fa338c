import { describe, expect, it } from 'vitest';
import { APPEAL_TYPES, appealTypeOf, URGENCIES, urgencyOf } from './enums';
import { APPEAL_TYPES as CLASSIFIER_APPEAL_LABELS } from '../classifier/src/rules/appeal-type';

describe('the shared codes', () => {
  it('every label the classifier can give an appeal type maps to a code, and every code has a label', () => {
    expect(CLASSIFIER_APPEAL_LABELS.map(appealTypeOf)).not.toContain(null);
    expect(new Set(CLASSIFIER_APPEAL_LABELS.map(appealTypeOf))).toEqual(new Set(APPEAL_TYPES));
  });
  it('every urgency label of the classifier maps to its code; unknown labels map to nothing', () => {
    expect(['一般', '紧急', '特急'].map(urgencyOf)).toEqual([...URGENCIES]);
    expect(urgencyOf('critical')).toBe('critical');
    expect(urgencyOf('很急')).toBeNull();
    expect(appealTypeOf('type.complaint')).toBeNull();
  });
});
