import { RectificationList } from '../../feedback/RectificationList';

/** The unit's 差评整改 tasks: verified cases to rectify and report on, or to contest (申诉) with a reason. */
export function UnitRectifications() {
  return <RectificationList firstTab="rectifying" testId="rect-unit" />;
}
