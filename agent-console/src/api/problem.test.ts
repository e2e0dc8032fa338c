import { beforeAll, describe, expect, it } from 'vitest';
import { problemMessage, readProblem } from './problem';
import { loadLocale } from '../i18n';

// English is a chunk of its own in the console (i18n/index.tsx); these tests read it.
beforeAll(() => loadLocale('en'));

describe('problem+json → message', () => {
  it("prefers the server's localized message", () => {
    const p = { status: 409, code: 'TICKET_STATE_CONFLICT', title: '工单状态已变化，请刷新后重试', message: 'The ticket changed' };
    expect(problemMessage(p, 'en')).toBe('The ticket changed');
  });

  it('falls back to our dictionary by code, in the chosen language', () => {
    expect(problemMessage({ status: 403, code: 'CSRF_FAILED' }, 'zh-CN')).toBe('会话已失效，请刷新页面');
    expect(problemMessage({ status: 403, code: 'CSRF_FAILED' }, 'en')).toBe('Session expired; reload the page');
  });

  it('says "network" when nothing answered and shows the status for unknown codes', () => {
    expect(problemMessage({ status: 0 }, 'zh-CN')).toBe('网络异常，请检查连接后重试');
    expect(problemMessage({ status: 502 }, 'en')).toBe('Request failed (502)');
    expect(problemMessage({ status: 418, code: 'SOMETHING_NEW' }, 'en')).toBe('Request failed (418)');
  });

  it('appends field errors from VALIDATION_FAILED', () => {
    const p = { status: 400, code: 'VALIDATION_FAILED', message: '提交的内容有误', errors: [{ path: 'content', message: '不能为空' }] };
    expect(problemMessage(p, 'zh-CN')).toBe('提交的内容有误（content: 不能为空）');
    expect(
      problemMessage(
        {
          ...p,
          message: 'Invalid',
          errors: [
            { path: 'a', message: 'x' },
            { path: 'b', message: 'y' },
          ],
        },
        'en',
      ),
    ).toBe('Invalid (a: x, b: y)');
  });

  it('reads problem bodies and non-JSON error pages alike', async () => {
    const json = new Response(JSON.stringify({ code: 'RATE_LIMITED', message: 'slow down' }), { status: 429 });
    expect(await readProblem(json)).toEqual({ code: 'RATE_LIMITED', message: 'slow down', status: 429 });
    expect(await readProblem(new Response('<html>Bad gateway</html>', { status: 502 }))).toEqual({ status: 502 });
  });
});
