import { Space, Tag, Typography } from 'antd';
import { useSyncExternalStore } from 'react';
import type { Flags } from '../api/types';
import { useI18n } from '../i18n';
import { countdownText } from '../lib/deadline';

const STATUS_COLORS: Record<string, string> = {
  received: 'blue',
  pending_dispatch: 'gold',
  dispatched: 'cyan',
  signed: 'geekblue',
  in_progress: 'processing',
  return_requested: 'orange',
  extension_requested: 'orange',
  replied: 'purple',
  closed: 'green',
  answered_directly: 'green',
  transferred_emergency: 'red',
  declined: 'default',
  merged: 'default',
  reopened: 'magenta',
  archived: 'default',
};

export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-testid="status-tag" data-status={status}>
      {t(`status.${status}`)}
    </Tag>
  );
}

export function FlagTags({ flags, emergency }: { flags?: Flags | null; emergency?: string | boolean | null }) {
  const { t } = useI18n();
  if (!flags && !emergency) return null;
  const on = (['overdue', 'reminded', 'supervised', 'escalated'] as const).filter((f) => flags?.[f]);
  return (
    <Space size={2} wrap>
      {emergency && <Tag color="red">{typeof emergency === 'string' ? emergency : '!'}</Tag>}
      {on.map((f) => (
        <Tag key={f} color={f === 'overdue' ? 'red' : f === 'reminded' ? 'orange' : 'volcano'}>
          {t(`flag.${f}`)}
        </Tag>
      ))}
    </Space>
  );
}

/**
 * One clock for every countdown on screen: a single interval while anything listens, 30 s apart
 * (fine-grained enough for day and hour limits). A table's countdown cells read it themselves, so a
 * tick re-renders those cells only, not the table's columns and rows.
 */
const TICK_MS = 30_000;
let clockNow = Date.now();
const listeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | null = null;

function subscribeClock(listener: () => void) {
  listeners.add(listener);
  if (!clockTimer) {
    clockNow = Date.now();
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      listeners.forEach((l) => l());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && clockTimer) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

/** The shared clock's time; a component that is mounted after a pause sees the current time, not a stale tick. */
function readClock() {
  if (!clockTimer) clockNow = Date.now();
  return clockNow;
}

export function useNow() {
  return useSyncExternalStore(subscribeClock, readClock);
}

/** `now` from a caller that already has the clock; without it the cell follows the shared clock itself. */
export function Countdown({ dueAt, now }: { dueAt: string | null | undefined; now?: number }) {
  return now === undefined ? <LiveCountdown dueAt={dueAt} /> : <CountdownText dueAt={dueAt} now={now} />;
}

function LiveCountdown({ dueAt }: { dueAt: string | null | undefined }) {
  return <CountdownText dueAt={dueAt} now={useNow()} />;
}

function CountdownText({ dueAt, now }: { dueAt: string | null | undefined; now: number }) {
  const { t } = useI18n();
  const { level, text } = countdownText(dueAt, now, t);
  const type = level === 'overdue' ? 'danger' : level === 'soon' ? 'warning' : level === 'none' ? 'secondary' : undefined;
  return (
    <Typography.Text type={type} data-testid="countdown" data-level={level} title={dueAt ?? undefined}>
      {text}
    </Typography.Text>
  );
}

export function formatTime(iso: string | null | undefined, locale: string) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}
