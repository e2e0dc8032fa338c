/**
 * `{name}` placeholders in a message template. A sender fills in only the variables a template
 * declares, so a body naming any other would reach the citizen as a literal "{name}".
 */
export type PlaceholderCheck = { ok: true; used: string[] } | { ok: false; syntaxAt: number };

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

export function placeholdersIn(text: string): PlaceholderCheck {
  const used: string[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    const close = text.indexOf('}', i);
    if (open === -1) return close === -1 ? { ok: true, used: [...new Set(used)] } : { ok: false, syntaxAt: close };
    if (close !== -1 && close < open) return { ok: false, syntaxAt: close };
    const end = text.indexOf('}', open);
    const name = end === -1 ? '' : text.slice(open + 1, end);
    if (!NAME.test(name)) return { ok: false, syntaxAt: open };
    used.push(name);
    i = end + 1;
  }
  return { ok: true, used: [...new Set(used)] };
}

/** Fills the declared variables in (previews; the senders' own rendering follows the same rule). */
export const renderTemplate = (text: string, values: Record<string, string>) =>
  text.replace(/\{([A-Za-z][A-Za-z0-9_]{0,31})\}/g, (m, k: string) => values[k] ?? m);
