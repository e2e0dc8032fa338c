import { RectificationList } from '../../feedback/RectificationList';

/** The centre's 差评整改 desk: new bad reviews wait for verification with the citizen first. */
export function Rectifications() {
  return <RectificationList firstTab="verifying" testId="rect-centre" />;
}
