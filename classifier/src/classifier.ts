/**
 * The full pipeline for one appeal: category, appeal type, urgency, emergency line and
 * personal-data spans, with the reasons an agent sees.
 */
import { latestAppealTypePath, readAppealTypeModel, type AppealTypeModel } from './appeal-type-classifier.js';
import { predictType } from './appeal-type-model.js';
import { loadCategoryDepth, type CategoryCandidate, type CategoryDepth } from './category/depth.js';
import type { CategoryModel } from './category/model.js';
import { prepareNormalized } from './category/tokenize.js';
import { latestModelPath, readModel } from './model-store.js';
import { extractPii, type PiiSpan } from './pii.js';
import { scoreAppealType, type AppealType } from './rules/appeal-type.js';
import type { EmergencyEvidence, EmergencyLine } from './rules/emergency.js';
import { assessUrgency, type Urgency } from './rules/urgency.js';
import { joinTitleContent, normalizeText } from './text/normalize.js';

/** One appeal as a channel delivers it. `title` may be missing (phone calls have none). */
export interface AppealInput {
  title?: string | null;
  content?: string | null;
}

export interface ClassificationResult {
  /** First-level category (一级分类), one of the model's labels. */
  category: string;
  /** Calibrated probability that `category` is right. */
  confidence: number;
  /** The next three categories, best first. */
  alternatives: { category: string; confidence: number }[];
  /** Deeper path for dispatch: the first of `categoryCandidates` ([一级, 二级] or [一级, 二级, 三级]);
   * just [category] when the demo tree has no such branch. */
  categoryPath: string[];
  /** Top three level-2/3 paths under `category`, each with the words that point to it (evidence is
   * empty for a path that only fills the list). */
  categoryCandidates: CategoryCandidate[];
  /** Appeal type (诉求类型). */
  type: AppealType;
  typeConfidence: number;
  /** Version of the appeal-type model (models/APPEAL_TYPE_LATEST), or null when the category
   * file's older rules + weak-label model decided. */
  typeModelVersion: string | null;
  urgency: Urgency;
  /** Emergency line to transfer to at once, or null. */
  emergency: EmergencyLine | null;
  emergencyEvidence: EmergencyEvidence[];
  /** Why: category terms, type cues, urgency cues, emergency evidence — shown to the agent. */
  reasons: string[];
  /** Version of the model that produced this; the server stores it on the ticket. */
  modelVersion: string;
  /** Personal-data spans in `content` (offsets into the content string as given). */
  pii: PiiSpan[];
  /** True when the text had nothing to analyse (empty, only punctuation); the category is then
   * the model's prior and must not be trusted. */
  insufficientText: boolean;
}

export class Classifier {
  private model: CategoryModel;
  private modelPath: string | undefined;
  private typeModel: AppealTypeModel | null;
  private readonly depth: CategoryDepth;

  constructor(model: CategoryModel, modelPath?: string, typeModel: AppealTypeModel | null = null, depth: CategoryDepth = loadCategoryDepth()) {
    this.model = model;
    this.depth = depth;
    this.modelPath = modelPath;
    this.typeModel = typeModel?.installInto(model) ?? null;
  }

  get modelVersion(): string {
    return this.model.version;
  }

  /** Category labels the model can return. */
  get categories(): string[] {
    return [...this.model.data.labels];
  }

  /**
   * Classifies one appeal. Never throws for odd text (empty, emoji, 100 KB, traditional script);
   * throws a TypeError only when title/content are not strings.
   */
  classify(input: AppealInput): ClassificationResult {
    const { title, content } = checkInput(input);
    const model = this.model; // one model for the whole call, even if reloadModel runs meanwhile
    const typeModel = this.typeModel;
    const normTitle = normalizeText(title ?? '');
    const normContent = normalizeText(content ?? '');
    const x = model.vectorizer.transformPrepared(prepareNormalized(normTitle, normContent));
    const insufficientText = x.indices.length === 0;
    const all = model.scoreAll(x);
    const cat = model.predictVector(x, 5, all);
    // The hand-label model (appeal-type-classifier.ts) when one is installed; the category file's
    // rules + weak-label model otherwise, so an install without APPEAL_TYPE_LATEST still works.
    const type = typeModel
      ? {
          ...typeModel.predict(normTitle, normContent, x, scoreAppealType(normTitle, normContent), all.subarray(model.data.linear.classes)),
          source: 'model' as const,
        }
      : predictType(model.data.appealType, normTitle, normContent, x, all.subarray(model.data.linear.classes));
    const urgency = assessUrgency(joinTitleContent(normTitle, normContent));
    // Depth only under the predicted branch: one trie scan of this branch's words.
    const categoryCandidates = insufficientText ? [] : this.depth.suggest(cat.category, normTitle, normContent);

    const reasons: string[] = [];
    if (insufficientText) reasons.push('文本无可分析内容 (no analysable text): 分类不可信');
    else if (cat.terms.length) reasons.push(`分类依据: ${cat.terms.join('、')}`);
    const cues = [...new Set(type.cues.map((c) => (/^[？?]$/.test(c) ? '问句' : c)))].slice(0, 5);
    if (type.source === 'rules') reasons.push(cues.length ? `类型依据: ${cues.join('、')}` : `类型: 无线索，按最常见类型`);
    else reasons.push(cues.length ? `类型: 模型判断 (线索: ${cues.join('、')})` : '类型: 模型判断');
    if (urgency.emergency) {
      for (const e of urgency.emergencyEvidence.slice(0, 3)) reasons.push(`应急 ${e.line}: ${e.term} —「${e.clause.slice(0, 60)}」`);
    } else if (urgency.cues.length) reasons.push(`紧急线索: ${urgency.cues.join('、')}`);

    return {
      category: cat.category,
      confidence: round(cat.confidence),
      alternatives: cat.alternatives.map((a) => ({ category: a.category, confidence: round(a.confidence) })),
      categoryPath: categoryCandidates[0]?.path ?? [cat.category],
      categoryCandidates,
      type: type.type,
      typeConfidence: round(type.confidence),
      typeModelVersion: typeModel?.version ?? null,
      urgency: urgency.urgency,
      emergency: urgency.emergency,
      emergencyEvidence: urgency.emergencyEvidence,
      reasons,
      modelVersion: model.version,
      pii: extractPii(content ?? ''),
      insufficientText,
    };
  }

  /**
   * Loads a new model version without a restart. In-flight `classify` calls finish on the old
   * model; later calls use the new one. If the file is unreadable the old model stays and the
   * error is thrown. Without `path` it loads the file `classifier/models/LATEST` names now,
   * which is what `npm run classifier:train` just wrote. Returns the new version.
   */
  reloadModel(path?: string): string {
    const target = path ?? latestModelPath();
    const model = readModel(target);
    // The appeal-type model is re-read from its own pointer (a retrain of either model rolls out
    // with one reload); both are assigned only after both reads succeeded.
    const typeModel = loadTypeModel()?.installInto(model) ?? null;
    this.model = model;
    this.typeModel = typeModel;
    this.modelPath = target;
    return this.model.version;
  }

  /** Version of the appeal-type model in use, or null when none is installed. */
  get typeModelVersion(): string | null {
    return this.typeModel?.version ?? null;
  }

  /** File the current model was read from, when known. */
  get path(): string | undefined {
    return this.modelPath;
  }
}

/**
 * Loads a model file (default: the current shipped model, `classifier/models/LATEST`).
 * Takes about 0.3 s; do it once at start-up and share the Classifier.
 */
export function loadModel(path?: string): Classifier {
  const target = path ?? latestModelPath();
  return new Classifier(readModel(target), target, loadTypeModel());
}

/** The installed appeal-type model (models/APPEAL_TYPE_LATEST), or null when there is none. */
function loadTypeModel(): AppealTypeModel | null {
  const path = latestAppealTypePath();
  return path ? readAppealTypeModel(path) : null;
}

function checkInput(input: AppealInput): { title: string | null; content: string | null } {
  if (input === null || typeof input !== 'object') throw new TypeError('classify() expects an object {title, content}');
  const { title = null, content = null } = input;
  if (title !== null && typeof title !== 'string') throw new TypeError('title must be a string or null');
  if (content !== null && typeof content !== 'string') throw new TypeError('content must be a string or null');
  return { title, content };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
