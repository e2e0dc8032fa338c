import enUS from 'antd/locale/en_US';
import { en } from './en';

/**
 * Everything English in one chunk, fetched when a user switches to English (or starts in it): the
 * console's words and Ant Design's. Chinese, the default, is in the first screen's JS.
 */
export const english = { messages: en, antd: enUS };
