/**
 * Dimensions (the "五型" of a 五型模范机关 programme). Names differ by agency, so they are configuration: the
 * canonical names plus aliases that mean one of them (e.g. an agency that says 效能型 for 实干型).
 */
export interface DimensionConfig {
  /** Canonical names, in the order results are listed. */
  names: readonly string[];
  /** Other spellings → canonical name (which must be in `names`). */
  aliases?: Readonly<Record<string, string>>;
}

export const DEFAULT_DIMENSION_NAMES: readonly string[] = ['政治型', '服务型', '实干型', '文明型', '廉洁型'];

export const DEFAULT_DIMENSION_CONFIG: DimensionConfig = { names: DEFAULT_DIMENSION_NAMES, aliases: {} };

/** Every spelling (name or alias) → canonical name. */
function spellings(config: DimensionConfig): [string, string][] {
  const out: [string, string][] = config.names.map((n) => [n, n]);
  for (const [alias, name] of Object.entries(config.aliases ?? {})) {
    if (alias !== '' && config.names.includes(name)) out.push([alias, name]);
  }
  return out;
}

function inConfigOrder(found: Set<string>, config: DimensionConfig): string[] {
  return config.names.filter((n) => found.has(n));
}

/**
 * The dimensions a heading names: "推进服务型和实干型机关建设" → ["服务型", "实干型"]. Only the heading is
 * looked at, never the body text (which mentions all five types in passing).
 */
export function detectDimensions(title: string, config: DimensionConfig = DEFAULT_DIMENSION_CONFIG): string[] {
  const found = new Set<string>();
  for (const [spelling, name] of spellings(config)) if (title.includes(spelling)) found.add(name);
  return inConfigOrder(found, config);
}

/**
 * A cell listing dimensions ("政治型、服务型", "政治型/廉洁型"): the canonical names, and what was not
 * recognised (so the caller can report it).
 */
export function parseDimensionList(
  cell: string,
  config: DimensionConfig = DEFAULT_DIMENSION_CONFIG,
): { dimensions: string[]; unknown: string[] } {
  const table = new Map(spellings(config));
  const found = new Set<string>();
  const unknown: string[] = [];
  for (const part of cell.split(/[、,，;；/|\s\u3000]+/)) {
    if (part === '') continue;
    const name = table.get(part) ?? table.get(`${part}型`);
    if (name === undefined) unknown.push(part);
    else found.add(name);
  }
  return { dimensions: inConfigOrder(found, config), unknown };
}

/**
 * Dimensions that apply to a node once inheritance is taken into account: its own when it names any, else
 * those of the nearest ancestor that names any. `ancestors` runs from the root down to the parent.
 */
export function effectiveDimensions(
  node: { readonly dimensions: readonly string[] },
  ancestors: readonly { readonly dimensions: readonly string[] }[],
): string[] {
  if (node.dimensions.length > 0) return [...node.dimensions];
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const dims = ancestors[i]?.dimensions ?? [];
    if (dims.length > 0) return [...dims];
  }
  return [];
}
