/**
 * A plan document as an outline tree. This is exactly the JSON printed by `import-plan --json`; anything else
 * the importer needs (deadlines, responsible unit…) travels beside it, never inside it.
 */
export interface PlanNode {
  /** Normalised half-width marker: "一、", "(一)", "1.", "(1)". */
  marker: string;
  /** The heading: its line, or the text before the first "。". */
  title: string;
  /** The rest of the heading's line and the unmarked paragraphs after it, joined by "\n". */
  text: string;
  /** Dimensions (五型) the heading itself names, in configuration order. Children inherit nothing here. */
  dimensions: string[];
  children: PlanNode[];
}

export interface PlanOutline {
  /** The document's title (its first line, when that line comes before the first marker), or "". */
  title: string;
  nodes: PlanNode[];
}

/** What a spreadsheet row says about its node beyond the outline (absent for text documents). */
export interface PlanNodeDetails {
  /** Spreadsheet row the node came from. */
  rowNumber?: number;
  /** 完成时限 as written ("6月底前", "2026-06-30"); resolve it with parseDeadlineCell. */
  deadlineText?: string;
  /** 责任单位 */
  responsibleUnit?: string;
  /** 责任人 */
  responsiblePerson?: string;
  /** 清单类型 as written (学习清单 / 工作清单 / 创新清单 …). */
  listKind?: string;
}

/** Side table keyed by node identity (same objects as in the outline). */
export type PlanDetailsMap = Map<PlanNode, PlanNodeDetails>;

export const EMPTY_OUTLINE_MESSAGE = '文档中没有找到任何带编号的条目（如“一、”“（一）”“1.”）';
