/**
 * Urgency (紧急程度): 一般 normal · 紧急 urgent · 特急 critical (categories.md §2).
 *
 * The data carries no urgency labels, so this is a transparent rule layer: critical when an
 * emergency line applies (someone's life or property is at risk now), urgent when the message
 * describes a hazard, an outage of a basic service, vulnerable people at risk or an explicit
 * time pressure; normal otherwise. Every decision returns the cue that caused it.
 */
import { detectEmergency, type EmergencyEvidence, type EmergencyLine } from './emergency.js';

export type Urgency = '一般' | '紧急' | '特急';

export interface UrgencyResult {
  urgency: Urgency;
  emergency: EmergencyLine | null;
  emergencyEvidence: EmergencyEvidence[];
  /** The cues that raised urgency above normal (empty for 一般). */
  cues: string[];
}

// Cues for 紧急. Grouped by why they matter; each is specific enough to be a reason shown to
// the agent on its own.
const URGENT_CUES: RegExp[] = [
  // danger to people or buildings
  /安全隐患|随时(可能)?(倒塌|掉落|坍塌)|倒塌|坍塌|塌陷|裂缝.{0,6}危险|危房|高空坠物|触电|电线.{0,4}(裸露|掉落|垂落)|井盖.{0,4}(丢失|缺失|没有|被盗)|窨井/,
  // outage of basic services
  /停水|断水|没水|停电|断电|没电|停气|断气|没有暖气|水管爆|爆管|污水倒灌|内涝|被淹/,
  // vulnerable people in trouble
  /(老人|孩子|小孩|孕妇|残疾人|病人|学生).{0,8}(生病|住院|没人管|无人照顾|走失|失踪|受伤|危险)|走失|失踪/,
  // time pressure stated by the citizen
  /十万火急|非常紧急|情况紧急|紧急求助|急需|急求|刻不容缓|迫在眉睫|马上就要|今天(之内|必须)|今晚/,
  // money needed to live: wage arrears before holidays are handled as urgent by most centres
  /(拖欠|讨要|追讨|拿不到).{0,6}(工资|薪|血汗钱)|欠薪|讨薪/,
];

export function assessUrgency(text: string): UrgencyResult {
  const { line, evidence } = detectEmergency(text);
  if (line) return { urgency: '特急', emergency: line, emergencyEvidence: evidence, cues: evidence.map((e) => e.term) };
  const cues: string[] = [];
  for (const re of URGENT_CUES) {
    const m = text.match(re);
    if (m) cues.push(m[0]);
  }
  return { urgency: cues.length ? '紧急' : '一般', emergency: null, emergencyEvidence: [], cues };
}
