/**
 * Test oracle: the holiday lists copied verbatim from spec/domain.md §3, parsed independently of
 * holidays.ts, and a day-by-day working-day counter to compare the calendar's prefix sums against.
 */
export const DOMAIN_MD_LISTS = {
  2025: {
    off: '1/1; 1/28–2/4; 4/4–4/6; 5/1–5/5; 5/31–6/2; 10/1–10/8',
    makeUp: '1/26, 2/8, 4/27, 9/28, 10/11',
  },
  2026: {
    off: '1/1–1/3; 2/15–2/23; 4/4–4/6; 5/1–5/5; 6/19–6/21; 9/25–9/27; 10/1–10/7',
    makeUp: '1/4, 2/14, 2/28, 5/9, 9/20, 10/10',
  },
} as const;

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const md = (year: number, s: string) => {
  const [m, d] = s.trim().split('/').map(Number);
  return Date.UTC(year, m - 1, d);
};

/** Off days and make-up days per domain.md, as `YYYY-MM-DD` sets. */
export function domainSets() {
  const off = new Set<string>();
  const makeUp = new Set<string>();
  for (const [y, lists] of Object.entries(DOMAIN_MD_LISTS)) {
    const year = Number(y);
    for (const span of lists.off.split(';')) {
      const [a, b = a] = span.split('–');
      for (let t = md(year, a); t <= md(year, b); t += DAY) off.add(iso(t));
    }
    for (const d of lists.makeUp.split(',')) makeUp.add(iso(md(year, d)));
  }
  return { off, makeUp };
}

const { off, makeUp } = domainSets();

/** Working day per domain.md, by plain rules (no prefix sums). */
export function oracleIsWorking(date: string): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (makeUp.has(date)) return true;
  if (off.has(date)) return false;
  return dow !== 0 && dow !== 6;
}

/** n-th working day after `date`, counted one day at a time (start not counted; n = 0 rolls forward). */
export function oracleAddWorkingDays(date: string, n: number): string {
  let t = Date.parse(`${date}T00:00:00Z`);
  if (n === 0) {
    while (!oracleIsWorking(iso(t))) t += DAY;
    return iso(t);
  }
  for (let k = 0; k < n;) {
    t += DAY;
    if (oracleIsWorking(iso(t))) k++;
  }
  return iso(t);
}

/** Every date of 2025 and 2026. */
export function allDates(): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += DAY) out.push(iso(t));
  return out;
}
