/**
 * What an agent types or pastes for a phone number, as the server stores it: full-width digits made
 * ASCII, separators (spaces, dashes, dots, brackets) dropped from mobiles, and a +86 / 0086 / 86
 * country prefix removed. "138 0013 8000", "+86 138-0013-8000" and "１３８００１３８０００" all become
 * 13800138000. Landlines keep the dash between area code and number (020-12345678).
 */
export function normalizePhoneInput(raw: string): string {
  const ascii = raw
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\uFF0B/g, '+')
    .trim();
  const compact = ascii.replace(/[\s.()\u3000（）-]/g, '');
  const national = compact.replace(/^(\+86|0086)/, '').replace(/^86(?=1\d{10}$)/, '');
  if (/^1\d{10}$/.test(national)) return national;
  // A landline: keep one dash after the area code if the agent typed it that way, drop the rest.
  const landline = ascii.replace(/^(\+86|0086)\s*/, '').replace(/[\s.()\u3000（）]/g, '');
  return /^0\d{2,3}-?\d{7,8}$/.test(landline) ? landline : compact;
}
