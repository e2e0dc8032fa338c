/** Citizen-facing texts of the WeChat adapter (channels.md §1 "5-second rule and reply"). */
import type { PublicTicketView } from '../shared/ports';

export interface WechatTexts {
  received(ticketNo: string): string;
  welcome: string;
  newAppeal: string;
  myAppeals(tickets: PublicTicketView[]): string;
}

export const DEFAULT_TEXTS: WechatTexts = {
  received: (no) => `已收到您的诉求，工单号 ${no}。可点击菜单“我的诉求”查询进度。`,
  welcome: '欢迎关注12345政务服务便民热线。直接发送文字、图片、语音或位置即可反映诉求，我们会回复工单号。',
  newAppeal: '请直接发送文字描述您的诉求，可附图片、语音和位置；如是对已有工单的补充，请以工单号开头。',
  myAppeals: (ts) =>
    ts.length === 0 ? '您暂无诉求记录。' : ['您最近的诉求：', ...ts.map((t) => `${t.ticketNo} ${t.status === 'closed' ? '已办结' : '办理中'}`)].join('\n'),
};
