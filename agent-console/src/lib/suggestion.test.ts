import { describe, expect, it } from 'vitest';
import { classificationDefaults, viewSuggestion } from './suggestion';

const base = { confidence: 0.8, alternatives: [], reasons: [], type: 'complaint', urgency: 'normal', modelVersion: 'm1' };

describe('classifier suggestion view', () => {
  it('reads {code,name} and bare-code categories', () => {
    expect(viewSuggestion({ ...base, category: { code: 'C1', name: '噪声' }, emergency: false })?.categoryName).toBe('噪声');
    expect(viewSuggestion({ ...base, category: 'C2', emergency: false })).toMatchObject({ categoryCode: 'C2', categoryName: null });
  });

  it('turns any emergency signal into a transfer line, defaulting to 110', () => {
    expect(viewSuggestion({ ...base, category: 'C', emergency: true })?.emergencyLine).toBe('110');
    expect(viewSuggestion({ ...base, category: 'C', emergency: '119' })?.emergencyLine).toBe('119');
    expect(viewSuggestion({ ...base, category: 'C', emergency: { line: '120' } })?.emergencyLine).toBe('120');
    expect(viewSuggestion({ ...base, category: 'C', emergency: null })?.emergencyLine).toBeNull();
  });

  it('is null without a suggestion and tolerates odd reasons', () => {
    expect(viewSuggestion(null)).toBeNull();
    expect(viewSuggestion({ ...base, category: 'C', emergency: false, reasons: ['施工', { token: '夜间' }] })?.reasons).toEqual(['施工', '{"token":"夜间"}']);
  });
});

describe('classification defaults for one-key confirm', () => {
  it("keeps the agent's choices and fills gaps from the suggestion", () => {
    const suggestion = { ...base, category: { code: 'C9', name: 'x' }, emergency: false };
    expect(classificationDefaults({ categoryCode: null, appealType: 'help', urgency: null, suggestion })).toEqual({
      categoryCode: 'C9',
      appealType: 'help',
      urgency: 'normal',
    });
    expect(classificationDefaults({ categoryCode: null, appealType: null, urgency: null, suggestion: null })).toEqual({
      categoryCode: undefined,
      appealType: undefined,
      urgency: undefined,
    });
  });
});

describe("the shipped model's output (names and Chinese labels)", () => {
  const shipped = {
    category: '环境保护',
    confidence: 0.52,
    alternatives: [{ category: '城乡建设', confidence: 0.46 }],
    reasons: ['分类依据: 施工'],
    type: '投诉',
    urgency: '一般',
    emergency: null,
    modelVersion: 'v1-4534a920',
  };

  it('reads a category name, alternatives and labels as the glossary values', () => {
    expect(viewSuggestion(shipped)).toMatchObject({
      categoryCode: null,
      categoryName: '环境保护',
      alternatives: [{ code: null, name: '城乡建设', confidence: 0.46 }],
      type: 'complaint',
      urgency: 'normal',
      emergencyLine: null,
    });
    expect(viewSuggestion({ ...shipped, type: '感谢', urgency: '特急' })).toMatchObject({ type: 'praise', urgency: 'critical' });
    expect(viewSuggestion({ ...shipped, type: '不知道' })?.type).toBeNull();
  });

  it('confirms with the code the tree gives for the suggested name, or without a category', () => {
    const ticket = { categoryCode: null, appealType: 'complaint', urgency: 'normal', suggestion: shipped };
    expect(classificationDefaults(ticket, (n) => (n === '环境保护' ? '02' : undefined)).categoryCode).toBe('02');
    expect(classificationDefaults(ticket).categoryCode).toBeUndefined();
  });
});
