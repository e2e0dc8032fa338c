const MAX = 40;
/** Digits, Latin letters and the marks inside numbers and codes: a cut inside such a run halves a phone or plate number. */
const WORD = /[0-9A-Za-z０-９Ａ-Ｚａ-ｚ.\-_:/@#]/;
const PLATE_PROVINCE = /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]/;
const BREAK = /[，。！？；、,.!?;：:\s）)】」]/;

/**
 * The title an appeal gets when the citizen gave none: the start of the text, at most 40 characters,
 * cut where a reader would pause (punctuation in the last third) and never inside a number, a plate
 * or a code — "小区门口138001" is worse than no number at all.
 */
export function autoTitle(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= MAX) return flat;
  let cut = MAX;
  for (let i = MAX; i >= Math.floor((MAX * 2) / 3); i--) {
    if (BREAK.test(flat[i - 1])) {
      cut = i - 1;
      break;
    }
  }
  if (cut === MAX && WORD.test(flat[cut - 1]) && WORD.test(flat[cut])) {
    while (cut > 0 && WORD.test(flat[cut - 1])) cut--;
    // A plate starts with its province's character (粤A12345): it goes with the number.
    if (cut > 0 && PLATE_PROVINCE.test(flat[cut - 1]) && /[A-Za-z]/.test(flat[cut])) cut--;
  }
  return flat.slice(0, cut || MAX).replace(/[，,、\s]+$/, '');
}
