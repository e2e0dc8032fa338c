import type { ThemeConfig } from 'antd';

/**
 * The console's Ant Design theme, fixed at the token level for GB/T 37668-2019 / WCAG 2.1 AA
 * (1.4.3: text contrast ≥ 4.5:1 on white and on the #f5f5f5 page). antd's defaults fail it:
 * primary/link #1677ff (4.1:1), secondary text rgba(0,0,0,.45) (≈4.0:1 on #f5f5f5), error #ff4d4f (3.3:1),
 * success #52c41a (2.2:1). Measured with axe-core in test/e2e/accessibility.e2e.ts; every screen
 * inherits these, so no screen carries its own colour fix.
 */
export const accessibleTheme: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9', // blue-7, 6.0:1 on white, white text on it 6.0:1
    // antd derives hover one shade lighter (#2e7ae6, white on it 4.2:1): a button under the pointer, which
    // is every button just clicked, failed. Hover and press go darker instead, as the Chinese government
    // sites' own buttons do.
    colorPrimaryHover: '#003eb3', // blue-8, 9.0:1
    colorPrimaryActive: '#002c8c', // blue-9, 12.1:1
    colorPrimaryTextHover: '#003eb3',
    colorPrimaryTextActive: '#002c8c',
    colorLink: '#0958d9',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    colorInfo: '#0958d9',
    colorError: '#c41d1d', // 6.0:1
    colorErrorHover: '#9e1015', // derived hover #d14641 is 4.50:1, on the edge: darker, as for primary
    colorErrorActive: '#78060e',
    colorSuccess: '#237804', // green-8, 5.9:1
    colorWarning: '#ad4e00', // orange-8, 5.6:1 (warning text, not only the icon)
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)', // ≥ 6:1 on #f5f5f5
    colorTextTertiary: 'rgba(0, 0, 0, 0.64)',
    colorTextDescription: 'rgba(0, 0, 0, 0.64)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
    // Tag text of the preset colours is shade 7 on shade 1, and these fail 4.5:1 by default (green 3.3:1).
    // The palette is derived from its seed (shade 6): one shade darker seeds make shade 7 pass.
    // Seeds chosen with @ant-design/colors' generate() so shade 7 on shade 1 is ≥ 4.5:1 (green 4.55, gold 5.5).
    green: '#237804',
    orange: '#d46b08',
    gold: '#ad6800',
    cyan: '#006d75',
    lime: '#3f6600',
    yellow: '#8c6f00',
    volcano: '#d4380d',
    // 2.4.7 focus visible: a ring that shows on white and on the primary colour alike.
    controlOutline: 'rgba(9, 88, 217, 0.45)',
    controlOutlineWidth: 3,
  },
};

/**
 * 长辈版 (elderly-friendly mode, 适老化): large text (body 18 px), touch targets of at least 44 px
 * (controls 48 px), higher contrast (pure black text, dark borders). Layered over accessibleTheme
 * on the citizen pages only.
 */
export const elderTheme: ThemeConfig = {
  token: {
    ...accessibleTheme.token,
    fontSize: 18,
    fontSizeLG: 20,
    fontSizeSM: 16,
    fontSizeHeading1: 32,
    fontSizeHeading2: 28,
    fontSizeHeading3: 24,
    fontSizeHeading4: 22,
    fontSizeHeading5: 20,
    lineHeight: 1.6,
    controlHeight: 48,
    controlHeightLG: 56,
    controlHeightSM: 44,
    colorText: '#000000',
    colorTextSecondary: 'rgba(0, 0, 0, 0.85)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.8)',
    colorTextDescription: 'rgba(0, 0, 0, 0.8)',
    colorBorder: '#595959',
    colorPrimary: '#003eb3', // blue-8, 9.0:1
    colorPrimaryHover: '#002c8c',
    colorPrimaryActive: '#001d66',
    colorPrimaryTextHover: '#002c8c',
    colorPrimaryTextActive: '#001d66',
    colorLink: '#003eb3',
    colorLinkHover: '#002c8c',
    colorLinkActive: '#001d66',
  },
  components: {
    Tabs: { titleFontSize: 20, horizontalItemPadding: '14px 0' },
    Segmented: { itemSelectedBg: '#003eb3', itemSelectedColor: '#ffffff' },
  },
};
