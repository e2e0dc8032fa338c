/**
 * One polite/assertive live region for the whole page (WCAG 4.1.3 status messages, 3.3.1 error
 * identification): form errors are read out by screen readers when they appear, not only drawn in
 * red under the field (antd ties each message to its field with aria-describedby + aria-invalid, but
 * announces nothing). Created on first use, visually hidden, never removed.
 */
let region: HTMLElement | null = null;

export function announce(text: string) {
  if (typeof document === 'undefined') return;
  if (!region || !region.isConnected) {
    region = document.createElement('div');
    region.setAttribute('role', 'alert');
    region.setAttribute('aria-live', 'assertive');
    region.setAttribute('aria-atomic', 'true');
    region.className = 'sr-only';
    region.dataset.testid = 'live-errors';
    document.body.appendChild(region);
  }
  // Cleared first so the same message said twice is read twice.
  region.textContent = '';
  const r = region;
  setTimeout(() => {
    r.textContent = text;
  }, 50);
}
