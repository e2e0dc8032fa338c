import { Alert } from 'antd';
import { useI18n } from '../../i18n';
import { errorMessage } from '../../api/problem';

/**
 * A server refusal in words, inside the form that caused it (not a toast that vanishes): the
 * administrator reads why, fixes the field, and it clears on the next try.
 */
/** `detail`: the server's technical detail under the message (English); off where the screen lists the issues itself. */
export function FormError({ error, testId, detail: showDetail = true }: { error: unknown; testId: string; detail?: boolean }) {
  const { locale } = useI18n();
  if (!error) return null;
  const detail = (error as { problem?: { detail?: string } }).problem?.detail;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid={testId}
      style={{ marginBottom: 12 }}
      message={errorMessage(error, locale)}
      description={showDetail ? detail : undefined}
    />
  );
}

/** Lets Enter in any field submit an antd Form (implicit submission needs a submit button). */
export const EnterSubmits = () => <button type="submit" hidden aria-hidden tabIndex={-1} />;
