import { Card, List, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A small card beside the ticket or the registration form listing rows (earlier tickets, same-matter candidates, category paths), or saying there are none. */
export function SideListCard<T>(p: { title: ReactNode; testId: string; rows: T[]; empty?: ReactNode; renderItem: (row: T) => ReactNode }) {
  return (
    <Card size="small" title={p.title} data-testid={p.testId}>
      {p.rows.length === 0 && p.empty !== undefined ? (
        <Typography.Text type="secondary">{p.empty}</Typography.Text>
      ) : (
        <List size="small" dataSource={p.rows} renderItem={p.renderItem} />
      )}
    </Card>
  );
}
