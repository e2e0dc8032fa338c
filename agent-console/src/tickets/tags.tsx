import { Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
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

/** One shared clock per mounted countdown; 30 s is fine-grained enough for day and hour limits. */
export function useNow(intervalMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

export function Countdown({ dueAt, now }: { dueAt: string | null | undefined; now: number }) {
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
